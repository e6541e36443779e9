"""Read each kind of file the scanner knows and return its findings, masked, with line (or row) and column.

Plain text, logs, JSON and JSON Lines are streamed in large chunks through the prefilter; a byte range of a big file
can be read on its own, so several processes can share one file. CSV/TSV, XLSX and SQL dumps are read record by
record, because their column names tell what a value is. Pure Python (openpyxl for XLSX), no Django import.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import gzip
import io
import re
import zlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from breachdesk.scanner import detectors, prefilter

# Blocks of 1 MB: the block and its shape stay in the CPU's L2 cache for the prefilter's passes, and the allocator
# reuses the same memory block after block instead of faulting in fresh pages.
CHUNK_SIZE = 1024 * 1024
SNIFF_SIZE = 64 * 1024

# A CSV field longer than this stops the read of the file there (the csv module's own guard).
CSV_FIELD_LIMIT = 64 * 1024 * 1024
# A line longer than this is cut (a minified JSON file, a binary blob that slipped through).
MAX_LINE = 64 * 1024 * 1024

# line (or row), column, type, confidence, masked value, sheet name (XLSX only, else "")
RawFinding = tuple[int, int, str, float, str, str]

TEXT = "text"
CSV = "csv"
TSV = "tsv"
XLSX = "xlsx"
SQL = "sql"

_KIND_BY_SUFFIX = {".csv": CSV, ".tsv": TSV, ".tab": TSV, ".xlsx": XLSX, ".xlsm": XLSX, ".sql": SQL}
_BINARY_MAGIC = (
    b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x7fELF", b"\x1f\x8b", b"BZh", b"7z\xbc\xaf",
    b"Rar!", b"\xd0\xcf\x11\xe0", b"\xfd7zXZ", b"SQLite format 3",
)  # fmt: skip


class UnreadableFile(Exception):
    """Say that a file cannot be scanned; the message is a short reason that never quotes the file's content.

    ``line`` (or row) and ``offset`` (bytes) say where reading stopped, when that is known; ``str()`` names them.
    """

    def __init__(self, reason: str, *, line: int | None = None, offset: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line
        self.offset = offset

    def __str__(self) -> str:
        if self.line is not None:
            return f"{self.reason} at line {self.line}"
        if self.offset is not None:
            return f"{self.reason} at byte {self.offset}"
        return self.reason


def _failure(exc: BaseException) -> str:
    """Return the short reason for an exception raised while reading: its kind and class, never its message."""
    name = type(exc).__name__
    if isinstance(exc, (gzip.BadGzipFile, EOFError, zlib.error)):
        return f"corrupt gzip: {name}"
    if isinstance(exc, csv.Error):
        return f"malformed csv: {name}"
    return f"unreadable: {name}"


@dataclass
class ReadResult:
    """Hold what one read of a file (or of a byte range of it) found."""

    findings: list[RawFinding] = field(default_factory=list)
    newlines: int = 0
    # Set when reading stopped early (a truncated gzip stream, a malformed CSV row): what was read still counts.
    error: str | None = None


@dataclass(frozen=True)
class FileType:
    """Say how to read a file: its kind, its text encoding and whether it is gzip-compressed."""

    kind: str
    encoding: str
    gz: bool = False


def _kind_of(name: str) -> str:
    return _KIND_BY_SUFFIX.get(Path(name).suffix.lower(), TEXT)


def _encoding_of(sample: bytes) -> str | None:
    """Return the text encoding of ``sample``, or ``None`` when it looks binary."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample or sample.startswith(_BINARY_MAGIC):
        return None
    # The sample may end inside a character: drop up to three bytes before deciding.
    for encoding in ("utf-8", "cp932"):
        for cut in range(4):
            try:
                sample[: len(sample) - cut].decode(encoding)
            except UnicodeDecodeError:
                continue
            return encoding
    controls = sum(1 for byte in sample if byte < 0x20 and byte not in b"\t\n\r\f\x1b")
    return None if controls > len(sample) // 10 else "utf-8"


def _gz_sample(path: Path) -> bytes:
    """Return the first ``SNIFF_SIZE`` decompressed bytes; a stream that breaks after some data is sniffed on them
    (the read reports the break later, keeping what came before it)."""
    pieces: list[bytes] = []
    size = 0
    with gzip.open(path, "rb") as handle:
        try:
            while size < SNIFF_SIZE and (data := handle.read1(SNIFF_SIZE - size)):
                pieces.append(data)
                size += len(data)
        except (gzip.BadGzipFile, EOFError, zlib.error):
            if not size:
                raise
    return b"".join(pieces)


def file_type_sniff(*, path: Path) -> FileType:
    """Return how to read ``path``; raise ``UnreadableFile`` for binary, corrupt or unreadable files."""
    name = path.name
    gz = name.lower().endswith(".gz")
    try:
        if gz:
            name = name[:-3]
            sample = _gz_sample(path)
        else:
            with path.open("rb") as handle:
                sample = handle.read(SNIFF_SIZE)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise UnreadableFile(f"corrupt gzip: {type(exc).__name__}") from None
    except OSError as exc:
        raise UnreadableFile(f"unreadable: {type(exc).__name__}") from None
    kind = _kind_of(name)
    if kind == XLSX:
        if gz or not sample.startswith(b"PK\x03\x04"):
            raise UnreadableFile("corrupt xlsx")
        return FileType(XLSX, "", False)
    encoding = _encoding_of(sample)
    if encoding is None:
        raise UnreadableFile("binary")
    return FileType(kind, encoding, gz)


# --------------------------------------------------------------------------------------------------------------------
# Plain text, logs, JSON, JSON Lines
# --------------------------------------------------------------------------------------------------------------------
def _range_chunks(path: Path, start: int, end: int | None) -> Iterator[bytes]:
    """Yield the raw bytes of the lines that start in [start, end), in chunks of about ``CHUNK_SIZE``."""
    with path.open("rb") as handle:
        if start > 0:
            handle.seek(start - 1)
            if handle.read(1) != b"\n":
                handle.readline()  # The line in progress belongs to the range before.
        position = handle.tell()
        while end is None or position < end:
            want = CHUNK_SIZE if end is None else min(CHUNK_SIZE, end - position)
            data = handle.read(want)
            if not data:
                return
            position += len(data)
            if end is not None and position >= end and not data.endswith(b"\n"):
                data += handle.readline()  # Finish the last line that starts inside the range.
            yield data


def _gz_chunks(path: Path) -> Iterator[bytes]:
    """Yield the decompressed stream in chunks of about ``CHUNK_SIZE``; a broken stream yields what came before."""
    with gzip.open(path, "rb") as handle:
        pieces: list[bytes] = []
        size = 0
        while True:
            try:
                # read1 returns what one step of decompression gives: when the stream breaks, nothing read is lost.
                data = handle.read1(CHUNK_SIZE)
            except (OSError, EOFError, zlib.error):
                if pieces:
                    yield b"".join(pieces)
                raise
            if data:
                pieces.append(data)
                size += len(data)
            if pieces and (size >= CHUNK_SIZE or not data):
                yield b"".join(pieces)
                pieces.clear()
                size = 0
            if not data:
                return


def _utf8_blocks(chunks: Iterable[bytes], encoding: str) -> Iterator[bytes]:
    """Yield normalised UTF-8 blocks that end at a line end, whatever the source encoding."""
    decoder = None if encoding == "utf-8" else codecs.getincrementaldecoder(encoding)(errors="replace")
    pending: list[bytes] = []  # the start of a line longer than a chunk
    pending_size = 0
    for chunk in chunks:
        data = chunk if decoder is None else decoder.decode(chunk).encode("utf-8")
        cut = data.rfind(b"\n") + 1
        if cut == 0 and pending_size + len(data) < MAX_LINE:
            pending.append(data)  # One very long line: wait for its end, within reason.
            pending_size += len(data)
            continue
        if cut == 0:
            cut = len(data)
        head = data[:cut] if cut < len(data) else data
        if pending:
            head = b"".join([*pending, head])
            pending.clear()
        pending_size = len(data) - cut
        if pending_size:
            pending.append(data[cut:])
        yield prefilter.bytes_normalise(data=head)
    if decoder is not None:
        pending.append(decoder.decode(b"", final=True).encode("utf-8"))
    if rest := b"".join(pending):
        yield prefilter.bytes_normalise(data=rest)


def _scan_blocks(blocks: Iterator[bytes]) -> ReadResult:
    result = ReadResult()
    line_base = 1
    while True:
        try:
            block = next(blocks, None)
        except (OSError, EOFError, zlib.error, UnicodeError) as exc:
            # A truncated or corrupt stream: keep what was read, and say where reading stopped.
            result.error = str(UnreadableFile(_failure(exc), line=line_base))
            return result
        if block is None:
            return result
        line = line_base
        previous = 0
        for start in prefilter.block_hits(block=block):
            line += block.count(b"\n", previous, start)
            previous = start
            stop = block.find(b"\n", start)
            text = block[start : stop if stop >= 0 else len(block)].decode("utf-8", "replace")
            # The block went through bytes_normalise, which maps characters exactly as text_normalise does.
            for found in detectors.text_scan(text=text, normalised=True):
                result.findings.append((line, found.start + 1, found.type, found.confidence, found.masked, ""))
        newlines = line - line_base + block.count(b"\n", previous)  # one pass over the block in all
        result.newlines += newlines
        line_base += newlines


def text_read(*, path: Path, file_type: FileType, start: int = 0, end: int | None = None) -> ReadResult:
    """Scan a text file (or the lines starting in the byte range [start, end) of it) through the prefilter."""
    chunks = _gz_chunks(path) if file_type.gz else _range_chunks(path, start, end)
    encoding = "utf-8" if file_type.encoding in ("utf-8", "utf-8-sig") else file_type.encoding
    return _scan_blocks(_utf8_blocks(chunks, encoding))


def _text_stream(path: Path, file_type: FileType) -> IO[str]:
    # The wrapper owns the raw file and closes it: callers use the returned stream as a context manager.
    raw: IO[bytes] = gzip.open(path, "rb") if file_type.gz else path.open("rb")  # type: ignore[assignment]  # noqa: SIM115
    return io.TextIOWrapper(raw, encoding=file_type.encoding, errors="replace", newline="")


def _scan_cell(value: str, hint: str | None, line: int, column: int, out: list[RawFinding], sheet: str = "") -> None:
    for found in detectors.text_scan(text=value, hint=hint):
        out.append((line, column, found.type, found.confidence, found.masked, sheet))


def _scan_row(
    cells: list[str],
    hints: list[str | None],
    line: int,
    out: list[RawFinding],
    *,
    first_column: int = 1,
    sheet: str = "",
) -> None:
    """Scan a row's non-empty cells, each with its column's header hint."""
    for index, cell in enumerate(cells):
        if cell:
            hint = hints[index] if index < len(hints) else None
            _scan_cell(cell, hint, line, first_column + index, out, sheet)


# --------------------------------------------------------------------------------------------------------------------
# CSV and TSV
# --------------------------------------------------------------------------------------------------------------------
def _header_hints(row: list[str]) -> list[str | None] | None:
    """Return the column hints when ``row`` is a header row, else ``None``."""
    hints = [detectors.header_hint(name=cell) for cell in row]
    if any(hints) or not any(any(ch.isdigit() for ch in cell) for cell in row):
        return hints
    return None


def csv_read(*, path: Path, file_type: FileType) -> ReadResult:
    """Scan a CSV or TSV file cell by cell; the header row names each column's type."""
    result = ReadResult()
    csv.field_size_limit(CSV_FIELD_LIMIT)
    delimiter = "\t" if file_type.kind == TSV else ","
    with _text_stream(path, file_type) as stream:
        hints: list[str | None] = []
        reader = csv.reader(stream, delimiter=delimiter)
        try:
            for number, row in enumerate(reader, start=1):
                if number == 1:
                    found_hints = _header_hints(row)
                    if found_hints is not None:
                        hints = found_hints
                        continue
                _scan_row(row, hints, number, result.findings)
        except (csv.Error, OSError, EOFError, zlib.error, UnicodeError) as exc:
            # An oversized field or a truncated gzip stream: keep the rows read so far.
            result.error = str(UnreadableFile(_failure(exc), line=max(reader.line_num, 1)))
    return result


# --------------------------------------------------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------------------------------------------------
def _cell_text(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # Card numbers typed into Excel come back as floats.
    if hasattr(value, "isoformat"):
        return str(value.isoformat())[:10]
    return str(value)


def cell_reference(*, row: int, column: int) -> str:
    """Return the spreadsheet name of a cell (row 2, column 28 -> ``AB2``)."""
    letters = ""
    while column > 0:
        column, remainder = divmod(column - 1, 26)
        letters = chr(65 + remainder) + letters
    return f"{letters}{row}"


def xlsx_read(*, path: Path, file_type: FileType) -> ReadResult:
    """Scan every sheet of a workbook cell by cell; each sheet's first row may name the columns.

    Findings carry the sheet's name; a sheet that cannot be read (a broken part inside the zip) stops the read
    there, with the sheet's position and the row in the error.
    """
    try:
        import openpyxl
    except ImportError:
        raise UnreadableFile("xlsx support (openpyxl) not installed") from None
    result = ReadResult()
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises anything on garbage: zip, XML, KeyError, ValueError, ...
        raise UnreadableFile(f"corrupt xlsx: {type(exc).__name__}") from None
    try:
        for position, sheet in enumerate(book.worksheets, start=1):
            row_number = 0
            try:
                title = str(sheet.title)
                hints: list[str | None] = []
                first_row = sheet.min_row or 1
                first_col = sheet.min_column or 1
                for offset, values in enumerate(sheet.iter_rows(values_only=True)):
                    row_number = first_row + offset
                    cells = ["" if value is None else _cell_text(value) for value in values]
                    if offset == 0:
                        found_hints = _header_hints(cells)
                        if found_hints is not None:
                            hints = found_hints
                            continue
                    _scan_row(cells, hints, row_number, result.findings, first_column=first_col, sheet=title)
            except Exception as exc:  # a broken sheet part: keep what the other sheets held
                where = f" in sheet {position}"
                reason = f"corrupt xlsx: {type(exc).__name__}{where}"
                result.error = str(UnreadableFile(reason, line=row_number or None))
                break
    finally:
        # Closing a broken archive may fail again; the read is already reported.
        with contextlib.suppress(Exception):
            book.close()
    return result


# --------------------------------------------------------------------------------------------------------------------
# SQL dumps: mysqldump and pg_dump (INSERT statements and COPY blocks)
# --------------------------------------------------------------------------------------------------------------------
_CREATE_RX = re.compile(r"^\s*CREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?([^\s(]+)\s*\(", re.IGNORECASE)
_COLUMN_RX = re.compile(r"^\s*[`\"\[]?([^\s`\"\]]+)[`\"\]]?\s+[A-Za-z]")
_NOT_COLUMN = frozenset({"primary", "key", "unique", "constraint", "index", "foreign", "check", "fulltext"})
_INSERT_RX = re.compile(r"^\s*INSERT\s+(?:IGNORE\s+)?INTO\s+([^\s(]+)\s*(?:\(([^)]*)\))?\s*VALUES\s*", re.IGNORECASE)
_COPY_RX = re.compile(r"^\s*COPY\s+([^\s(]+)\s*(?:\(([^)]*)\))?\s+FROM\s+stdin", re.IGNORECASE)
_TOKEN_RX = re.compile(r"'((?:[^'\\]|\\.|'')*)'|([^,()\s;]+)|([()])")


def _table_name(raw: str) -> str:
    return raw.replace("`", "").replace('"', "").split(".")[-1].lower()


def _column_names(raw: str) -> list[str]:
    return [name.strip().strip('`"[]') for name in raw.split(",")]


class _SqlReader:
    """Follow a dump line by line: table definitions, INSERT statements and COPY blocks."""

    def __init__(self) -> None:
        self.columns: dict[str, list[str]] = {}
        self.creating: str | None = None
        self.copying: list[str | None] | None = None
        self.result = ReadResult()

    def hints(self, table: str, listed: str | None) -> list[str | None]:
        names = _column_names(listed) if listed else self.columns.get(table, [])
        return [detectors.header_hint(name=name) for name in names]

    def line(self, number: int, text: str) -> None:
        if self.copying is not None:
            if text.rstrip("\r\n") == "\\.":
                self.copying = None
                return
            self.copy_row(number, text.rstrip("\r\n"))
            return
        if self.creating is not None:
            stripped = text.strip()
            if stripped.startswith(")"):
                self.creating = None
            else:
                match = _COLUMN_RX.match(text)
                if match and match.group(1).lower() not in _NOT_COLUMN:
                    self.columns[self.creating].append(match.group(1))
            return
        if match := _CREATE_RX.match(text):
            self.creating = _table_name(match.group(1))
            self.columns[self.creating] = []
            return
        if match := _COPY_RX.match(text):
            self.copying = self.hints(_table_name(match.group(1)), match.group(2))
            return
        if match := _INSERT_RX.match(text):
            hints = self.hints(_table_name(match.group(1)), match.group(2))
            if any(hints):
                self.insert_values(number, text, match.end(), hints)
                return
        self.plain(number, text)

    def plain(self, number: int, text: str) -> None:
        block = prefilter.bytes_normalise(data=text.encode("utf-8"))
        if prefilter.block_hits(block=block):
            for found in detectors.text_scan(text=text):
                self.result.findings.append((number, found.start + 1, found.type, found.confidence, found.masked, ""))

    def copy_row(self, number: int, text: str) -> None:
        hints = self.copying or []
        offset = 0
        for index, cell in enumerate(text.split("\t")):
            if cell and cell != "\\N":
                hint = hints[index] if index < len(hints) else None
                for found in detectors.text_scan(text=cell, hint=hint):
                    self.result.findings.append(
                        (number, offset + found.start + 1, found.type, found.confidence, found.masked, "")
                    )
            offset += len(cell) + 1

    def insert_values(self, number: int, text: str, start: int, hints: list[str | None]) -> None:
        depth = 0
        index = 0
        for token in _TOKEN_RX.finditer(text, start):
            paren = token.group(3)
            if paren == "(":
                depth += 1
                index = 0
                continue
            if paren == ")":
                depth -= 1
                continue
            if depth != 1:
                continue
            value_group = 1 if token.group(1) is not None else 2
            value = token.group(value_group)
            hint = hints[index] if index < len(hints) else None
            index += 1
            if not value or value.upper() == "NULL":
                continue
            base = token.start(value_group)
            for found in detectors.text_scan(text=value, hint=hint):
                self.result.findings.append(
                    (number, base + found.start + 1, found.type, found.confidence, found.masked, "")
                )


def sql_read(*, path: Path, file_type: FileType) -> ReadResult:
    """Scan a SQL dump; values of INSERT statements and COPY blocks are read with their column names."""
    reader = _SqlReader()
    number = 0
    with _text_stream(path, file_type) as stream:
        try:
            for number, text in enumerate(stream, start=1):
                reader.line(number, text)
        except (OSError, EOFError, zlib.error, UnicodeError) as exc:
            reader.result.error = str(UnreadableFile(_failure(exc), line=number + 1))
    return reader.result


READERS: dict[str, Callable[..., ReadResult]] = {
    TEXT: text_read,
    CSV: csv_read,
    TSV: csv_read,
    XLSX: xlsx_read,
    SQL: sql_read,
}


def file_read(*, path: Path, file_type: FileType, start: int = 0, end: int | None = None) -> ReadResult:
    """Scan ``path`` with the reader for its kind; only text files can be read by byte range."""
    try:
        if file_type.kind == TEXT:
            return text_read(path=path, file_type=file_type, start=start, end=end)
        return READERS[file_type.kind](path=path, file_type=file_type)
    except UnreadableFile:
        raise
    except (OSError, EOFError, zlib.error, csv.Error, UnicodeError) as exc:
        raise UnreadableFile(_failure(exc), offset=start or None) from None
