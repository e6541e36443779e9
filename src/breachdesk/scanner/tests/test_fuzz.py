"""Feed the readers hostile files (arbitrary bytes, malformed CSV, broken workbooks and gzip streams, SQL-dump
fragments): nothing may escape as an exception, and every refusal names the file and where it stopped.

Bounded to a few seconds; ``bench/fuzz_scanner.py`` runs the same checks with many more examples.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from breachdesk.scanner import engine, readers
from breachdesk.scanner.tests import fuzz_inputs

pytest.importorskip("openpyxl")

# No example database: it would write a .hypothesis directory into the working tree.
_BOUNDED = settings(max_examples=75, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("kind", sorted(fuzz_inputs.STRATEGIES))
def test_hostile_files_are_read_or_refused_with_a_reason(kind: str) -> None:
    @_BOUNDED
    @given(fuzz_inputs.STRATEGIES[kind])
    def check(named: tuple[str, bytes]) -> None:
        with tempfile.TemporaryDirectory() as directory:
            fuzz_inputs.file_check(root=Path(directory), name=named[0], content=named[1])

    check()


@_BOUNDED
@given(fuzz_inputs.LINES)
def test_the_prefilter_keeps_every_line_the_full_scan_reports(text: str) -> None:
    fuzz_inputs.prefilter_check(text=text)


def test_a_truncated_gzip_log_keeps_its_findings_and_says_where_it_broke(tmp_path: Path) -> None:
    import gzip

    lines = [f"{n} card=4111111111111111" for n in range(1, 3001)]
    data = gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0)
    path = tmp_path / "app.log.gz"
    path.write_bytes(data[: len(data) // 2])
    summary = engine.scan_paths([str(path)])
    assert summary.counts["credit_card"] > 100
    assert summary.files == 1
    [skipped] = summary.skipped
    assert skipped["path"] == str(path)
    assert skipped["reason"].startswith("partly read: corrupt gzip: EOFError at line ")


def test_a_csv_field_over_the_limit_names_the_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "CSV_FIELD_LIMIT", 1000)
    rows = [f"{n},user{n}@example.jp" for n in range(1, 101)]
    path = tmp_path / "members.csv"
    path.write_text("id,email\n" + "\n".join(rows) + f"\n101,{'x' * 2000}\n102,z@example.jp\n", encoding="utf-8")
    result = readers.file_read(path=path, file_type=readers.file_type_sniff(path=path))
    assert [(f[0], f[2]) for f in result.findings][-1] == (101, "email")
    assert len(result.findings) == 100
    assert result.error == "malformed csv: Error at line 102"
    summary = engine.scan_paths([str(path)])
    assert summary.skipped == [{"path": str(path), "reason": "partly read: malformed csv: Error at line 102"}]


def test_a_workbook_with_a_broken_sheet_names_the_sheet(tmp_path: Path) -> None:
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(fuzz_inputs.workbook_bytes())) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            content = source.read(name)
            target.writestr(name, content[: len(content) // 2] if name.endswith("sheet2.xml") else content)
    path = tmp_path / "book.xlsx"
    path.write_bytes(out.getvalue())
    result = readers.file_read(path=path, file_type=readers.file_type_sniff(path=path))
    assert {f[5] for f in result.findings} == {"会員"}
    assert result.error is not None
    assert result.error.startswith("corrupt xlsx: ")
    assert " in sheet 2" in result.error
