"""Masked means masked: member IDs never leave whole through a masked export, an error file or a match report."""

from __future__ import annotations

import io
import logging
from pathlib import Path

import pytest

from breachdesk.registry import services
from breachdesk.registry.masking import mask
from breachdesk.registry.models import ImportJob
from breachdesk.registry.tests.helpers import run, write_csv
from breachdesk.testing.fixtures import World

pytestmark = pytest.mark.django_db
CODE = "case-1"


@pytest.mark.parametrize(
    ("value", "masked"),
    [("OCO0012345", "********45"), ("M-01", "**01"), ("ABC", "***"), ("", "")],
)
def test_a_member_id_keeps_only_its_last_two_characters(value: str, masked: str) -> None:
    assert mask("member_id", value) == masked


def test_the_masked_export_holds_no_whole_member_id(world: World) -> None:
    services.person_create(incident=world.incident, actor=world.lead, member_id="OCO0012345", email="a@example.jp")
    out = io.BytesIO()
    services.person_export(incident=world.incident, actor=world.lead, fmt="csv", encoding="utf-8", full=False, out=out)
    text = out.getvalue().decode("utf-8-sig")
    assert "********45" in text
    assert "OCO0012345" not in text
    assert "W-0001" not in text
    full = io.BytesIO()
    services.person_export(incident=world.incident, actor=world.lead, fmt="csv", encoding="utf-8", full=True, out=full)
    assert "OCO0012345" in full.getvalue().decode("utf-8-sig")  # the full export, for EXPORT_PII, is whole


def test_error_files_and_match_reports_mask_member_ids(
    world: World, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    bad = write_csv(
        tmp_path / "m.csv",
        [["会員番号", "メールアドレス"], ["=SECRET0099", "x@example.jp"], ["OCO7777777", "not-an-address"]],
    )
    run("import-people", "--incident", CODE, str(bad))
    job = ImportJob.objects.filter(incident=world.incident).latest("pk")
    errors = Path(job.errors_path).read_text(encoding="utf-8-sig")
    assert job.rejected == 2
    assert "SECRET0099" not in errors
    assert "OCO7777777" not in errors
    assert "*********99" in errors  # the formula's masked form (it starts with '*', so it is no formula either)
    leaked = write_csv(tmp_path / "leak.csv", [["会員番号", "氏名"], ["LEAK-123456", "誰か 知らない"]])
    run("match-leak", "--incident", CODE, str(leaked))
    match = ImportJob.objects.filter(incident=world.incident).latest("pk")
    unmatched = Path(match.errors_path).read_text(encoding="utf-8-sig")
    assert "*********56" in unmatched
    assert "LEAK-123456" not in unmatched
    assert "知らない" not in unmatched
    logged = caplog.text
    for secret in ("SECRET0099", "OCO7777777", "LEAK-123456", "not-an-address"):
        assert secret not in logged
