"""Test the readers: text and logs, gzip, CSV in CP932, XLSX, SQL dumps, byte ranges, binary files."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from breachdesk.scanner import detectors, engine, readers


def _read(path: Path, **kwargs: int) -> list[readers.RawFinding]:
    return readers.file_read(path=path, file_type=readers.file_type_sniff(path=path), **kwargs).findings


def test_it_reports_line_and_column_in_logs(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    path.write_text("start\n注文 ok\n電話 090-1234-5678 / mail a.b@example.jp\n", encoding="utf-8")
    assert [(f[0], f[1], f[2]) for f in _read(path)] == [(3, 4, detectors.PHONE), (3, 25, detectors.EMAIL)]


def test_it_reads_gzip_logs(tmp_path: Path) -> None:
    path = tmp_path / "app.log.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("x\ncard=4111111111111111\n")
    assert [(f[0], f[2]) for f in _read(path)] == [(2, detectors.CREDIT_CARD)]


def test_it_reads_cp932_csv_with_header_hints(tmp_path: Path) -> None:
    path = tmp_path / "members.csv"
    path.write_bytes(
        "氏名,カード番号,生年月日,注文番号\r\n山田,4111111111111111,1985/04/01,5555555555554444\r\n".encode("cp932")
    )
    findings = _read(path)
    assert [(f[0], f[1], f[2]) for f in findings] == [(2, 2, detectors.CREDIT_CARD), (2, 3, detectors.BIRTH_DATE)]
    assert findings[0][3] == 0.99


def test_it_reads_tsv(tmp_path: Path) -> None:
    path = tmp_path / "members.tsv"
    path.write_text("id\temail\n1\tuser@example.jp\n", encoding="utf-8")
    assert [(f[0], f[1], f[2]) for f in _read(path)] == [(2, 2, detectors.EMAIL)]


def test_it_reads_xlsx_cells_with_header_hints(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["name", "card_number", "zip"])
    sheet.append(["Taro", 4111111111111111, "1000001"])
    path = tmp_path / "book.xlsx"
    book.save(path)
    assert [(f[0], f[1], f[2]) for f in _read(path)] == [(2, 2, detectors.CREDIT_CARD), (2, 3, detectors.POSTAL_CODE)]


def test_xlsx_findings_name_their_sheet_and_cell(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    members = book.active
    members.title = "会員"
    members.append(["name", "card_number"])
    members.append(["Taro", 4111111111111111])
    orders = book.create_sheet("Orders 2026")
    orders.append(["note"])
    for _ in range(26):
        orders.append([None])
    orders.cell(row=28, column=28, value="tel 090-1234-5678")
    path = tmp_path / "book.xlsx"
    book.save(path)
    assert [(f[5], f[0], f[1], f[2]) for f in _read(path)] == [
        ("会員", 2, 2, detectors.CREDIT_CARD),
        ("Orders 2026", 28, 28, detectors.PHONE),
    ]
    found: list[engine.Finding] = []
    summary = engine.scan_paths([str(path)], on_finding=found.append)
    assert [f.as_dict() for f in found] == [
        {"path": str(path), "line": 2, "column": 2, "sheet": "会員", "cell": "B2", "type": detectors.CREDIT_CARD,
         "confidence": 0.99, "masked": "4***********1111"},
        {"path": str(path), "line": 28, "column": 28, "sheet": "Orders 2026", "cell": "AB28",
         "type": detectors.PHONE, "confidence": 0.98, "masked": "090-****-5678"},
    ]  # fmt: skip
    assert summary.paths[str(path)].samples[0] == {
        "type": detectors.CREDIT_CARD, "line": 2, "masked": "4***********1111", "sheet": "会員", "cell": "B2"
    }  # fmt: skip


def test_text_findings_have_no_sheet(tmp_path: Path) -> None:
    path = tmp_path / "a.log"
    path.write_text("card 4111111111111111\n", encoding="utf-8")
    found: list[engine.Finding] = []
    engine.scan_paths([str(path)], on_finding=found.append)
    assert set(found[0].as_dict()) == {"path", "line", "column", "type", "confidence", "masked"}


def test_the_prefilter_keeps_numbers_written_against_japanese_text(tmp_path: Path) -> None:
    path = tmp_path / "a.log"
    path.write_text("カード番号4111111111111111です\n連絡先：09012345678まで\n", encoding="utf-8")
    assert [(f[0], f[2]) for f in _read(path)] == [(1, detectors.CREDIT_CARD), (2, detectors.PHONE)]


def test_it_reads_mysqldump_inserts_with_the_table_columns(tmp_path: Path) -> None:
    path = tmp_path / "dump.sql"
    path.write_text(
        "CREATE TABLE `users` (\n  `id` int NOT NULL,\n  `birth_date` date,\n  `account_number` varchar(9),\n"
        "  PRIMARY KEY (`id`)\n);\nINSERT INTO `users` VALUES (1,'1985-04-01','1234567'),(2,NULL,'7654321');\n",
        encoding="utf-8",
    )
    kinds = [(f[0], f[2]) for f in _read(path)]
    assert kinds == [(7, detectors.BIRTH_DATE), (7, detectors.BANK_ACCOUNT), (7, detectors.BANK_ACCOUNT)]


def test_it_reads_pg_dump_copy_blocks_and_inserts(tmp_path: Path) -> None:
    path = tmp_path / "pg.sql"
    path.write_text(
        "COPY public.members (id, phone, zip) FROM stdin;\n1\t09012345678\t1000001\n\\.\n"
        "INSERT INTO public.members (id, phone, zip) VALUES (2, '03-1234-5678', '100-0001');\n",
        encoding="utf-8",
    )
    assert [(f[0], f[1], f[2]) for f in _read(path)] == [
        (2, 3, detectors.PHONE),
        (2, 15, detectors.POSTAL_CODE),
        (4, 57, detectors.PHONE),
        (4, 73, detectors.POSTAL_CODE),
    ]


def test_byte_ranges_give_the_same_findings_as_the_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "big.log"
    lines = [f"line {n} tel=090-1234-{n:04d} pad {'x' * (n % 37)}" for n in range(2000)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    file_type = readers.file_type_sniff(path=path)
    whole = readers.file_read(path=path, file_type=file_type)
    size = path.stat().st_size
    merged: list[readers.RawFinding] = []
    offset = 0
    for start in range(0, size, 9973):
        part = readers.file_read(path=path, file_type=file_type, start=start, end=min(start + 9973, size))
        merged.extend((f[0] + offset, *f[1:]) for f in part.findings)
        offset += part.newlines
    assert merged == whole.findings
    assert len(whole.findings) == 2000


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00", "binary"), ("data.bin", b"abc\x00def", "binary"),
     ("broken.gz", b"not gzip at all", "corrupt gzip"), ("book.xlsx", b"plain text", "corrupt xlsx")],
)  # fmt: skip
def test_it_refuses_binary_and_corrupt_files(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(readers.UnreadableFile, match=reason):
        readers.file_type_sniff(path=path)
