"""Mask personal data for screens, exports, error files and logs: 山田 *郎, ya***@example.jp, 090-****-5678."""

from __future__ import annotations

import re

_PREFECTURE = re.compile(r"^(.{2,3}?[都道府県])")
_CITY = re.compile(r"^(.{2,3}?[都道府県])?(.+?[市区町村郡])")
_DIGIT = re.compile(r"\d")


def mask_name(value: str) -> str:
    """Keep the family name and the last character of the given name: 山田 太郎 → 山田 *郎."""
    value = value.strip()
    if not value:
        return ""
    parts = value.replace("\u3000", " ").split(" ", 1)
    if len(parts) == 2 and parts[1]:
        given = parts[1].strip()
        return f"{parts[0]} {'*' * max(1, len(given) - 1)}{given[-1] if len(given) > 1 else ''}"
    if len(value) <= 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


def mask_email(value: str) -> str:
    """Keep two characters of the local part and the domain: yamada@example.jp → ya***@example.jp."""
    local, at, domain = value.strip().partition("@")
    if not at:
        return mask_text(value)
    return f"{local[:2]}***@{domain}"


def mask_phone(value: str) -> str:
    """Keep the first and the last four digits: 090-1234-5678 → 090-****-5678."""
    digits = _DIGIT.findall(value)
    if len(digits) < 8:
        return "*" * len(value)
    keep_head, keep_tail = 3, 4
    seen = 0
    out = []
    total = len(digits)
    for ch in value:
        if ch.isdigit():
            seen += 1
            out.append(ch if seen <= keep_head or seen > total - keep_tail else "*")
        else:
            out.append(ch)
    return "".join(out)


def mask_address(value: str) -> str:
    """Keep the prefecture and municipality: 東京都千代田区丸の内1-2-3 → 東京都千代田区***."""
    match = _CITY.match(value.strip())
    if match:
        return match.group(0) + "***"
    prefecture = _PREFECTURE.match(value.strip())
    return (prefecture.group(1) if prefecture else value.strip()[:2]) + "***"


def mask_postal(value: str) -> str:
    return value[:3] + "-****" if len(value) >= 3 else "***"


def mask_birth(value: str) -> str:
    """Keep the year only: 1980-04-01 → 1980-**-**."""
    return value[:4] + "-**-**" if len(value) >= 4 else "****"


def mask_member_id(value: str) -> str:
    """Keep the last two characters only: OCO0012345 → ********45 (a prefix and length would narrow it down)."""
    value = value.strip()
    return "*" * max(2, len(value) - 2) + value[-2:] if len(value) > 3 else "*" * len(value)


def mask_text(value: str) -> str:
    value = value.strip()
    if len(value) <= 2:
        return "*" * len(value)
    return value[0] + "*" * (len(value) - 2) + value[-1]


_BY_KEY = {
    "member_id": mask_member_id,
    "name": mask_name,
    "name_kana": mask_name,
    "email": mask_email,
    "phone": mask_phone,
    "address": mask_address,
    "postal_code": mask_postal,
    "birth_date": mask_birth,
}


def mask(key: str, value: str | None) -> str:
    """Return ``value`` masked the way item ``key`` is masked; other items keep only their first and last character."""
    if not value:
        return ""
    return _BY_KEY.get(key, mask_text)(value)
