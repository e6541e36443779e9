"""Decode the text of a mail as Japanese and foreign clients really send it: bodies, headers, names and file names.

The charsets themselves are read by Python's codecs and ``core.jpcharset`` (CP50220-style ISO-2022-JP and the
8-bit guess). This module applies them to mail: a declared charset that is wrong, RFC 2047 encoded words that split
a character or sit inside quotes (Outlook's file names), raw 8-bit or raw ISO-2022-JP header bytes, RFC 2231
parameters in any charset. Nothing here raises on bad input.
"""

from __future__ import annotations

import base64
import binascii
import email.message
import email.utils
import quopri
import re
from dataclasses import dataclass

from breachdesk.core import jpcharset

# Labels mapped to the codec that reads what mailers really send under them.
_ISO2022JP_LABELS = frozenset(
    {"iso-2022-jp", "iso2022jp", "iso-2022-jp-1", "iso-2022-jp-2", "iso-2022-jp-3", "iso-2022-jp-2004",
     "iso-2022-jp-ms", "cp50220", "cp50221", "cp50222", "csiso2022jp", "x-iso-2022-jp", "jis", "iso-2022-jp-ext",
     "csiso2022jp2", "iso-2022-jp-2003"}
)  # fmt: skip
_ALIASES = {
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "shiftjis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "csshiftjis": "cp932",
    "windows-31j": "cp932",
    "cp943c": "cp932",
    "shift_jis-2004": "shift_jis_2004",
    "shift_jisx0213": "shift_jis_2004",
    "x-sjis-docomo": "cp932",
    "x-sjis-kddi": "cp932",
    "x-sjis-softbank": "cp932",
    "euc-jp": "euc_jis_2004",
    "eucjp": "euc_jis_2004",
    "x-euc-jp": "euc_jis_2004",
    "cp51932": "euc_jis_2004",
    "eucjp-ms": "euc_jis_2004",
    "euc-jp-ms": "euc_jis_2004",
    "ks_c_5601-1987": "cp949",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "x-unknown": "",
    "unknown-8bit": "",
    "x-user-defined": "",
    "default": "",
}
_ASCII_LABELS = frozenset({"us-ascii", "ascii", "ansi_x3.4-1968", "iso646-us", "us"})
# Western single-byte labels decode any byte: a Japanese text under one of them is found by its score.
_SINGLE_BYTE = frozenset({"iso-8859-1", "latin-1", "latin1", "windows-1252", "cp1252", "iso-8859-15"})


@dataclass(frozen=True)
class Decoded:
    text: str
    charset: str  # the codec that produced the text
    repaired: bool  # the declared charset was wrong, or bytes were replaced


def charset_label(charset: str | None) -> str:
    """Return a declared charset label in lower case without quotes or an RFC 2231 language suffix."""
    return (charset or "").strip().strip("\"'").split("*", 1)[0].lower()


def text_decode(data: bytes, charset: str | None) -> Decoded:
    """Return bytes declared in ``charset`` (or nothing) as text, repaired when the declaration was wrong."""
    label = charset_label(charset)
    if label and label not in _ISO2022JP_LABELS and data.isascii() and (b"\x1b$" in data or b"\x1b(" in data):
        # ISO-2022-JP under another label (EUC-JP, UTF-8, US-ASCII): its escape sequences must not reach the desk.
        text, _clean = jpcharset.iso2022jp_decode(data)
        return Decoded(text, "iso-2022-jp", True)
    if label in _ISO2022JP_LABELS or (not label and b"\x1b" in data):
        text, clean = jpcharset.iso2022jp_decode(data)
        if clean:
            return Decoded(text, "iso-2022-jp", False)
        if not data.isascii():
            # 8-bit bytes under an ISO-2022-JP label: most often Shift_JIS or UTF-8 mislabelled.
            guessed, name, _clean = jpcharset.bytes_guess(data.replace(b"\x1b", b""))
            return Decoded(guessed, name, True)
        return Decoded(text, "iso-2022-jp", True)
    if not label or label in _ASCII_LABELS:
        if data.isascii():
            return Decoded(data.decode("ascii"), "us-ascii", False)
        # 8-bit bytes with no label broke the default (US-ASCII, RFC 2045) just as a wrong label does.
        guessed, name, _clean = jpcharset.bytes_guess(data)
        return Decoded(guessed, name, True)
    codec = _ALIASES.get(label, label)
    if not codec:
        guessed, name, clean = jpcharset.bytes_guess(data)
        return Decoded(guessed, name, not clean)
    try:
        text = data.decode(codec)
    except LookupError:
        guessed, name, _clean = jpcharset.bytes_guess(data)
        return Decoded(guessed, name, True)
    except UnicodeDecodeError:
        guessed, name, clean = jpcharset.bytes_guess(data)
        if clean:
            return Decoded(guessed, name, True)
        return Decoded(data.decode(codec, errors="replace"), codec, True)
    if label in _SINGLE_BYTE and not data.isascii():
        guessed, name, clean = jpcharset.bytes_guess(data)
        if clean and name != "us-ascii" and jpcharset.japanese_score(guessed) > jpcharset.japanese_score(text) + 0.4:
            return Decoded(guessed, name, True)
    return Decoded(text, codec, False)


# --------------------------------------------------------------------------------------------------------------------
# Headers
# --------------------------------------------------------------------------------------------------------------------
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([BbQq])\?([^?]*?)\?=")
_FOLD = re.compile(rb"\r?\n(?=[ \t])")


def raw_bytes(value: object) -> bytes:
    """Return a header value as the email package stored it (``surrogateescape`` text) as its original bytes."""
    if isinstance(value, bytes):
        return value
    text = str(value)
    try:
        return text.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return text.encode("utf-8", "surrogateescape")


def raw_unicode(raw: bytes) -> tuple[str, bool]:
    """Return raw header bytes (8-bit, raw ISO-2022-JP, or ASCII) as text, unfolded; and whether it was repaired."""
    raw = _FOLD.sub(b"", raw).replace(b"\r", b"").replace(b"\n", b"")
    if raw.isascii() and b"\x1b" not in raw:
        return raw.decode("ascii"), False
    text, name, clean = jpcharset.bytes_guess(raw)
    # Raw UTF-8 is allowed in headers (RFC 6532); raw Shift_JIS, EUC-JP or ISO-2022-JP is not, and is a repair.
    return text, not clean or name != "utf-8"


def _word_bytes(encoding: str, payload: str) -> tuple[bytes, bool]:
    if encoding in "Bb":
        cleaned = re.sub(r"[^A-Za-z0-9+/]", "", payload)
        ok = len(cleaned) % 4 != 1 and cleaned == payload.rstrip("=")
        cleaned = cleaned[: len(cleaned) - len(cleaned) % 4 if len(cleaned) % 4 == 1 else len(cleaned)]
        try:
            return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4)), ok
        except (binascii.Error, ValueError):
            return b"", False
    return quopri.decodestring(payload.replace("_", " ").encode("ascii", "replace"), header=False), True


def rfc2047_decode(text: str) -> tuple[str, bool]:
    """Return ``text`` with its RFC 2047 encoded words decoded; and whether something had to be repaired.

    Tolerant in the ways real mailers need: words inside quoted strings or glued to other text, a multibyte
    character split over two words (adjacent words of one charset are joined before decoding), missing base64
    padding, ISO-2022-JP words read as CP50220.
    """
    if "=?" not in text:
        return text, False
    out: list[str] = []
    repaired = False
    pending: list[bytes] = []
    pending_charset = ""
    position = 0

    def flush() -> None:
        nonlocal pending, repaired
        if pending:
            decoded = text_decode(b"".join(pending), pending_charset)
            out.append(decoded.text)
            repaired = repaired or decoded.repaired
            pending = []

    for match in _ENCODED_WORD.finditer(text):
        between = text[position : match.start()]
        if between and not (pending and between.isspace()):
            flush()
            out.append(between)
        charset = charset_label(match.group(1))
        data, ok = _word_bytes(match.group(2), match.group(3))
        repaired = repaired or not ok
        if pending and charset != pending_charset:
            flush()
        pending_charset = charset
        pending.append(data)
        position = match.end()
    flush()
    out.append(text[position:])
    return "".join(out), repaired


def header_decode(raw: bytes) -> tuple[str, bool]:
    """Return a whole header value (raw bytes) as text: 8-bit or ISO-2022-JP bytes and encoded words decoded."""
    text, repaired = raw_unicode(raw)
    decoded, repaired_words = rfc2047_decode(text)
    return decoded, repaired or repaired_words


# --------------------------------------------------------------------------------------------------------------------
# Addresses
# --------------------------------------------------------------------------------------------------------------------
_ADDR_SPEC = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def address_decode(raw: bytes) -> tuple[str, str, bool]:
    """Return the display name and address of the first mailbox in an address header; and whether it was repaired.

    ``"名前" <addr>``, ``名前 <addr>``, ``addr (名前)``, and ``名前 addr@example.jp`` (no angle brackets) all keep
    the address. Raw 8-bit or ISO-2022-JP names are decoded before the address is parsed, encoded words after.
    """
    text, repaired = raw_unicode(raw)
    name = address = ""
    try:
        pairs = email.utils.getaddresses([text])
    except Exception:  # the address parser raises on some broken input; the regex below still finds the address
        pairs = []
    for pair_name, pair_address in pairs:
        if _ADDR_SPEC.fullmatch(pair_address.strip()):
            name, address = pair_name, pair_address.strip()
            break
    if not address:
        found = list(_ADDR_SPEC.finditer(text))
        if not found:
            return "", "", repaired
        match = found[0]
        address = match.group(0)
        name = (text[: match.start()] + text[match.end() :]).strip(" \t<>()\"',;:")
    decoded, repaired_words = rfc2047_decode(name)
    decoded = decoded.strip().strip('"').strip()
    return decoded, address, repaired or repaired_words


# --------------------------------------------------------------------------------------------------------------------
# Parameters (file names)
# --------------------------------------------------------------------------------------------------------------------
def parameter_decode(raw: bytes, name: str) -> tuple[str | None, bool]:
    """Return a parameter of a Content-Type or Content-Disposition header (raw bytes) as text, or ``None``.

    RFC 2231 (``filename*=``, continuations, any charset) wins over the plain form; a plain value may hold raw
    8-bit bytes or RFC 2047 words inside its quotes (Outlook).
    """
    text, repaired = raw_unicode(raw)
    holder = email.message.Message()
    holder["X"] = text
    try:
        params = holder.get_params(header="x", unquote=False) or []
    except Exception:  # a parameter list the email package cannot split
        return None, True
    extended: tuple[str, str, str] | None = None
    plain: str | None = None
    for key, value in params[1:]:
        if key.lower() != name:
            continue
        if isinstance(value, tuple):
            extended = extended or value
        elif plain is None:
            plain = value
    if extended is not None:
        charset, _language, value = extended
        data = value.encode("latin-1", "replace") if isinstance(value, str) else b""
        decoded = text_decode(email.utils.unquote(data.decode("latin-1")).encode("latin-1"), charset or None)
        return decoded.text, repaired or decoded.repaired
    if plain is None:
        return None, repaired
    value = email.utils.unquote(plain)
    decoded_value, repaired_words = rfc2047_decode(value)
    return decoded_value, repaired or repaired_words
