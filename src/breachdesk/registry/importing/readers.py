"""Stream the rows of a CSV, TSV or XLSX file in constant memory, with clear errors for broken files."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import IO, Any

from django.conf import settings

from breachdesk.registry.importing import encoding as encodings
from breachdesk.registry.importing.errors import BadFile

csv.field_size_limit(1024 * 1024)


def max_bytes() -> int:
    """Return the largest import file in bytes (``BREACHDESK_REGISTRY_MAX_FILE_BYTES``)."""
    return int(settings.BREACHDESK_REGISTRY_MAX_FILE_BYTES)


class _CountingReader(io.RawIOBase):
    """Count the bytes read from a binary file, for the progress bar, and stop at the size cap."""

    def __init__(self, raw: IO[bytes], limit: int) -> None:
        self.raw = raw
        self.count = 0
        self.limit = limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self.raw.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.count += n
        if self.count > self.limit:
            raise BadFile(_too_large(self.limit), code="registry.file_too_large")
        return n

    def close(self) -> None:
        self.raw.close()
        super().close()


def _too_large(limit: int) -> str:
    return (
        f"The file is larger than the limit of {limit / 1024**3:.1f} GB. Split it into smaller files and import "
        "them one after another."
    )


@dataclass
class Table:
    """Give the header and a stream of ``(row_number, cells)`` of one file; row 1 is the header."""

    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    encoding: str
    total: int  # bytes (CSV) or rows (XLSX), for progress
    _progress: Any = field(default=None, repr=False)
    _close: Any = field(default=None, repr=False)

    def progress(self) -> int:
        return int(self._progress()) if self._progress else 0

    def close(self) -> None:
        if self._close:
            self._close()


def _is_xlsx(path: Path) -> bool:
    return path.suffix.lower() in (".xlsx", ".xlsm")


def open_table(path: str | os.PathLike[str], *, encoding: str = "auto", sheet: str | None = None) -> Table:
    """Open ``path`` and read its header; raise ``BadFile`` for an empty, oversized or unreadable file."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError:
        raise BadFile(f"The file {path.name} cannot be read.", code="registry.no_file") from None
    limit = max_bytes()
    if size > limit:
        raise BadFile(_too_large(limit), code="registry.file_too_large")
    if size == 0:
        raise BadFile("The file is empty.", code="registry.empty_file")
    if _is_xlsx(path):
        return _open_xlsx(path, sheet)
    if sheet:
        raise BadFile("--sheet applies only to XLSX files.", code="registry.bad_sheet")
    return _open_text(path, encoding, size, limit)


def _open_text(path: Path, choice: str, size: int, limit: int) -> Table:
    with path.open("rb") as probe:
        sample = probe.read(encodings.SAMPLE_BYTES)
    codec = encodings.detect(sample, complete=size <= len(sample)) if choice == "auto" else encodings.codec_for(choice)
    if choice != "auto" and b"\x00" in sample:
        encodings.detect(sample, complete=True)  # raises the NUL-byte message
    counter = _CountingReader(path.open("rb"), limit)
    text = io.TextIOWrapper(io.BufferedReader(counter, 1024 * 1024), encoding=codec, errors="strict", newline="")
    first_line = sample.split(b"\n", 1)[0]
    delimiter = (
        "\t" if path.suffix.lower() in (".tsv", ".tab") or first_line.count(b"\t") > first_line.count(b",") else ","
    )
    reader = csv.reader(text, delimiter=delimiter)
    label = encodings.LABELS.get(codec, codec)

    def numbered() -> Iterator[tuple[int, list[str]]]:
        number = 0
        try:
            for cells in reader:
                number += 1
                yield number, cells
        except UnicodeDecodeError:
            raise BadFile(
                f"Row {number + 1} cannot be read as {label}: the file mixes encodings or is not {label}. "
                "Save it again in one encoding, or name the right one with --encoding.",
                code="registry.bad_encoding",
            ) from None
        except csv.Error as exc:
            raise BadFile(f"Row {number + 1} is not valid CSV: {exc}.", code="registry.bad_csv") from None

    rows = numbered()
    header = _first_nonblank(rows)
    if header is None:
        text.close()
        raise BadFile("The file has no header row.", code="registry.empty_file")
    header[0] = header[0].lstrip("\ufeff")
    return Table(
        header=header, rows=rows, encoding=label, total=size, _progress=lambda: counter.count, _close=text.close
    )


def _first_nonblank(rows: Iterator[tuple[int, list[str]]]) -> list[str] | None:
    for _number, cells in rows:
        if any(c.strip() for c in cells):
            return [c.strip() for c in cells]
    return None


def _cell_text(value: Any, data_type: str | None) -> str:
    if value is None:
        return ""
    if data_type == "f" and not str(value).startswith("="):
        return "=" + str(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _damaged_workbook_errors() -> tuple[type[BaseException], ...]:
    """Return what openpyxl, zipfile, zlib and the XML parser raise on a damaged workbook."""
    import zipfile
    import zlib
    from xml.etree.ElementTree import ParseError

    return (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        IndexError,
        KeyError,
        NotImplementedError,
        OSError,
        ParseError,
        TypeError,
        ValueError,
    )


# An XLSX is a zip: its parts may inflate far beyond the upload cap (a "zip bomb"). Refuse a workbook whose parts
# add up to more than this, or one part that inflates more than XLSX_MAX_RATIO times.
XLSX_MAX_UNCOMPRESSED = 2 * 1024**3
XLSX_MAX_RATIO = 200


def check_xlsx_size(path: Path) -> None:
    """Raise ``BadFile`` when the workbook's parts would inflate past the caps (read from the zip directory only)."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except _damaged_workbook_errors():  # a zip directory can be damaged in every way the workbook can
        raise BadFile("The file is not a readable XLSX workbook.", code="registry.bad_xlsx") from None
    total = sum(info.file_size for info in infos)
    if total > XLSX_MAX_UNCOMPRESSED:
        raise BadFile(
            f"The workbook would inflate to {total / 1024**2:.0f} MB, over the limit of"
            f" {XLSX_MAX_UNCOMPRESSED / 1024**2:.0f} MB; save it as CSV instead.",
            code="registry.xlsx_too_large",
        )
    for info in infos:
        if info.file_size > 1024**2 and info.file_size > XLSX_MAX_RATIO * max(info.compress_size, 1):
            raise BadFile(
                f"The workbook's part {info.filename[:60]!r} inflates {info.file_size // max(info.compress_size, 1)}"
                f" times; a spreadsheet does not. Save it as CSV instead.",
                code="registry.xlsx_too_large",
            )


def _open_xlsx(path: Path, sheet: str | None) -> Table:
    from openpyxl import load_workbook

    check_xlsx_size(path)
    damaged = _damaged_workbook_errors()
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except damaged:
        raise BadFile("The file is not a readable XLSX workbook.", code="registry.bad_xlsx") from None
    names = workbook.sheetnames
    if sheet:
        if sheet not in names:
            workbook.close()
            raise BadFile(
                f"The workbook has no sheet {sheet!r}; its sheets are: {', '.join(names)}.", code="registry.bad_sheet"
            )
        worksheet = workbook[sheet]
    elif len(names) > 1:
        workbook.close()
        raise BadFile(
            f"The workbook has several sheets ({', '.join(names)}); choose one with --sheet.",
            code="registry.several_sheets",
        )
    elif not names:
        workbook.close()
        raise BadFile("The workbook has no sheet that can be read: the file is damaged.", code="registry.bad_xlsx")
    else:
        worksheet = workbook[names[0]]
    try:
        total = worksheet.max_row or 0
    except damaged:
        workbook.close()
        raise BadFile("The sheet's size cannot be read: the workbook is damaged.", code="registry.bad_xlsx") from None
    state = {"row": 0}

    def numbered() -> Iterator[tuple[int, list[str]]]:
        cells = worksheet.iter_rows()
        number = 0
        while True:
            try:
                row = next(cells)
            except StopIteration:
                return
            except damaged:
                raise BadFile(
                    f"Row {number + 1} of the sheet cannot be read: the workbook is damaged. "
                    f"Rows before it were read; save the file again from the spreadsheet program and re-import.",
                    code="registry.bad_xlsx",
                ) from None
            number += 1
            state["row"] = number
            yield number, [_cell_text(c.value, getattr(c, "data_type", None)) for c in row]

    rows = numbered()
    header = _first_nonblank(rows)
    if header is None:
        workbook.close()
        raise BadFile("The sheet has no header row.", code="registry.empty_file")
    while header and not header[-1]:
        header.pop()
    return Table(
        header=header, rows=rows, encoding="xlsx", total=total, _progress=lambda: state["row"], _close=workbook.close
    )
