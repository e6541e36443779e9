"""Find, in a large block of UTF-8 text, the few lines that may hold an identifier.

Most lines of a log hold nothing, and Python cannot afford to look at each of them. So the block is mapped once, byte
for byte, to a *shape* (every digit becomes ``0``, every separator ``-``, the letters c/p/z and the lead bytes of
Japanese characters ``Q``, the letter b ``B``), and a handful of C-speed searches run over the whole shape: runs of ten
or more digits, digit groups in the usual card, phone and My Number spacing, ``@``, and the context words of the
context-led types. Only the lines they hit are decoded and handed to ``detectors.text_scan``. A long run that fails
the cheap checks (no issuer, no check digit, no phone prefix) is dropped without decoding its line.

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
    # The regex (literal prefix) looks for the mark twice as fast as ``in`` in Japanese text, and a mark not next
    # to a digit (a katakana word) needs no substitution pass.
    if _LONG_VOWEL_RXS[0].search(data):
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
    for letter in b"cpzCPZ":
        table[letter] = ord("Q")
    # "b" has an anchor of its own: birth, born, bank and dob are found by a second, cheap regex, which keeps the
    # anchors of the main one (and the words that end in an anchor, like dob) rare.
    table[ord("b")] = table[ord("B")] = ord("B")
    for byte in b"0123456789":
        table[byte] = ord("0")
    for byte in b" -()":
        table[byte] = ord("-")
    table[ord("+")] = ord("+")
    table[ord("@")] = ord("@")
    table[ord("\n")] = ord("\n")
    # UTF-8 trail bytes keep their value, so Japanese words can still be told apart; the lead bytes of kana and
    # common kanji (E3-E9) become Q, the shared first character of every Japanese context word.
    for byte in range(0x80, 0xC0):
        table[byte] = byte
    for byte in range(0xE3, 0xEA):
        table[byte] = ord("Q")
    return bytes(table)


SHAPE = _shape_table()
_ANCHORS = b"QB"


def _keyword_regexes(words: tuple[str, ...]) -> tuple[re.Pattern[bytes], ...]:
    """Return one regex over the shape per anchor byte (``Q``, ``B``) that finds the words anchored on it.

    Each word is anchored on its first anchor byte. Branches are grouped by the byte after the anchor, so that most
    of the millions of anchors in a large block fail on their first comparison; a word that ends with its anchor
    (``dob``) becomes a lookbehind branch, tried last.
    """
    by_anchor: dict[int, tuple[dict[bytes, list[bytes]], list[bytes]]] = {}
    for word in words:
        shaped = word.lower().encode().translate(SHAPE)
        at = min((i for i, byte in enumerate(shaped) if byte in _ANCHORS), default=-1)
        if at < 0:
            raise ValueError(f"context word {word!r} has no b, c, p, z or CJK character for the prefilter")
        by_next, trailing = by_anchor.setdefault(shaped[at], ({}, []))
        rest = shaped[at + 1 :]
        check = b"(?<=" + re.escape(shaped) + b")" if at else b""
        if not rest:
            trailing.append(check)
            continue
        by_next.setdefault(rest[:1], []).append(re.escape(rest[1:]) + check)
    patterns = []
    for anchor, (by_next, trailing) in by_anchor.items():
        branches = [re.escape(first) + b"(?:" + b"|".join(tails) + b")" for first, tails in by_next.items()]
        patterns.append(re.compile(re.escape(bytes([anchor])) + b"(?:" + b"|".join(branches + trailing) + b")"))
    return tuple(patterns)


_KEYWORD_RXS = _keyword_regexes(detectors.CONTEXT_LED_WORDS)
_LONG_RUN = b"0" * 10
_RUN_END_RX = re.compile(rb"[^0]")
# A four-digit group after two more groups and separators: the tail of every usual card, phone and My Number
# spacing. Anchored on the separator, which is rarer in the shape than a digit.
_GROUPED_RX = re.compile(rb"-0000(?:(?<=0-0-0000)|(?<=0-00-0000)|(?<=0-000-0000)|(?<=0-0000-0000)|(?<=0-000000-0000))")
# A digit run touching an ASCII letter or digit is part of a token (a hash, a SKU); Japanese text does not count.
_ALNUM = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
_LOCAL_PART = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._%+-")
_DOMAIN_START = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
# (first byte << 5 | length) of digit runs that may be a card: Visa 4 (13/16/19), Mastercard 2/5 (16), 3 (JCB, Amex,
# Diners, 14-19), 6 (Discover, UnionPay, 16-19). Everything else of 13 or more digits (epochs, order numbers) is
# dropped before the Luhn sum.
_CARD_SHAPES = frozenset(
    first << 5 | length
    for first, length in [(0x34, 13), (0x34, 16), (0x34, 19), (0x32, 16), (0x35, 16)]
    + [(0x33, n) for n in range(14, 20)]
    + [(0x36, n) for n in range(16, 20)]
)
_DOUBLE = bytes.maketrans(b"0123456789", b"0246813579")
_MY_NUMBER_WEIGHTS = (6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def luhn_bytes(digits: bytes) -> bool:
    """Return whether the ASCII ``digits`` pass the Luhn check (sums at C speed, no per-digit Python)."""
    doubled = digits[-2::-2].translate(_DOUBLE)
    return (sum(digits[-1::-2]) + sum(doubled) - 48 * len(digits)) % 10 == 0


def _my_number_bytes(digits: bytes) -> bool:
    if digits == digits[:1] * 12:
        return False
    remainder = sum(w * (d - 48) for w, d in zip(_MY_NUMBER_WEIGHTS, digits, strict=False)) % 11
    return (0 if remainder <= 1 else 11 - remainder) == digits[11] - 48


def block_hits(*, block: bytes) -> list[int]:
    """Return the sorted start offsets of the lines of ``block`` (normalised UTF-8) that need a full scan."""
    shape = block.translate(SHAPE)
    size = len(shape)
    hits: list[int] = []
    add = hits.append

    # Runs of ten or more digits: order numbers, timestamps and epochs are dropped here, without a decode.
    find = shape.find
    run_end = _RUN_END_RX.search
    alnum = _ALNUM
    card_shapes = _CARD_SHAPES
    pos = find(_LONG_RUN)
    while pos >= 0:
        end = pos + 10
        tail = shape[end : end + 10]
        rest = tail.lstrip(b"0")
        end += len(tail) - len(rest)
        if not rest and end < size:
            end_match = run_end(shape, end)
            end = end_match.start() if end_match else size
        length = end - pos
        if (pos and block[pos - 1] in alnum) or (end < size and block[end] in alnum) or length >= 20:
            pass  # Touching a letter (a hash, a SKU) or too long: never a number on its own.
        elif (pos and (shape[pos - 1] == 43 or (shape[pos - 1] == 45 and pos >= 2 and shape[pos - 2] == 48))) or (
            end + 1 < size and shape[end] == 45 and shape[end + 1] == 48
        ):
            add(pos)  # One group of a spaced number (maybe +81): the full scan decides.
        elif length >= 13:
            # Issuer and length first: most long numbers in logs (epochs, order numbers) stop here.
            if block[pos] << 5 | length in card_shapes and luhn_bytes(block[pos:end]):
                add(pos)
        elif length == 12:
            if _my_number_bytes(block[pos:end]):
                add(pos)
        elif block[pos] == 0x30 and detectors.phone_valid(digits=block[pos:end].decode("ascii")):
            add(pos)
        pos = find(_LONG_RUN, end)

    for match in _GROUPED_RX.finditer(shape):
        add(match.start())

    pos = find(b"@")
    while pos >= 0:
        # A domain starts with an ASCII letter or digit, or with a UTF-8 lead byte (an IDN domain: 例え.jp).
        if (
            0 < pos < size - 1
            and block[pos - 1] in _LOCAL_PART
            and (block[pos + 1] in _DOMAIN_START or block[pos + 1] >= 0xC2)
        ):
            add(pos)
        pos = find(b"@", pos + 1)

    for keyword_rx in _KEYWORD_RXS:
        for match in keyword_rx.finditer(shape):
            add(match.start())

    if not hits:
        return []
    rfind = block.rfind
    return sorted({rfind(b"\n", 0, pos) + 1 for pos in hits})
