"""Check and normalise the values of one row: email, phone, postal code and dates (Western and Japanese era)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils import timezone

from breachdesk.core import jptext
from breachdesk.registry import items
from breachdesk.registry.importing.mapping import ColumnMap

_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$"
)
_POSTAL = re.compile(r"^〒?\s*(\d{3})-?(\d{4})$")
_WESTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_ERA = re.compile(
    r"^(明治|大正|昭和|平成|令和|[MTSHR])\s*(元|\d{1,2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$", re.I
)
_ERA_START = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019}
_ERA_LETTER = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}
_ERA_FIRST_DAY = {
    "明治": date(1868, 1, 25),
    "大正": date(1912, 7, 30),
    "昭和": date(1926, 12, 25),
    "平成": date(1989, 1, 8),
    "令和": date(2019, 5, 1),
}
_FORMULA = re.compile(r"^(=|[+\-@]\s*[A-Za-z_][A-Za-z0-9_.]*\s*\()")
_HALF_KANA = re.compile("[\uff61-\uff9f]")
MAX_TEXT = 500


class RowError(ValueError):
    """Reject one row; ``column`` names the header, the message never holds the value itself."""

    def __init__(self, reason: str, column: str = "", value: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.column = column
        self.value = value


@dataclass(slots=True)
class Record:
    """Hold one valid row, normalised; ``phone_e164`` and ``email_key`` are the blind-index inputs."""

    row: int
    member_id: str = ""
    name: str = ""
    name_kana: str = ""
    email: str = ""
    email_key: str = ""
    phone: str = ""
    phone_e164: str = ""
    postal_code: str = ""
    address: str = ""
    birth_date: str = ""
    items: int = 0
    # The blind indexes and encrypted values (``bulk.Preparer``), computed where the row is read; ``None`` until
    # then, and again after a merge changes the values.
    prepared: tuple[tuple[bytes | None, ...], tuple[bytes | None, ...]] | None = field(
        default=None, repr=False, compare=False
    )
    # ``False`` only when the row's member ID, email and phone are certainly not stored yet (``screen``), so the
    # writer need not look them up; set by the writer, never pickled.
    maybe_known: bool = field(default=True, repr=False, compare=False)

    def __reduce__(self) -> tuple[type[Record], tuple[Any, ...]]:
        """Pickle as a plain constructor call: 5× faster than the slots dataclass state (import chunks)."""
        return (
            Record,
            (
                self.row,
                self.member_id,
                self.name,
                self.name_kana,
                self.email,
                self.email_key,
                self.phone,
                self.phone_e164,
                self.postal_code,
                self.address,
                self.birth_date,
                self.items,
                self.prepared,
            ),
        )


def parse_date(text: str) -> date:
    """Return the date in ``text``: 1980-04-01, 1980/4/1, 19800401, 1980年4月1日, 昭和55年4月1日, S55.4.1, 平成元年…

    Raise ``ValueError`` when it is not a real date.
    """
    text = unicodedata.normalize("NFKC", text).strip()
    if "T" in text and text[:4].isdigit():
        text = text.split("T", 1)[0]
    if " " in text and text[:4].isdigit():
        text = text.split(" ", 1)[0]
    match = _WESTERN.match(text) or _COMPACT.match(text)
    if match:
        return date(int(match[1]), int(match[2]), int(match[3]))
    match = _ERA.match(text)
    if match:
        era = _ERA_LETTER.get(match[1].upper(), match[1])
        year = 1 if match[2] == "元" else int(match[2])
        value = date(_ERA_START[era] + year - 1, int(match[3]), int(match[4]))
        if value < _ERA_FIRST_DAY[era]:
            raise ValueError("before the era began")
        return value
    raise ValueError("not a date")


def looks_like_formula(value: str) -> bool:
    return bool(_FORMULA.match(value))


# Fast paths, each equal to the ``jptext`` function it stands for (``test_fast_paths_equal_jptext``). A printable
# string holds no whitespace but the ASCII space and no zero-width or bidirectional control character (those are all
# in the Unicode categories that ``str.isprintable`` rejects), and NFKC and the dash mapping leave ASCII unchanged.
_PHONE_DROP = str.maketrans("", "", " \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f-().")


def clean_text(value: str) -> str:
    """Return ``normalize_whitespace(strip_invisible(value))``."""
    if value.isprintable():
        return " ".join(value.split())
    return jptext.normalize_whitespace(jptext.strip_invisible(value))


def normalize_text(value: str) -> str:
    """Return ``jptext.normalize_text(value)``."""
    if value.isascii() and value.isprintable():
        return " ".join(value.split())
    return jptext.normalize_text(value)


def normalize_email(value: str) -> str:
    """Return ``jptext.normalize_email(value)``."""
    if value.isascii() and value.isprintable():
        return value.replace(" ", "").lower()
    return jptext.normalize_email(value)


def normalize_phone(value: str) -> str:
    """Return ``jptext.normalize_phone(value)`` (raise ``ValueError`` like it)."""
    if value.isascii():
        digits = value.translate(_PHONE_DROP)
        if len(digits) in (10, 11) and digits.isdigit() and digits[0] == "0" and digits[1] != "0":
            return "+81" + digits[1:]
    return jptext.normalize_phone(value)


def normalize_member_id(value: str) -> str:
    """Return ``normalize_whitespace(nfkc(value))``."""
    if value.isascii() and value.isprintable():
        return " ".join(value.split())
    return jptext.normalize_whitespace(jptext.nfkc(value))


def _text(value: str, column: str) -> str:
    text = clean_text(value)
    if len(text) > MAX_TEXT:
        raise RowError(f"longer than {MAX_TEXT} characters", column)
    return text


class RowReader:
    """Turn the cells of a row into a ``Record`` under a column map; fast, because it runs for every row."""

    def __init__(self, column_map: ColumnMap, *, items_mask: int | None, affected: bool) -> None:
        self.headers = column_map.headers
        self.width = len(column_map.headers)
        self.columns = [(i, k) for i, k in enumerate(column_map.keys) if k is not None]
        self.items_mask = items_mask
        self.affected = affected
        self.has_items_column = items.ITEMS_COLUMN in column_map.keys
        self.today = timezone.localdate()

    def read(self, number: int, cells: list[str]) -> Record | None:
        """Return the record of a row, ``None`` for a blank row; raise ``RowError`` for a bad one."""
        width = self.width
        if len(cells) != width:
            if len(cells) > width and not any(c.strip() for c in cells[width:]):
                cells = cells[:width]
            elif not any(c.strip() for c in cells):
                return None
            else:
                raise RowError(f"has {len(cells)} cells but the header has {width}")
        record = Record(row=number)
        present = 0
        row_items: int | None = None
        blank = True
        for index, key in self.columns:
            raw = cells[index]
            if not raw or not (value := raw.strip()):
                continue
            blank = False
            column = self.headers[index]
            if "\x00" in value:
                raise RowError("contains a NUL byte", column)
            if value[0] in "=+-@" and looks_like_formula(value):
                raise RowError("holds a spreadsheet formula", column, value)
            if key == items.ITEMS_COLUMN:
                try:
                    row_items = items.mask_of(items.parse_item_list(value))
                except ValueError as exc:
                    raise RowError(f"names an unknown data item ({exc})", column) from None
                continue
            present |= items.BITS[key]
            if key == "email":
                email = normalize_email(value)
                if not _EMAIL.match(email) or len(email) > 254:
                    raise RowError("is not an email address", column, value)
                record.email = email
                record.email_key = email
            elif key == "phone":
                try:
                    record.phone_e164 = normalize_phone(value)
                except ValueError:
                    raise RowError("is not a phone number", column, value) from None
                record.phone = normalize_text(value)
            elif key == "member_id":
                member = normalize_member_id(value)
                if len(member) > 120:
                    raise RowError("is longer than 120 characters", column)
                record.member_id = member
            elif key == "birth_date":
                try:
                    born = parse_date(value)
                except ValueError:
                    raise RowError("is not a date", column, value) from None
                if born.year < 1880 or born > self.today:
                    raise RowError("is not a plausible birth date", column, value)
                record.birth_date = born.isoformat()
            elif key == "postal_code":
                code = value if value.isascii() else jptext.normalize_dashes(jptext.nfkc(value), keep_long_vowel=False)
                match = _POSTAL.match(code)
                if not match:
                    raise RowError("is not a postal code (123-4567)", column, value)
                record.postal_code = f"{match[1]}-{match[2]}"
            elif key == "name":
                record.name = _text(value, column)
            elif key == "name_kana":
                if _HALF_KANA.search(value):
                    value = jptext.to_fullwidth_kana(value)
                record.name_kana = _text(value, column)
            elif key == "address":
                record.address = _text(jptext.nfkc(value), column)
        if blank:
            return None
        if not (record.member_id or record.email or record.phone_e164):
            raise RowError("has no member ID, email address or phone number")
        if row_items is not None:
            record.items = row_items
        elif self.items_mask is not None:
            record.items = self.items_mask
        elif self.affected:
            record.items = present
        return record


def mask_value(column_key: str | None, value: str) -> str:
    """Return a value masked for error files and logs: enough to recognise it, never the whole value."""
    from breachdesk.registry.masking import mask

    return mask(column_key or "", value)
