from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.db import connection
from openpyxl import Workbook

from breachdesk.core.models import TimelineEvent
from breachdesk.registry import selectors, services
from breachdesk.registry.importing import bulk, encoding, pipeline
from breachdesk.registry.models import ImportJob, JobStatus, Person
from breachdesk.registry.tests.helpers import MASTER_HEADER, MASTER_ROWS, master_file, run, run_fails, write_csv
from breachdesk.testing.fixtures import World

pytestmark = pytest.mark.django_db
CODE = "case-1"


def people(world: World) -> int:
    return Person.objects.filter(incident=world.incident).count()


@pytest.mark.parametrize("enc", ["utf-8", "utf-8-sig", "cp932", "euc-jp"])
def test_it_imports_every_supported_encoding_and_decrypts_the_names(world: World, tmp_path: Path, enc: str) -> None:
    out = run("import-people", "--incident", CODE, str(master_file(tmp_path, encoding=enc)))
    assert out == {"rows": 3, "imported": 3, "updated": 0, "duplicates": 0, "rejected": 0, "errors_file": None}
    person = selectors.person_lookup(incident=world.incident, member_id="M0002")
    assert person is not None
    assert person.name == "佐藤 花子"
    assert person.birth_date == "1980-03-04"  # 昭和55年3月4日
    assert person.affected is False


def test_it_writes_a_timeline_event_with_the_counts(world: World, tmp_path: Path) -> None:
    run("import-people", "--incident", CODE, str(master_file(tmp_path)))
    event = TimelineEvent.objects.filter(incident=world.incident, kind="registry.import_finished").get()
    assert event.data["imported"] == 3
    assert "山田" not in str(event.data)


def test_it_reads_tsv_and_xlsx(world: World, tmp_path: Path) -> None:
    tsv = write_csv(tmp_path / "m.tsv", [MASTER_HEADER, *MASTER_ROWS], delimiter="\t")
    assert run("import-people", "--incident", CODE, str(tsv))["imported"] == 3
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["会員ID", "メール"])
    sheet.append(["X1", "x1@example.jp"])
    workbook.save(tmp_path / "m.xlsx")
    assert run("import-people", "--incident", CODE, str(tmp_path / "m.xlsx"))["imported"] == 1


def test_it_asks_for_a_sheet_when_the_workbook_has_several(world: World, tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.title = "会員"
    workbook.active.append(["会員ID"])
    workbook.active.append(["X1"])
    workbook.create_sheet("メモ").append(["note"])
    workbook.save(tmp_path / "two.xlsx")
    assert "--sheet" in run_fails("import-people", "--incident", CODE, str(tmp_path / "two.xlsx"))
    assert run("import-people", "--incident", CODE, str(tmp_path / "two.xlsx"), "--sheet", "会員")["imported"] == 1


def test_it_rejects_formulas_in_xlsx_cells(world: World, tmp_path: Path) -> None:
    workbook = Workbook()
    workbook.active.append(["会員ID", "氏名"])
    workbook.active.append(["X1", '=HYPERLINK("http://evil","x")'])
    workbook.active.append(["X2", "普通 の名前"])
    workbook.save(tmp_path / "f.xlsx")
    out = run("import-people", "--incident", CODE, str(tmp_path / "f.xlsx"))
    assert (out["imported"], out["rejected"]) == (1, 1)
    assert "formula" in Path(out["errors_file"]).read_text(encoding="utf-8-sig")


def test_it_rejects_bad_rows_into_a_masked_error_file_and_keeps_the_good_ones(world: World, tmp_path: Path) -> None:
    rows = [
        MASTER_HEADER,
        MASTER_ROWS[0],
        ["M9", "悪い メール", "", "not-an-email", "", "", "", ""],
        ["M10", "電話 悪い", "", "", "12345", "", "", ""],
        ["M11", "日付 悪い", "", "", "", "", "", "1980-02-30"],
        ["M12", "=cmd|' /C calc'!A0", "", "", "", "", "", ""],
        ["M13", "短い"],
        ["", "識別子 なし", "", "", "", "", "", "1990-01-01"],
        MASTER_ROWS[1],
    ]
    out = run("import-people", "--incident", CODE, str(write_csv(tmp_path / "bad.csv", rows)))
    assert (out["rows"], out["imported"], out["rejected"]) == (8, 2, 6)
    with open(out["errors_file"], encoding="utf-8-sig") as handle:
        lines = list(csv.reader(handle))
    assert [line[0] for line in lines[1:]] == ["3", "4", "5", "6", "7", "8"]
    text = Path(out["errors_file"]).read_text(encoding="utf-8-sig")
    assert "not-an-email" not in text
    assert "12345" not in text
    assert "1980-02-30" not in text
    assert "has 2 cells but the header has 8" in text
    assert "formula" in text
    assert "not a date" in text


def test_a_nul_byte_past_the_sniffed_start_rejects_only_its_row(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(encoding, "SAMPLE_BYTES", 40)
    body = "会員ID,氏名\r\n" + "".join(f"K{i},名前{i}\r\n" for i in range(5)) + "K9,名\x00前\r\n"
    path = tmp_path / "nul.csv"
    path.write_bytes(body.encode())
    out = run("import-people", "--incident", CODE, str(path))
    assert (out["imported"], out["rejected"]) == (5, 1)
    assert "NUL byte" in Path(out["errors_file"]).read_text(encoding="utf-8-sig")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        ("会員ID,メール\r\n".encode(), "no rows"),
        ("会員ID,好きな色\r\nM1,青\r\n".encode(), "好きな色"),
        ("会員ID,メール,メール\r\nM1,a@example.jp,b@example.jp\r\n".encode(), "twice"),
        ("会員ID,メール,email\r\nM1,a@example.jp,b@example.jp\r\n".encode(), "same item"),
        ("氏名,住所\r\n山田,東京\r\n".encode(), "member ID"),
        ("会員ID,氏名\r\nM1,山田\r\n".encode("utf-16"), "NUL"),
        (b"\x81\x20abc,\x81\r\n", "encoding"),
    ],
)
def test_it_refuses_bad_files_with_a_clear_message_and_changes_nothing(
    world: World, tmp_path: Path, content: bytes, message: str
) -> None:
    before = people(world)
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    assert message in run_fails("import-people", "--incident", CODE, str(path))
    assert people(world) == before
    assert ImportJob.objects.filter(incident=world.incident, status=JobStatus.FAILED).count() <= 1


def test_it_caps_the_file_size_with_a_clear_message(world: World, tmp_path: Path, settings: object) -> None:
    settings.BREACHDESK_REGISTRY_MAX_FILE_BYTES = 100  # type: ignore[attr-defined]
    assert "larger than the limit" in run_fails("import-people", "--incident", CODE, str(master_file(tmp_path)))


def test_a_wrong_explicit_encoding_is_refused(world: World, tmp_path: Path) -> None:
    message = run_fails(
        "import-people", "--incident", CODE, str(master_file(tmp_path, encoding="cp932")), "--encoding", "utf-8"
    )
    assert "cannot be read as utf-8" in message


def test_a_file_that_turns_into_another_encoding_midway_is_rolled_back_completely(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("import-people", "--incident", CODE, str(master_file(tmp_path)))
    before = {p.pk: (p.items, p.affected) for p in Person.objects.filter(incident=world.incident)}
    monkeypatch.setattr(pipeline, "BATCH_ROWS", 2)
    monkeypatch.setattr(encoding, "SAMPLE_BYTES", 64)
    body = "会員ID,メール\r\n" + "".join(f"N{i},n{i}@example.jp\r\n" for i in range(20)) + "M0001,taro@example.jp\r\n"
    path = tmp_path / "mixed.csv"
    path.write_bytes(body.encode() + "N99,山田@example.jp\r\n".encode("cp932"))
    assert "mixes encodings" in run_fails("import-people", "--incident", CODE, str(path), "--source", "affected_list")
    after = {p.pk: (p.items, p.affected) for p in Person.objects.filter(incident=world.incident)}
    assert after == before
    assert ImportJob.objects.filter(incident=world.incident).order_by("-pk").first().status == JobStatus.FAILED  # type: ignore[union-attr]


def test_it_deduplicates_on_member_id_then_email_then_phone(world: World, tmp_path: Path) -> None:
    rows = [
        ["会員ID", "メール", "電話", "氏名"],
        ["A1", "a@example.jp", "090-1111-0001", "一"],
        ["A1", "", "", "一 改"],  # same member id
        ["", "A@EXAMPLE.JP", "", ""],  # same email, no member id
        ["", "", "09011110001", ""],  # same phone
        ["B2", "b@example.jp", "090-1111-0001", "家族"],  # shares the phone, but another member: kept apart
    ]
    out = run("import-people", "--incident", CODE, str(write_csv(tmp_path / "d.csv", rows)))
    assert (out["imported"], out["duplicates"]) == (2, 3)
    a1 = selectors.person_lookup(incident=world.incident, member_id="A1")
    assert a1 is not None
    assert a1.name == "一 改"
    out = run("import-people", "--incident", CODE, str(write_csv(tmp_path / "d.csv", rows)))
    assert (out["imported"], out["updated"], out["duplicates"]) == (0, 2, 3)


def test_map_and_items_options_apply(world: World, tmp_path: Path) -> None:
    rows = [["No.", "連絡先", "備考"], ["Z1", "z@example.jp", "memo"]]
    path = write_csv(tmp_path / "m.csv", rows)
    assert "No." in run_fails("import-people", "--incident", CODE, str(path))
    out = run(
        "import-people",
        "--incident",
        CODE,
        str(path),
        "--map",
        "No.=member_id",
        "--map",
        "連絡先=email",
        "--map",
        "備考=-",
        "--source",
        "affected_list",
        "--items",
        "email,card_number",
    )
    assert out["imported"] == 1
    assert run("lookup", "--incident", CODE, "--email", "z@example.jp") == {
        "found": True,
        "affected": True,
        "items": ["email", "card_number"],
    }


def test_an_interrupted_import_resumes_from_its_checkpoint(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "BATCH_ROWS", 3)
    rows = [["会員ID", "メール"]] + [[f"R{i}", f"r{i}@example.jp"] for i in range(10)] + [["R0", "x"]]
    path = write_csv(tmp_path / "r.csv", rows)
    original = bulk.BatchWriter.write
    calls = {"n": 0}

    def crash_on_third(self: bulk.BatchWriter, records: list, now: object) -> bulk.BatchCounts:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return original(self, records, now)  # type: ignore[arg-type]

    monkeypatch.setattr(bulk.BatchWriter, "write", crash_on_third)
    job = services.import_job_create(incident=world.incident, actor="cli", path=path)
    with pytest.raises(KeyboardInterrupt):
        services.import_job_run(job=job, actor="cli")
    job.refresh_from_db()
    assert (job.status, job.checkpoint_row, job.imported) == (JobStatus.INTERRUPTED, 7, 6)
    monkeypatch.setattr(bulk.BatchWriter, "write", original)
    out = run("import-people", "--incident", CODE, "--resume", str(job.pk))
    assert out == {
        "rows": 11,
        "imported": 10,
        "updated": 0,
        "duplicates": 0,
        "rejected": 1,
        "errors_file": job.errors_path,
    }
    assert Path(job.errors_path).read_text(encoding="utf-8-sig").count("not an email") == 1


def test_rollback_restores_people_exactly_and_goes_newest_first(world: World, tmp_path: Path) -> None:
    master = run("import-people", "--incident", CODE, str(master_file(tmp_path)))
    assert master["imported"] == 3
    affected = write_csv(tmp_path / "a.csv", [["会員ID"], ["M0001"], ["NEW1"]])
    out = run("import-people", "--incident", CODE, str(affected), "--source", "affected_list", "--items", "name,email")
    assert (out["imported"], out["updated"]) == (1, 1)
    first, second = ImportJob.objects.filter(incident=world.incident, actor_label="cli").order_by("pk")
    assert "roll it back first" in run_fails("import-people", "--incident", CODE, "--rollback", str(first.pk))
    run("import-people", "--incident", CODE, "--rollback", str(second.pk))
    taro = selectors.person_lookup(incident=world.incident, member_id="M0001")
    assert taro is not None
    assert (taro.affected, taro.items) == (False, 0)
    assert selectors.person_lookup(incident=world.incident, member_id="NEW1") is None
    run("import-people", "--incident", CODE, "--rollback", str(first.pk))
    assert selectors.person_lookup(incident=world.incident, member_id="M0001") is None
    assert TimelineEvent.objects.filter(incident=world.incident, kind="registry.job_rolled_back").count() == 2


def test_deleting_a_job_deletes_its_error_file(world: World, tmp_path: Path) -> None:
    out = run(
        "import-people",
        "--incident",
        CODE,
        str(write_csv(tmp_path / "e.csv", [["会員ID", "メール"], ["E1", "bad"], ["E2", "e@example.jp"]])),
    )
    job = ImportJob.objects.filter(incident=world.incident).order_by("-pk").first()
    assert job is not None
    assert Path(out["errors_file"]).exists()
    services.import_job_delete(job=job, actor=world.lead)
    assert not Path(out["errors_file"]).exists()
    assert Path(out["errors_file"]).is_relative_to(Path(__import__("django.conf").conf.settings.VAR_DIR) / "registry")


def _database_bytes() -> bytes:
    """Return the raw database: the SQLite image, or every PostgreSQL table as COPY would dump it."""
    connection.ensure_connection()
    raw = connection.connection
    if connection.vendor == "sqlite":
        return bytes(raw.serialize())
    chunks: list[bytes] = []
    with raw.cursor() as cursor:
        cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        for (table,) in cursor.fetchall():
            with cursor.copy(f'COPY "{table}" TO STDOUT') as copy:
                chunks.extend(bytes(block) for block in copy)
    return b"".join(chunks)


def test_the_database_holds_no_plaintext_name_email_or_phone(world: World, tmp_path: Path) -> None:
    run("import-people", "--incident", CODE, str(master_file(tmp_path)))
    raw = _database_bytes()
    assert b"master.csv" in raw  # the dump really holds what the import wrote (its job row)
    for row in MASTER_ROWS:
        for value in (
            row[0],
            row[1],
            row[3],
            row[4],
            row[6],
            row[4].replace("-", ""),
            "+81" + row[4].replace("-", "")[1:],
        ):
            for enc in ("utf-8", "cp932"):
                assert value.encode(enc) not in raw, value
                assert value.encode(enc).hex().encode() not in raw, value  # bytea as PostgreSQL dumps it
