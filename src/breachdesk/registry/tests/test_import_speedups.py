"""The import's fast paths: the forked reader keeps every guarantee, and the validation shortcuts equal jptext."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from breachdesk.core import jptext
from breachdesk.core.crypto import cipher_for
from breachdesk.registry import selectors, services
from breachdesk.registry.importing import bulk, validate
from breachdesk.registry.models import Person
from breachdesk.registry.tests.helpers import write_csv

# The same behaviour tests, run again below with every file read by a forked reader process.
from breachdesk.registry.tests.test_importing import (
    test_a_file_that_turns_into_another_encoding_midway_is_rolled_back_completely as test_forked_mixed_encoding,
)
from breachdesk.registry.tests.test_importing import (
    test_an_interrupted_import_resumes_from_its_checkpoint as test_forked_resume,
)
from breachdesk.registry.tests.test_importing import (
    test_it_deduplicates_on_member_id_then_email_then_phone as test_forked_dedup,
)
from breachdesk.registry.tests.test_importing import test_it_reads_tsv_and_xlsx as test_forked_tsv_and_xlsx
from breachdesk.registry.tests.test_importing import (
    test_it_rejects_bad_rows_into_a_masked_error_file_and_keeps_the_good_ones as test_forked_bad_rows,
)
from breachdesk.testing.fixtures import World

pytestmark = pytest.mark.django_db
__all__ = [
    "test_forked_bad_rows",
    "test_forked_dedup",
    "test_forked_mixed_encoding",
    "test_forked_resume",
    "test_forked_tsv_and_xlsx",
]


@pytest.fixture(autouse=True)
def _fork_every_file(settings: object) -> None:
    settings.BREACHDESK_REGISTRY_FORK_READER_BYTES = 0  # type: ignore[attr-defined]


def test_a_forked_import_stores_what_an_in_process_import_stores(world: World, tmp_path: Path) -> None:
    rows = [["会員ID", "氏名", "メール", "電話", "郵便番号", "住所", "生年月日"]]
    rows += [
        [f"F{i}", f"山田 {i}", f"f{i}@example.jp", f"090-2222-{i:04d}", "100-0001", f"東京都千代田区{i}丁目", "S55.4.1"]
        for i in range(30)
    ]
    rows += [["F3", "", "", "", "", "", ""], ["G1", "", "not-an-email", "", "", "", ""]]
    job = services.import_job_create(incident=world.incident, actor="cli", path=write_csv(tmp_path / "f.csv", rows))
    job = services.import_job_run(job=job, actor="cli")
    assert (job.imported, job.duplicates, job.rejected, job.checkpoint_row) == (30, 1, 1, 33)
    person = selectors.person_lookup(incident=world.incident, phone="09022220007")
    assert person is not None
    assert (person.member_id, person.name, person.birth_date, person.address) == (
        "F7",
        "山田 7",
        "1980-04-01",
        "東京都千代田区7丁目",
    )
    cipher = cipher_for(world.incident.pk)
    stored = Person.objects.get(incident=world.incident, bidx_member=cipher.blind_index("member_id", "F7"))
    expected = cipher.index_normalized("name_address", f"山田7|{bulk.address_key('東京都千代田区7丁目')}")
    assert bytes(stored.bidx_name_address or b"") == expected
    assert bytes(stored.bidx_email or b"") == cipher.index_normalized("email", "f7@example.jp")


def test_the_fast_hmac_equals_the_cipher_index(world: World) -> None:
    cipher = cipher_for(world.incident.pk)
    index = bulk.Preparer(cipher).index
    for kind, value in [("email", "a@example.jp"), ("member_id", "M" * 300), ("name_birth", "ヤマダ|1980-01-01")]:
        assert index(kind, value) == cipher.index_normalized(kind, value)


def _phone(function: object, value: str) -> str:
    try:
        return function(value)  # type: ignore[operator]
    except ValueError:
        return "rejected"


def _old_address_key(address: str) -> str:
    text = jptext.normalize_text(address).replace(" ", "")
    for marker in ("丁目", "番地", "番", "号"):
        text = text.replace(marker, "-")
    while "--" in text:
        text = text.replace("--", "-")
    return text.strip("-")


def test_fast_paths_equal_jptext() -> None:
    samples = [f" a{chr(c)}b  c " for c in range(0x3100) if not 0xD800 <= c <= 0xDFFF]
    samples += [
        "ｆｏｏ＠ＥＸＡＭＰＬＥ．ＪＰ",
        "東京都\u3000千代田区１－２ー３",
        "a\u200bb",
        "１２３ー４５",
        "３丁目４番地５号",
    ]
    for value in samples:
        assert validate.clean_text(value) == jptext.normalize_whitespace(jptext.strip_invisible(value)), value
        assert validate.normalize_text(value) == jptext.normalize_text(value), value
        assert validate.normalize_email(value) == jptext.normalize_email(value), value
        assert validate.normalize_member_id(value) == jptext.normalize_whitespace(jptext.nfkc(value)), value
        assert bulk.address_key(value) == _old_address_key(value), value
    pool = list(" -()0123456789+.\t\u3000ー－０１２３")
    rng = random.Random(20261121)
    for _ in range(20000):
        value = "".join(rng.choice(pool) for _ in range(rng.randint(0, 14)))
        assert _phone(validate.normalize_phone, value) == _phone(jptext.normalize_phone, value), value
