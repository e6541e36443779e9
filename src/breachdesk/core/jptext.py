"""Normalise Japanese text: NFKC, kana width, whitespace and dashes, and the values used for blind indexes."""

from __future__ import annotations

import re
import unicodedata

import jaconv

# Every dash-like character that people type in Japanese forms, mapped to ASCII hyphen-minus.
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u30fc\uff0d\u2500\u2501\u30fb\ufe63\u02d7\u207b\u208b"
_DASH_RE = re.compile(f"[{_DASHES}]")
_SPACE_RE = re.compile(r"[\s\u3000\u200b\u200c\u200d\u2060\ufeff]+")
_ZERO_WIDTH_RE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u202a-\u202e\u2066-\u2069]")


def nfkc(text: str) -> str:
    """Return ``text`` in Unicode NFKC form (full-width ASCII becomes ASCII, half-width kana becomes full-width)."""
    return unicodedata.normalize("NFKC", text)


def to_fullwidth_kana(text: str) -> str:
    """Return ``text`` with half-width katakana turned into full-width, leaving ASCII and digits alone."""
    return jaconv.h2z(text, kana=True, ascii=False, digit=False)


def normalize_whitespace(text: str) -> str:
    """Collapse every run of whitespace (ideographic space and zero-width characters included) to one space."""
    return _SPACE_RE.sub(" ", text).strip()


def strip_invisible(text: str) -> str:
    """Remove zero-width and bidirectional control characters that can hide or reorder text."""
    return _ZERO_WIDTH_RE.sub("", text)


def normalize_dashes(text: str, *, keep_long_vowel: bool = True) -> str:
    """Turn dash-like characters into ASCII hyphens.

    The katakana long-vowel mark (ー) is a dash only between digits, so it is kept inside words unless
    ``keep_long_vowel`` is false.
    """
    if keep_long_vowel:
        text = re.sub(r"(?<=\d)ー(?=\d)", "-", text)
        return _DASH_RE.sub(lambda m: m.group(0) if m.group(0) == "ー" else "-", text)
    return _DASH_RE.sub("-", text)


def normalize_text(text: str) -> str:
    """Return the canonical form used before matching: NFKC, no invisible characters, ASCII dashes, one space."""
    return normalize_whitespace(normalize_dashes(strip_invisible(nfkc(text))))


def normalize_email(value: str) -> str:
    """Return an email address in the form used for blind indexes: NFKC, trimmed and lower-cased."""
    return normalize_whitespace(strip_invisible(nfkc(value))).replace(" ", "").lower()


def normalize_name(value: str) -> str:
    """Return a name in the form used for blind indexes: NFKC, no spaces, katakana for hiragana, lower-cased."""
    text = strip_invisible(nfkc(value))
    text = _SPACE_RE.sub("", text)
    return jaconv.hira2kata(text).lower()


class PhoneNumberError(ValueError):
    """Report a phone number that cannot be read as a Japanese or international number."""


def normalize_phone(value: str) -> str:
    """Return a phone number in E.164 form; a Japanese number starting with 0 becomes +81.

    Raise ``PhoneNumberError`` when the value is not a plausible number.
    """
    text = normalize_dashes(nfkc(value), keep_long_vowel=False)
    text = re.sub(r"[\s\-().]", "", text)
    if text.startswith("+"):
        digits = text[1:]
        if not digits.isdigit() or not 8 <= len(digits) <= 15:
            raise PhoneNumberError("not an international number")
        if digits.startswith("810"):
            digits = "81" + digits[3:]
        return "+" + digits
    if text.startswith("0081"):
        return normalize_phone("+" + text[2:])
    if not text.isdigit():
        raise PhoneNumberError("contains characters other than digits")
    if text.startswith("0") and not text.startswith("00") and len(text) in (10, 11):
        return "+81" + text[1:]
    raise PhoneNumberError("not a 10- or 11-digit Japanese number starting with 0")
