"""Fuzz the people reader: near-valid CSV/TSV (ragged rows, wrong encodings, BOMs, huge fields, NULs, quoted
newlines, formulas) and XLSX (odd cell types, then corrupted bytes).

Every file is read, or refused as a whole with ``BadFile`` (the CLI's exit 2) whose message says what is wrong, and
for a problem found midway, at which row. A file that is read accounts for every row: N non-blank data rows give N
records or row errors, each error naming its column (none is dropped silently). Through the command, the counts say
the same: ``rows`` equals N, and the error file holds one line, with its row number, per rejected row.

``bench/fuzz_parsers.py`` runs the same properties for longer.
"""

# ruff: noqa: PT017 - a fuzz property accepts success or the documented error, so it checks the error it caught.
from __future__ import annotations

import csv
import io
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from django.core.management.base import CommandError
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from breachdesk.registry.importing.errors import BadFile
from breachdesk.registry.importing.mapping import map_headers, require_identifier
from breachdesk.registry.importing.readers import open_table
from breachdesk.registry.importing.validate import RowError, RowReader
from breachdesk.registry.tests.helpers import MASTER_HEADER, MASTER_ROWS, run
from breachdesk.testing.fixtures import World

FUZZ = settings(max_examples=120, deadline=None)
DB_FUZZ = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ENCODINGS = ["utf-8", "utf-8-sig", "cp932", "euc-jp", "utf-16", "latin-1", "mixed"]
ODD_VALUES = [
    "",
    " ",
    '=HYPERLINK("http://evil","x")',
    "+SUM(A1)",
    "-1",
    "@cmd",
    "a\x00b",
    "line\nbreak",
    'quote " inside',
    "comma, inside",
    "\ufeff",
    "\u200b",
    "ﾀﾛｳ",
    "x" * 600,
    "y" * 70_000,
    "昭和64年1月8日",
    "平成元年1月7日",
    "2026-02-30",
    "99999999",
    "not-an-email",
    "090-1234-5678",
    "+81 90 1234 5678",
    "100-0001",
    "〒1000001",
    "name,email",
    "é",
]


@dataclass
class TextFile:
    header: list[str]
    rows: list[list[str]]
    encoding: str
    delimiter: str
    terminator: str

    def data(self) -> bytes:
        buffer = io.StringIO()
        # csv.writer quotes a cell holding "\r" or "\n" only if they are in the line terminator: quote them all then,
        # or the file would really hold more rows than were written.
        breaks = any("\r" in c or "\n" in c for row in [self.header, *self.rows] for c in row)
        writer = csv.writer(
            buffer,
            delimiter=self.delimiter,
            lineterminator=self.terminator,
            quoting=csv.QUOTE_ALL if breaks else csv.QUOTE_MINIMAL,
        )
        writer.writerow(self.header)
        writer.writerows(self.rows)
        text = buffer.getvalue()
        if self.encoding == "mixed":  # the first half in UTF-8, the rest in CP932
            middle = len(text) // 2
            return text[:middle].encode() + text[middle:].encode("cp932", errors="replace")
        return text.encode(self.encoding, errors="replace")

    @property
    def expected_rows(self) -> int:
        return sum(1 for row in self.rows if any(c.strip() for c in row))


@st.composite
def cells(draw: st.DrawFn, column: int) -> str:
    choice = draw(st.integers(0, 5))
    if choice == 0:
        return draw(st.sampled_from(ODD_VALUES))
    if choice == 1:
        return draw(st.text(max_size=20))
    valid = MASTER_ROWS[draw(st.integers(0, len(MASTER_ROWS) - 1))][column]
    return valid.replace("M000", f"F{draw(st.integers(0, 10**6))}-") if column == 0 else valid


@st.composite
def text_files(draw: st.DrawFn) -> TextFile:
    columns = sorted(
        draw(st.sets(st.integers(0, len(MASTER_HEADER) - 1), min_size=1)) | {draw(st.sampled_from([0, 3, 4]))}
    )
    header = [MASTER_HEADER[c] for c in columns]
    if draw(st.integers(0, 9)) == 0:
        header.append(draw(st.sampled_from(["備考", "", "会員ID", "email"])))  # unknown, blank or duplicate header
    rows = []
    for _ in range(draw(st.integers(0, 12))):
        row = [draw(cells(c)) for c in columns]
        shape = draw(st.integers(0, 9))
        if shape == 0:
            row = row[: draw(st.integers(0, len(row)))]  # short
        elif shape == 1:
            row += [draw(st.sampled_from(["", "extra", " "])) for _ in range(draw(st.integers(1, 3)))]  # long
        elif shape == 2:
            row = [""] * len(row)  # blank
        rows.append(row)
    return TextFile(
        header=header,
        rows=rows,
        encoding=draw(st.sampled_from(ENCODINGS)),
        delimiter=draw(st.sampled_from([",", ",", "\t", ";"])),
        terminator=draw(st.sampled_from(["\r\n", "\n", "\r"])),
    )


def read_all(path: Path) -> tuple[int, int]:
    """Read ``path`` the way an import does; return (records, row errors). ``BadFile`` passes through."""
    table = open_table(path)
    try:
        column_map = map_headers(table.header)
        require_identifier(column_map)
        reader = RowReader(column_map, items_mask=None, affected=True)
        records = errors = 0
        for number, row in table.rows:
            try:
                record = reader.read(number, row)
            except RowError as exc:
                assert exc.reason
                assert exc.column in column_map.headers or exc.column == ""
                errors += 1
                continue
            records += record is not None
        return records, errors
    finally:
        table.close()


def check_bad_file(exc: BadFile) -> None:
    assert exc.code.startswith("registry.")
    assert exc.message
    assert len(str(exc.message)) <= 2000


def check_text_file(file: TextFile, suffix: str = ".csv") -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"people{suffix}"
        path.write_bytes(file.data())
        try:
            records, errors = read_all(path)
        except BadFile as exc:
            check_bad_file(exc)
            if exc.code in ("registry.bad_encoding", "registry.bad_csv") and "Row" in str(exc.message):
                assert any(ch.isdigit() for ch in str(exc.message))  # names the row
            return
    if file.delimiter in (",", "\t") and file.encoding not in ("mixed", "utf-16"):
        assert records + errors == file.expected_rows, (records, errors, file.expected_rows)


@FUZZ
@given(text_files())
@example(TextFile(["会員ID", "メールアドレス"], [["X1", "a\nb@example.jp"], ["X2", "=1+1"]], "utf-8", ",", "\r\n"))
@example(TextFile(["会員ID"], [["X1"], ["x" * 70_000]], "cp932", ",", "\r\n"))
@example(TextFile(["会員ID", "氏名"], [["", "0\r0"], ["X2", "a\nb"]], "utf-8", ",", "\r"))
@example(TextFile(["会員ID", "氏名"], [["X1", "山田"]] * 3, "utf-16", ",", "\r\n"))
def test_any_csv_is_read_row_by_row_or_refused_with_a_reason(file: TextFile) -> None:
    check_text_file(file)


XLSX_VALUES: list[Any] = [
    None,
    0,
    1.5,
    1e300,
    -7,
    True,
    "X9",
    "=1+1",
    '=HYPERLINK("http://evil","x")',
    datetime(1980, 4, 1),  # noqa: DTZ001 - a spreadsheet cell has no time zone
    date(2999, 1, 1),
    "x" * 32_000,
    "a\nb",
    "taro@example.jp",
]


@dataclass
class Xlsx:
    rows: list[list[Any]]
    sheets: int
    corruption: tuple[int, bytes] | None  # (where, bytes to write there)

    def data(self) -> bytes:
        workbook = Workbook()
        workbook.properties.created = workbook.properties.modified = datetime(2026, 3, 2)  # noqa: DTZ001 - fixed, so the bytes are the same each run
        sheet = workbook.active
        sheet.append(["会員ID", "メールアドレス", "生年月日"])
        for row in self.rows:
            sheet.append(row)
        for n in range(1, self.sheets):
            workbook.create_sheet(f"S{n}").append(["x"])
        buffer = io.BytesIO()
        workbook.save(buffer)
        data = buffer.getvalue()
        if self.corruption is not None:
            at, junk = self.corruption
            at %= len(data)
            data = data[:at] + junk + data[at + len(junk) :]
        return data

    @property
    def expected_rows(self) -> int:
        return sum(1 for row in self.rows if any(v is not None and str(v).strip() for v in row))


xlsx_files = st.builds(
    Xlsx,
    rows=st.lists(st.lists(st.sampled_from(XLSX_VALUES), min_size=0, max_size=4), max_size=8),
    sheets=st.sampled_from([1, 1, 1, 2]),
    corruption=st.none() | st.tuples(st.integers(0, 10**6), st.binary(min_size=1, max_size=16)),
)


def check_xlsx(file: Xlsx) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "people.xlsx"
        path.write_bytes(file.data())
        try:
            records, errors = read_all(path)
        except BadFile as exc:
            check_bad_file(exc)
            return
    if file.corruption is None:
        assert records + errors == file.expected_rows, (records, errors, file.expected_rows)


# A damaged workbook makes openpyxl raise zlib.error, EOFError, IndexError, NotImplementedError or an XML ParseError
# in load_workbook, and BadZipFile or ParseError while the rows are iterated; readers.py turns each into BadFile (the
# CLI exits 2 with a reason). The corruptions below were found by the fuzz test and are kept as regular cases.
DAMAGED = Xlsx(rows=[["X1", "a@example.jp", None]] * 3, sheets=1, corruption=None)


@FUZZ
@given(xlsx_files)
@example(Xlsx(rows=[[None, None, None, "x"]], sheets=1, corruption=None))
def test_any_xlsx_is_read_or_refused_with_a_reason(file: Xlsx) -> None:
    check_xlsx(file)


@pytest.mark.parametrize(
    "corruption", [(245, b"\xff" * 8), (224, b"<"), (4431, b"\xff" * 8), (4592, b"\xff" * 8)], ids=str
)
def test_a_damaged_workbook_is_refused_with_bad_file(corruption: tuple[int, bytes]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "people.xlsx"
        path.write_bytes(Xlsx(rows=DAMAGED.rows, sheets=1, corruption=corruption).data())
        with pytest.raises(BadFile) as refused:
            read_all(path)
    check_bad_file(refused.value)


@pytest.mark.django_db
@DB_FUZZ
@given(text_files())
def test_the_import_command_counts_every_row_or_exits_2(world: World, file: TextFile) -> None:
    file.delimiter, file.terminator = ",", "\r\n"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "people.csv"
        path.write_bytes(file.data())
        try:
            out = run("import-people", "--incident", "case-1", "--source", "affected_list", str(path))
        except CommandError as exc:
            assert exc.returncode == 2, exc
            assert str(exc)
            return
        if file.encoding in ("utf-8", "utf-8-sig"):
            assert out["rows"] == file.expected_rows, (out, file.expected_rows)
        assert out["rows"] == out["imported"] + out["updated"] + out["duplicates"] + out["rejected"]
        if out["rejected"]:
            with open(out["errors_file"], encoding="utf-8-sig", newline="") as handle:
                lines = list(csv.reader(handle))[1:]
            assert len(lines) == out["rejected"]
            assert all(line[0].isdigit() for line in lines)
            assert all(line[2] for line in lines)  # the reason


def test_a_zip_directory_asking_for_an_unknown_zip_version_is_refused_with_a_reason(tmp_path: Path) -> None:
    """Found by the fuzz test in a fresh-clone run: zipfile raised NotImplementedError ("zip file version 14.3")."""
    import io
    import zipfile

    from breachdesk.registry.importing.readers import check_xlsx_size

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    data = bytearray(buffer.getvalue())
    directory = data.index(b"PK\x01\x02")
    data[directory + 6 : directory + 8] = (143).to_bytes(2, "little")  # "version needed to extract": 14.3
    path = tmp_path / "future.xlsx"
    path.write_bytes(bytes(data))
    with pytest.raises(BadFile) as refused:
        check_xlsx_size(path)
    assert refused.value.code == "registry.bad_xlsx"
