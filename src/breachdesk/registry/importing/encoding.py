"""Detect the text encoding of an imported file: UTF-8 (with or without BOM), CP932/Shift_JIS or EUC-JP."""

from __future__ import annotations

import codecs

from breachdesk.registry.importing.errors import BadFile

SAMPLE_BYTES = 256 * 1024
CHOICES = ("auto", "utf-8", "cp932", "shift_jis", "euc-jp")
_CODEC = {"utf-8": "utf-8-sig", "cp932": "cp932", "shift_jis": "cp932", "euc-jp": "euc_jp"}
LABELS = {"utf-8-sig": "utf-8", "cp932": "cp932", "euc_jp": "euc-jp"}


def codec_for(choice: str) -> str:
    """Return the Python codec for an ``--encoding`` choice (Shift_JIS is read as its superset CP932)."""
    try:
        return _CODEC[choice.lower().replace("shift-jis", "shift_jis").replace("euc_jp", "euc-jp")]
    except KeyError:
        raise BadFile(
            f"Unknown encoding {choice!r}; use one of: {', '.join(CHOICES)}.", code="registry.bad_encoding"
        ) from None


def _decodes(sample: bytes, codec: str, complete: bool) -> str | None:
    try:
        return codecs.getincrementaldecoder(codec)("strict").decode(sample, final=complete)
    except UnicodeDecodeError:
        return None


def _oddness(text: str) -> int:
    """Count characters that are rare in real Japanese text but typical of a wrong guess."""
    return sum(
        1
        for ch in text
        if "\uff61" <= ch <= "\uff9f" or "\ue000" <= ch <= "\uf8ff" or (ch < " " and ch not in "\r\n\t")
    )


def detect(sample: bytes, *, complete: bool) -> str:
    """Return the codec of ``sample`` (the start of a file; ``complete`` when it is the whole file).

    Raise ``BadFile`` when no supported encoding reads it.
    """
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or b"\x00" in sample:
        raise BadFile(
            "The file contains NUL bytes: it is UTF-16 or not a text file. Save it as CSV (UTF-8 or Shift_JIS).",
            code="registry.nul_bytes",
        )
    if _decodes(sample, "utf-8", complete) is not None:
        return "utf-8-sig"
    decoded = {codec: text for codec in ("cp932", "euc_jp") if (text := _decodes(sample, codec, complete)) is not None}
    if not decoded:
        raise BadFile(
            "The file is not in UTF-8, Shift_JIS (CP932) or EUC-JP, or it mixes encodings. "
            "Save it again in one encoding, or name it with --encoding.",
            code="registry.bad_encoding",
        )
    return min(decoded, key=lambda codec: (_oddness(decoded[codec]), codec != "cp932"))
