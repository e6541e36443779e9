"""Find, in a large block of UTF-8 text, the few lines that may hold an identifier.

Most lines of a log hold nothing, and Python cannot afford to look at each of them. So the block is mapped once, byte
for byte, to a *shape* (every digit becomes ``0``, every separator ``-``, the letters b/c/p/z and the lead bytes of
Japanese characters ``Q``), and a handful of C-speed searches run over the whole shape: runs of ten or more digits,
digit groups in the usual card, phone and My Number spacing, ``@``, and the context words of the context-led types.
Only the lines they hit are decoded and handed to ``detectors.text_scan``. A long run that fails the cheap checks
(no issuer, no check digit, no phone prefix) is dropped without decoding its line.

The prefilter only ever says "maybe": it must be a superset of what ``text_scan`` finds, which the tests check by
comparing it with a line-by-line scan. Pure Python, no Django import.
"""

from __future__ import annotations

import re

from breachdesk.scanner import detectors

# --------------------------------------------------------------------------------------------------------------------
# Byte-level normalisation, matching detectors.text_normalise (one character for one character).
# --------------------------------------------------------------------------------------------------------------------
_FULLWIDTH_RX = re.compile(rb"\xef(?:\xbc[\x81-\xbf]|\xbd[\x80-\x9e]|\xb9\xa3)")
_FULLWIDTH_MAP: dict[bytes, bytes] = {
    chr(cp).encode(): detectors.text_normalise(text=chr(cp)).encode() for cp in range(0xFF01, 0xFF5F)
}
_FULLWIDTH_MAP["\ufe63".encode()] = b"-"
_DASH_RX = re.compile(rb"\xe2(?:\x80[\x90-\x95]|\x88\x92)")
# One pattern per mark: a pattern that starts with a literal is searched at C speed, an alternation is not.
_LONG_VOWEL_RXS = (
    re.compile(rb"\xe3\x83\xbc(?:(?<=[0-9]\xe3\x83\xbc)|(?=[0-9]))"),
    re.compile(rb"\xef\xbd\xb0(?:(?<=[0-9]\xef\xbd\xb0)|(?=[0-9]))"),
)


def _fullwidth(match: re.Match[bytes]) -> bytes:
    return _FULLWIDTH_MAP[match.group(0)]


def bytes_normalise(*, data: bytes) -> bytes:
    """Return UTF-8 ``data`` with full-width ASCII and dashes turned into ASCII."""
    if data.isascii():
        return data
    # A one-byte "in" runs at memchr speed: most blocks need none of the regex passes below.
    if b"\xef" in data:
        data = _FULLWIDTH_RX.sub(_fullwidth, data)
        data = _LONG_VOWEL_RXS[1].sub(b"-", data)
    if b"\xe2" in data:
        data = _DASH_RX.sub(b"-", data)
    if b"\xe3\x83\xbc" in data:
        data = _LONG_VOWEL_RXS[0].sub(b"-", data)
    return data


# --------------------------------------------------------------------------------------------------------------------
# Shape
# --------------------------------------------------------------------------------------------------------------------
def _shape_table() -> bytes:
    table = bytearray(b"." * 256)
    for byte in range(ord("a"), ord("z") + 1):
        table[byte] = byte
        table[byte - 32] = byte
    for letter in b"bcpzBCPZ":
        table[letter] = ord("Q")
    for byte in b"0123456789":
        table[byte] = ord("0")
    for byte in b" -()":
        table[byte] = ord("-")
    table[ord("+")] = ord("+")
    table[ord("@")] = ord("@")
    table[ord("\n")] = ord("\n")
    # UTF-8 trail bytes keep their value, so Japanese words can still be told apart; the lead bytes of kana and
    # common kanji (E3-E9) become Q, the shared first character of every context word.
    for byte in range(0x80, 0xC0):
        table[byte] = byte
    for byte in range(0xE3, 0xEA):
        table[byte] = ord("Q")
    return bytes(table)


SHAPE = _shape_table()


def _keyword_regex(words: tuple[str, ...]) -> tuple[re.Pattern[bytes], tuple[bytes, ...]]:
    """Return one regex over the shape that finds the words, anchored on each word's first ``Q``, and the shaped
    words whose only ``Q`` is their last byte (``dob``), which are searched for separately.

    Branches are grouped by the byte after the anchor, so that most of the millions of anchors in a large block
    fail on their first comparison; a lookbehind-only branch would be tried at every one of them.
    """
    by_next: dict[bytes, list[bytes]] = {}
    trailing: list[bytes] = []
    for word in words:
        shaped = word.lower().encode().translate(SHAPE)
        at = shaped.find(b"Q")
        if at < 0:
            raise ValueError(f"context word {word!r} has no b, c, p or CJK character for the prefilter")
        rest = shaped[at + 1 :]
        if not rest:
            trailing.append(shaped)
            continue
        check = b"(?<=" + re.escape(shaped) + b")" if at else b""
        by_next.setdefault(rest[:1], []).append(re.escape(rest[1:]) + check)
    branches = [re.escape(first) + b"(?:" + b"|".join(tails) + b")" for first, tails in by_next.items()]
    return re.compile(b"Q(?:" + b"|".join(branches) + b")"), tuple(trailing)


_KEYWORD_RX, _TRAILING_WORDS = _keyword_regex(detectors.CONTEXT_LED_WORDS)
_LONG_RUN = b"0" * 10
_RUN_END_RX = re.compile(rb"[^0]")
# A four-digit group after one more group and separator: the tail of every usual card, phone and My Number spacing.
_GROUPED_RX = re.compile(rb"0-0000(?:(?<=0-0-0000)|(?<=0-00-0000)|(?<=0-000-0000)|(?<=0-0000-0000)|(?<=0-000000-0000))")
_LETTERS = frozenset(b"abcdefghijklmnopqrstuvwxyzQ")
_LOCAL_PART = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
_DOMAIN_START = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")


def block_hits(*, block: bytes) -> list[int]:
    """Return the sorted start offsets of the lines of ``block`` (normalised UTF-8) that need a full scan."""
    shape = block.translate(SHAPE)
    size = len(shape)
    hits: list[int] = []
    add = hits.append

    # Runs of ten or more digits: order numbers, timestamps and epochs are dropped here, without a decode.
    find = shape.find
    run_end = _RUN_END_RX.search
    pos = find(_LONG_RUN)
    while pos >= 0:
        end = pos + 10
        tail = shape[end : end + 10]
        rest = tail.lstrip(b"0")
        end += len(tail) - len(rest)
        if not rest and end < size:
            end_match = run_end(shape, end)
            end = end_match.start() if end_match else size
        before = shape[pos - 1] if pos else 10
        after = shape[end] if end < size else 10
        length = end - pos
        first = block[pos]
        if before in _LETTERS or after in _LETTERS or length >= 20:
            pass  # Touching a letter (a hash, a SKU) or too long: never a number on its own.
        elif (
            before == 43  # "+": maybe +81
            or (before == 45 and pos >= 2 and shape[pos - 2] == 48)
            or (after == 45 and end + 1 < size and shape[end + 1] == 48)
        ):
            add(pos)
        elif length >= 13:
            # Cheap issuer and length screen first: most long numbers in logs (epochs, order numbers) stop here.
            if (
                (first == 0x34 and length in (13, 16, 19)) or (first in (0x32, 0x35) and length == 16) or first == 0x33
            ) and detectors.card_number_valid(digits=block[pos:end].decode("ascii")):
                add(pos)
        elif length == 12:
            if detectors.my_number_valid(digits=block[pos:end].decode("ascii")):
                add(pos)
        elif first == 0x30 and detectors.phone_valid(digits=block[pos:end].decode("ascii")):
            add(pos)
        pos = find(_LONG_RUN, end)

    for match in _GROUPED_RX.finditer(shape):
        add(match.start())

    pos = find(b"@")
    while pos >= 0:
        if 0 < pos < size - 1 and block[pos - 1] in _LOCAL_PART and block[pos + 1] in _DOMAIN_START:
            add(pos)
        pos = find(b"@", pos + 1)

    for match in _KEYWORD_RX.finditer(shape):
        add(match.start())
    for word in _TRAILING_WORDS:
        pos = find(word)
        while pos >= 0:
            add(pos)
            pos = find(word, pos + 1)

    if not hits:
        return []
    starts = {block.rfind(b"\n", 0, pos) + 1 for pos in hits}
    return sorted(starts)
