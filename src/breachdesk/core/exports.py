"""Make spreadsheet exports formula-safe (OWASP "CSV injection"): one rule for every CSV and XLSX the desk writes.

A spreadsheet reads a cell as a formula when its text starts with ``=``, ``+``, ``-`` or ``@``; Excel also does so
after a leading tab or carriage return, and Japanese IMEs type the full-width forms ``＝ ＋ － ＠``, which Excel
normalises. Such text gets a leading apostrophe, which spreadsheets show as text and do not evaluate. Numbers stay
numbers: only ``str`` values are touched, so a negative amount in a numeric column is still a number.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value: Any) -> Any:
    """Return ``value`` so no spreadsheet evaluates it: text that starts like a formula gets an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(values: Iterable[Any]) -> list[Any]:
    """Return the row with every cell passed through ``safe_cell``."""
    return [safe_cell(value) for value in values]
