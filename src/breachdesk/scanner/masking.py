"""Mask identifiers so that a finding can be shown, logged or stored without the full value.

Every finding leaves the detector already masked: the full value never crosses a process boundary, reaches a log,
stdout or the incident timeline. Pure Python, no Django import.
"""

from __future__ import annotations


def _stars(count: int) -> str:
    return "*" * max(count, 0)


def card_mask(*, digits: str) -> str:
    """Return a card number with the issuer digit and the last four kept: ``4***********1234``."""
    return digits[:1] + _stars(len(digits) - 5) + digits[-4:]


def my_number_mask(*, digits: str) -> str:
    """Return a My Number with only the last four digits kept: ``********9012``."""
    return _stars(len(digits) - 4) + digits[-4:]


def phone_mask(*, digits: str, first_group: str | None = None) -> str:
    """Return a phone number with its prefix and last four digits kept: ``090-****-5678``.

    ``digits`` is the national form (leading 0). ``first_group`` is the area or mobile prefix as written, when the
    number was written in groups; otherwise the first three digits are kept.
    """
    head = first_group if first_group else digits[:3]
    middle = len(digits) - len(head) - 4
    return f"{head}-{_stars(middle)}-{digits[-4:]}"


def email_mask(*, address: str) -> str:
    """Return an address with two characters of the local part and the domain kept: ``ya***@example.jp``."""
    local, _, domain = address.rpartition("@")
    keep = 2 if len(local) > 2 else 1
    return f"{local[:keep]}***@{domain}"


def postal_code_mask(*, digits: str) -> str:
    """Return a postal code with the first three digits kept: ``123-****``."""
    return f"{digits[:3]}-****"


def birth_date_mask(*, year: int) -> str:
    """Return a date of birth with only the year kept: ``1985-**-**``."""
    return f"{year:04d}-**-**"


def bank_account_mask(*, digits: str) -> str:
    """Return an account number with the last two digits kept: ``*****67``."""
    return _stars(len(digits) - 2) + digits[-2:]


def passport_mask(*, value: str) -> str:
    """Return a passport number with the two letters and the last two digits kept: ``TK*****67``."""
    return value[:2] + _stars(len(value) - 4) + value[-2:]
