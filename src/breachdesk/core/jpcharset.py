"""Read and write the Japanese mail charsets as real mailers use them.

Python's codecs do most of the work (``cp932``, ``euc_jis_2004``, ``euc_jp``, ``utf-8``). What no codec in the
standard library (or a maintained package) does, and this module adds:

- ``iso2022jp_decode``: ISO-2022-JP with the Windows CP50220/50221/50222 semantics that Outlook, Becky! and most
  Japanese Windows mailers send under the plain ``ISO-2022-JP`` label: the JIS X 0208 plane carries NEC row 13
  (①, ㈱, Ⅰ, №) and the NEC-selected IBM extensions (髙, 﨑, ⅰ), half-width kana come by ``ESC ( I``, by SO/SI or
  as raw 8-bit bytes, JIS X 0212 (``ESC $ ( D``) and JIS X 0213 (``ESC $ ( O/P/Q``) are read too. Every escape
  sequence is consumed, known or not, so none is ever left in the text; a line end returns to ASCII (mailers that
  forget ``ESC ( B`` before a new line).
- ``iso2022jp_encode``: CP50220 output (half-width kana made full-width, NEC and IBM extensions in the JIS plane).
- ``bytes_guess``: 8-bit bytes with no (or a wrong) label, chosen among UTF-8, CP932 and EUC-JP by strict validity
  and a Japanese-text score, not by order alone.
"""

from __future__ import annotations

import re
import unicodedata

ESC = 0x1B
_ESC_RX = re.compile(rb"\x1b(?:\$[@AB]|\$\([@-Z]|\([A-Z@]|&@|\$\)[@-Z]|[ -/]*[0-~]?)")
_ASCII, _KANA, _JIS0208, _JIS0212, _JIS0213_1, _JIS0213_2 = range(6)
_DESIGNATIONS = {
    b"\x1b(B": _ASCII,
    b"\x1b(J": _ASCII,  # JIS X 0201 Roman: ASCII for mail purposes (yen sign and overline)
    b"\x1b(H": _ASCII,
    b"\x1b(I": _KANA,
    b"\x1b$@": _JIS0208,
    b"\x1b$B": _JIS0208,
    b"\x1b$A": _JIS0208,  # a mislabelled GB 2312 designation is most often JIS in Japanese mail
    b"\x1b$(B": _JIS0208,
    b"\x1b$(@": _JIS0208,
    b"\x1b$(D": _JIS0212,
    b"\x1b$(O": _JIS0213_1,
    b"\x1b$(Q": _JIS0213_1,
    b"\x1b$(P": _JIS0213_2,
}
REPLACEMENT = "\ufffd"


def _jis_to_sjis(j1: int, j2: int) -> bytes:
    s1 = (j1 + 1) // 2 + (0x70 if j1 <= 0x5E else 0xB0)
    s2 = j2 + (0x1F + (j2 >= 0x60) if j1 & 1 else 0x7E)
    return bytes((s1, s2))


def _pair(mode: int, j1: int, j2: int) -> str | None:
    """Return the character of one two-byte JIS code in ``mode``, or ``None``."""
    if not (0x21 <= j1 <= 0x7E and 0x21 <= j2 <= 0x7E):
        return None
    try:
        if mode == _JIS0208:
            try:
                # CP932 holds JIS X 0208 plus NEC row 13 and the NEC-selected IBM rows 89-92: CP50220 semantics.
                return _jis_to_sjis(j1, j2).decode("cp932")
            except UnicodeDecodeError:
                return bytes((j1 | 0x80, j2 | 0x80)).decode("euc_jis_2004")
        if mode == _JIS0212:
            return bytes((0x8F, j1 | 0x80, j2 | 0x80)).decode("euc_jp")
        if mode == _JIS0213_1:
            return bytes((j1 | 0x80, j2 | 0x80)).decode("euc_jis_2004")
        return bytes((0x8F, j1 | 0x80, j2 | 0x80)).decode("euc_jis_2004")
    except UnicodeDecodeError:
        return None


def _kana(byte: int) -> str | None:
    if 0x21 <= byte <= 0x5F:
        return chr(0xFF61 + byte - 0x21)
    if 0xA1 <= byte <= 0xDF:
        return chr(0xFF61 + byte - 0xA1)
    return None


def iso2022jp_decode(data: bytes) -> tuple[str, bool]:
    """Return ISO-2022-JP (CP5022x superset) bytes as text and whether every byte was read cleanly.

    Never raises and never leaves an escape sequence: an unknown sequence is dropped, an undecodable code becomes
    U+FFFD, and either makes the second value false. Bytes above 0x7F other than half-width kana also make it false
    (the part was not ISO-2022-JP at all; the caller should guess).
    """
    out: list[str] = []
    clean = True
    mode = _ASCII
    shifted = False
    pos = 0
    length = len(data)
    for match in [*_ESC_RX.finditer(data), None]:
        end = match.start() if match is not None else length
        chunk = data[pos:end]
        if chunk:
            text, ok, mode, shifted = _run(chunk, mode, shifted)
            out.append(text)
            clean = clean and ok
        if match is None:
            break
        pos = match.end()
        seq = match.group(0)
        if seq in _DESIGNATIONS:
            mode = _DESIGNATIONS[seq]
        elif seq.startswith(b"\x1b$)"):
            continue  # a G1 designation for SO/SI (ISO-2022-JP-2 style): the next SO selects kana, which is all we use
        else:
            clean = False
    return "".join(out), clean


def _run(chunk: bytes, mode: int, shifted: bool) -> tuple[str, bool, int, bool]:
    """Decode bytes between escape sequences; return text, cleanliness, and the mode and shift state after them."""
    if mode == _ASCII and not shifted and chunk.isascii() and b"\x0e" not in chunk:
        return chunk.decode("ascii"), True, mode, shifted
    out: list[str] = []
    clean = True
    i = 0
    n = len(chunk)
    while i < n:
        byte = chunk[i]
        if byte == 0x0E:
            shifted = True
            i += 1
            continue
        if byte == 0x0F:
            shifted = False
            i += 1
            continue
        if byte in (0x0A, 0x0D):
            # A line end returns to ASCII: mailers that forget ESC ( B at the end of a line must not garble the rest.
            mode, shifted = _ASCII, False
            out.append(chr(byte))
            i += 1
            continue
        if byte >= 0x80:
            kana = _kana(byte)
            if kana is None:
                out.append(REPLACEMENT)
                clean = False
            else:
                out.append(kana)
            i += 1
            continue
        if shifted or mode == _KANA:
            kana = _kana(byte) if byte > 0x20 else None
            out.append(kana if kana is not None else chr(byte))
            i += 1
            continue
        if mode == _ASCII or byte <= 0x20:
            out.append(chr(byte))
            i += 1
            continue
        if i + 1 < n and chunk[i + 1] > 0x20:
            char = _pair(mode, byte, chunk[i + 1])
            if char is None:
                out.append(REPLACEMENT)
                clean = False
            else:
                out.append(char)
            i += 2
            continue
        out.append(REPLACEMENT)
        clean = False
        i += 1
    return "".join(out), clean, mode, shifted


# --------------------------------------------------------------------------------------------------------------------
# CP50220 output
# --------------------------------------------------------------------------------------------------------------------
def _sjis_to_jis(s1: int, s2: int) -> tuple[int, int]:
    row = (s1 - (0x70 if s1 <= 0x9F else 0xB0)) * 2
    if s2 < 0x9F:
        return row - 1, s2 - (0x1F if s2 < 0x7F else 0x20)
    return row, s2 - 0x7E


def iso2022jp_encode(text: str, *, errors: str = "replace") -> bytes:
    """Return ``text`` as ISO-2022-JP with the CP50220 extensions (half-width kana made full-width).

    A character CP932 cannot hold (emoji, most of the world's scripts) becomes ``〓`` with ``errors="replace"``, or
    raises ``UnicodeEncodeError`` with ``errors="strict"``.
    """
    text = _halfwidth_kana_to_full(text)
    out = bytearray()
    jis = False
    for char in text:
        if char.isascii():
            if jis:
                out += b"\x1b(B"
                jis = False
            out += char.encode("ascii")
            continue
        try:
            sjis = char.encode("cp932")
        except UnicodeEncodeError:
            if errors == "strict":
                raise
            sjis = "〓".encode("cp932")
        if len(sjis) != 2 or sjis[0] >= 0xF0:
            # A single-byte (half-width) or user-defined character has no place in the JIS plane.
            if errors == "strict":
                raise UnicodeEncodeError("cp50220", char, 0, 1, "no JIS code")
            sjis = "〓".encode("cp932")
        j1, j2 = _sjis_to_jis(sjis[0], sjis[1])
        if not jis:
            out += b"\x1b$B"
            jis = True
        out += bytes((j1, j2))
    if jis:
        out += b"\x1b(B"
    return bytes(out)


def _halfwidth_kana_to_full(text: str) -> str:
    if not any("\uff61" <= ch <= "\uff9f" for ch in text):
        return text
    return re.sub(r"[\uff61-\uff9f]+", lambda m: unicodedata.normalize("NFKC", m.group(0)), text)


# --------------------------------------------------------------------------------------------------------------------
# Guessing unlabelled 8-bit bytes
# --------------------------------------------------------------------------------------------------------------------
GUESS_CHARSETS = ("utf-8", "cp932", "euc_jis_2004")


def _char_score(char: str) -> float:
    code = ord(char)
    if code < 0x80:
        return 0.5 if char.isprintable() or char in "\t\r\n" else -3.0
    if 0x3041 <= code <= 0x309F:
        return 1.0  # hiragana: nearly every Japanese sentence has some
    if 0x30A0 <= code <= 0x30FF or 0x3000 <= code <= 0x303F or 0xFF01 <= code <= 0xFF5E:
        return 0.9
    if 0xFF61 <= code <= 0xFF9F:
        return 0.75  # half-width kana: real in carrier mail, but also what EUC-JP looks like read as CP932
    if 0x4E00 <= code <= 0x9FFF:
        try:
            level_one = char.encode("euc_jp")[0] < 0xD0
        except UnicodeEncodeError:
            return 0.1
        return 1.0 if level_one else 0.3
    if 0xE000 <= code <= 0xF8FF:
        return -1.0
    category = unicodedata.category(char)
    if category.startswith("C"):
        return -3.0
    if 0x2000 <= code <= 0x2BFF or 0x3200 <= code <= 0x33FF or 0x2460 <= code <= 0x24FF:
        return 0.5  # symbols and enclosed characters: ①, ㈱, ※, →
    return -0.5  # Latin-1 letters, Hangul, Cyrillic: what mojibake of Japanese bytes looks like


def japanese_score(text: str) -> float:
    """Return how much ``text`` looks like Japanese (or ASCII) text: the mean of a per-character score."""
    if not text:
        return 0.0
    return sum(_char_score(ch) for ch in text) / len(text)


def _byte_score(text: str, name: str) -> float:
    """Return the mean score per byte of the non-ASCII characters (ASCII reads the same in every candidate).

    Per byte, not per character: a CP932 reading of EUC-JP kanji makes two half-width kana of each kanji, and must
    not win by numbers.
    """
    total = weight = 0.0
    for char in text:
        if char < "\x80":
            continue
        size = 1 if name == "cp932" and "\uff61" <= char <= "\uff9f" else 2
        total += _char_score(char) * size
        weight += size
    return total / weight if weight else 0.0


def bytes_guess(data: bytes) -> tuple[str, str, bool]:
    """Return unlabelled bytes as text, the charset chosen and whether they decoded without replacement.

    ISO-2022-JP is recognised by its escape sequences. Otherwise every candidate that decodes strictly is scored;
    UTF-8 wins when valid (random Shift_JIS or EUC-JP is almost never valid UTF-8). When none decodes strictly, the
    one with the fewest replacements (then the best score) is taken.
    """
    if data.isascii():
        if b"\x1b" in data:
            text, clean = iso2022jp_decode(data)
            return text, "iso-2022-jp", clean
        return data.decode("ascii"), "us-ascii", True
    if b"\x1b$" in data or b"\x1b(I" in data:
        text, clean = iso2022jp_decode(data)
        if clean:
            return text, "iso-2022-jp", True
    valid: list[tuple[float, str, str]] = []
    for name in GUESS_CHARSETS:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if name == "utf-8":
            return text, name, True
        # CP932 is the more common of the two in mail: a small head start breaks near ties.
        valid.append((_byte_score(text, name) + (0.05 if name == "cp932" else 0.0), name, text))
    if valid:
        _score, name, text = max(valid)
        return text, name, True
    lossy = []
    for name in GUESS_CHARSETS:
        text = data.decode(name, errors="replace")
        lossy.append((-text.count(REPLACEMENT), japanese_score(text), name, text))
    _count, _score, name, text = max(lossy)
    return text, name, False
