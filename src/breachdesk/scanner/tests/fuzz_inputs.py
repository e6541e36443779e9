"""Generate hostile files for the scanner's readers and check what a scan of them must never do.

Shared by the bounded test (``test_fuzz.py``) and the longer run (``bench/fuzz_scanner.py``). The strategies build
arbitrary bytes under every name the scanner reads differently (``.log``, ``.csv``, ``.xlsx``, ``.sql``, ``.gz``),
malformed CSV, broken workbooks (zip garbage, truncated or corrupted parts), broken gzip streams and SQL-dump
fragments, all sprinkled with identifiers so the detectors run too. ``file_check`` scans one such file and asserts:
no exception escapes, a file that is refused or read only in part is named with a short reason that says where
(line or byte when known), every finding has a sane location and a masked value, and reading a text file in two
byte ranges finds what reading it whole finds.
"""

from __future__ import annotations

import gzip
import io
import re
import zipfile
from pathlib import Path

from hypothesis import strategies as st

from breachdesk.scanner import detectors, engine, prefilter, readers

# Reasons are short, fixed words plus exception class names and positions: never content from the file.
REASON_RX = re.compile(
    r"(?:partly read: )?"
    r"(?:binary|broken symlink|not a regular file|symlink outside root|corrupt gzip|corrupt xlsx"
    r"|xlsx support \(openpyxl\) not installed|malformed csv|unreadable)"
    r"(?:: [A-Za-z_][A-Za-z0-9_.]*)?(?: in sheet \d+)?(?: at (?:line|byte) \d+)?"
)
_PIECES = (
    "4111111111111111", "4111 1111 1111 1111", "5555-5555-5555-4444", "090-1234-5678", "+81 90 1234 5678",
    "(03)1234-5678", "taro.yamada@example.jp", "name@2x.png", "〒100-0001", "生年月日 1985/04/01", "口座 1234567",
    "passport TK1234567", "マイナンバー 1234 5678 9018", "１２３４５６７８９０１８", "０９０ー１２３４ー５６７８",
    "20261121143055123", "order_id=4111111111111111", "カード番号", "\x00", "\r", "\n", "\t", ",", '"', "'", "''",
    "\\", "(", ")", ";", "NULL", "\\N", "\ufeff", "\u2212", "ー", "\udcff",
)  # fmt: skip
_SQL_PIECES = (
    "CREATE TABLE `users` (\n", "CREATE TABLE IF NOT EXISTS \"m\" (\n", "  `card_number` varchar(20),\n",
    "  `phone` text NOT NULL,\n", "  zip char(8),\n", "  PRIMARY KEY (`id`)\n", ");\n", ")",
    "INSERT INTO `users` VALUES ", "INSERT INTO m (card_number, phone) VALUES ",
    "(1,'4111111111111111','090-1234-5678')", ",(", "'it''s'", "'\\''", "NULL", ");\n",
    "COPY public.m (card_number, phone, zip) FROM stdin;\n", "4111111111111111\t09012345678\t", "1000001\n",
    "\\N\t", "\\.\n", "-- comment\n", "/*!40101 SET NAMES utf8 */;\n", "\n",
)  # fmt: skip
_TEXT_NAMES = ("a.log", "a.txt", "a.json", "a.jsonl", "a.log.gz", "a")
_ALL_NAMES = (*_TEXT_NAMES, "a.csv", "a.tsv", "a.csv.gz", "a.xlsx", "a.xlsm", "a.sql", "a.sql.gz", "a.gz")


def _encoded(text: str, encoding: str) -> bytes:
    return text.encode(encoding, errors="replace" if encoding != "utf-8" else "surrogatepass")


_ENCODINGS = st.sampled_from(("utf-8", "cp932", "utf-16", "utf-8-sig"))
_TEXT = st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=20)), max_size=40).map("".join)


@st.composite
def _text_file(draw: st.DrawFn, names: tuple[str, ...] = _TEXT_NAMES) -> tuple[str, bytes]:
    name = draw(st.sampled_from(names))
    data = _encoded(draw(_TEXT), draw(_ENCODINGS))
    return name, gzip.compress(data, mtime=0) if name.endswith(".gz") else data


@st.composite
def _csv_file(draw: st.DrawFn) -> tuple[str, bytes]:
    cell = st.one_of(st.sampled_from(_PIECES), st.text(max_size=12))
    rows = draw(st.lists(st.lists(cell, max_size=6), max_size=12))
    separator = draw(st.sampled_from((",", "\t", ";")))
    text = "".join(separator.join(row) + draw(st.sampled_from(("\n", "\r\n", "\r", ""))) for row in rows)
    return draw(st.sampled_from(("a.csv", "a.tsv"))), _encoded(text, draw(_ENCODINGS))


@st.composite
def _sql_file(draw: st.DrawFn) -> tuple[str, bytes]:
    pieces = draw(st.lists(st.one_of(st.sampled_from(_SQL_PIECES), st.sampled_from(_PIECES)), max_size=40))
    data = _encoded("".join(pieces), draw(_ENCODINGS))
    if draw(st.booleans()):
        return "a.sql.gz", gzip.compress(data, mtime=0)
    return "a.sql", data


def _workbook() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "会員"
    sheet.append(["name", "card_number", "zip", "birth_date"])
    sheet.append(["Taro", 4111111111111111, "1000001", "1985-04-01"])
    second = book.create_sheet("Orders")
    second.append(["order", "email"])
    second.append([20261121143055123, "taro@example.jp"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


_WORKBOOK: list[bytes] = []


def workbook_bytes() -> bytes:
    """Return a small valid workbook with two sheets (built once)."""
    if not _WORKBOOK:
        _WORKBOOK.append(_workbook())
    return _WORKBOOK[0]


def _mutated(data: bytes, draw: st.DrawFn) -> bytes:
    """Return ``data`` truncated, with bytes overwritten, or with a slice repeated."""
    out = bytearray(data)
    for _ in range(draw(st.integers(0, 6))):
        if not out:
            break
        at = draw(st.integers(0, len(out) - 1))
        how = draw(st.sampled_from(("flip", "cut", "garbage", "repeat")))
        if how == "flip":
            out[at] ^= draw(st.integers(1, 255))
        elif how == "cut":
            del out[at:]
        elif how == "garbage":
            out[at : at + 4] = draw(st.binary(max_size=8))
        else:
            out[at:at] = out[at : at + draw(st.integers(1, 64))]
    return bytes(out)


@st.composite
def _xlsx_file(draw: st.DrawFn) -> tuple[str, bytes]:
    original = workbook_bytes()
    if draw(st.booleans()):
        return "a.xlsx", _mutated(original, draw)
    # A well-formed zip whose parts are broken: truncated XML, garbage, a missing part, a bomb-free repeat.
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(original)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = source.namelist()
        victim = draw(st.sampled_from(names))
        for name in names:
            content = source.read(name)
            if name == victim:
                action = draw(st.sampled_from(("drop", "mutate", "text")))
                if action == "drop":
                    continue
                content = _mutated(content, draw) if action == "mutate" else _encoded(draw(_TEXT), "utf-8")
            target.writestr(name, content)
    return "a.xlsx", out.getvalue()


@st.composite
def _gzip_file(draw: st.DrawFn) -> tuple[str, bytes]:
    name, inner = draw(st.one_of(_text_file(), _csv_file(), _sql_file()))
    if name.endswith(".gz"):
        name = name[:-3]
    data = gzip.compress(inner, mtime=0)
    return draw(st.sampled_from((name + ".gz", "a.log.gz", "a.gz"))), _mutated(data, draw)


@st.composite
def _raw_file(draw: st.DrawFn) -> tuple[str, bytes]:
    prefix = draw(st.sampled_from((b"", b"PK\x03\x04", b"\x1f\x8b\x08\x00", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")))
    return draw(st.sampled_from(_ALL_NAMES)), prefix + draw(st.binary(max_size=600))


def any_file() -> st.SearchStrategy[tuple[str, bytes]]:
    """Return a strategy for (file name, content) pairs of every kind the scanner reads, most of them broken."""
    return st.one_of(_raw_file(), _text_file(), _csv_file(), _sql_file(), _xlsx_file(), _gzip_file())


STRATEGIES: dict[str, st.SearchStrategy[tuple[str, bytes]]] = {
    "bytes": _raw_file(),
    "text": _text_file(),
    "csv": _csv_file(),
    "xlsx": _xlsx_file(),
    "gzip": _gzip_file(),
    "sql": _sql_file(),
}


LINES = st.lists(_TEXT, min_size=1, max_size=8).map("\n".join)


def prefilter_check(*, text: str) -> None:
    """Assert that the prefilter keeps every line of ``text`` in which a line-by-line full scan finds something."""
    block = prefilter.bytes_normalise(data=text.encode("utf-8", "surrogatepass"))
    hits = set(prefilter.block_hits(block=block))
    offset = 0
    for line in block.split(b"\n"):
        if detectors.text_scan(text=line.decode("utf-8", "replace")):
            assert offset in hits, line
        offset += len(line) + 1


def file_check(*, root: Path, name: str, content: bytes) -> None:
    """Scan ``content`` saved as ``root/name`` and assert that the scanner behaves; raise ``AssertionError``."""
    path = root / name
    path.write_bytes(content)
    summary = engine.scan_paths([str(path)], jobs=1)
    for entry in summary.skipped:
        assert entry["path"] == str(path), entry
        assert REASON_RX.fullmatch(entry["reason"]), entry
    assert summary.files + len([e for e in summary.skipped if not e["reason"].startswith("partly")]) == 1
    for per_path in summary.paths.values():
        for sample in per_path.samples:
            assert "*" in sample["masked"], sample
            assert sample["line"] >= 1
    refusal = ""
    try:
        file_type = readers.file_type_sniff(path=path)
        whole = readers.file_read(path=path, file_type=file_type)
    except readers.UnreadableFile as exc:
        refusal = str(exc)
    if refusal:
        assert REASON_RX.fullmatch(refusal), refusal
        return
    for line, column, _kind, confidence, masked, sheet in whole.findings:
        assert line >= 1
        assert column >= 1
        assert 0 < confidence <= 1
        assert "*" in masked
        assert bool(sheet) == (file_type.kind == readers.XLSX)
    if whole.error is not None:
        assert REASON_RX.fullmatch(whole.error), whole.error
    size = len(content)
    if file_type.kind == readers.TEXT and not file_type.gz and file_type.encoding != "utf-16" and size > 1:
        # Two byte ranges, cut anywhere, give the same findings as the whole file.
        cut = size // 2
        first = readers.file_read(path=path, file_type=file_type, start=0, end=cut)
        second = readers.file_read(path=path, file_type=file_type, start=cut, end=size)
        merged = first.findings + [(f[0] + first.newlines, *f[1:]) for f in second.findings]
        assert merged == whole.findings, (merged, whole.findings)
