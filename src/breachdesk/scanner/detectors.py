"""Detect Japanese personal identifiers in text, validating every candidate instead of trusting a regex.

Each detector checks what the identifier's own rules allow: the Luhn sum, issuer range and length of a card number,
the check digit of a My Number, a plausible prefix for a phone number, a real calendar date for a date of birth.
The types that look like any other number (postal code, date of birth, bank account, passport number) are reported
only with context: a keyword shortly before the value, or a column header passed in as ``hint``.

Pure Python: no Django import, so the scanner also runs without the web app.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, date, datetime

from breachdesk.scanner import masking

CREDIT_CARD = "credit_card"
MY_NUMBER = "my_number"
PHONE = "phone"
EMAIL = "email"
POSTAL_CODE = "postal_code"
BIRTH_DATE = "birth_date"
BANK_ACCOUNT = "bank_account"
PASSPORT_NUMBER = "passport_number"
TYPES: tuple[str, ...] = (
    CREDIT_CARD,
    MY_NUMBER,
    PHONE,
    EMAIL,
    POSTAL_CODE,
    BIRTH_DATE,
    BANK_ACCOUNT,
    PASSPORT_NUMBER,
)


@dataclass(frozen=True, slots=True)
class Detection:
    """Describe one identifier found in a text: its type, where it is, how sure we are, and its masked form."""

    type: str
    start: int
    end: int
    confidence: float
    masked: str


# --------------------------------------------------------------------------------------------------------------------
# Context words. Every word of a context-led type contains b, c or p or starts with a CJK character: the streaming
# prefilter (prefilter.py) relies on that to find all of them in one regex pass.
# --------------------------------------------------------------------------------------------------------------------
CARD_WORDS = ("card", "カード", "credit", "クレジット", "クレカ")
MY_NUMBER_WORDS = ("マイナンバー", "個人番号", "my_number", "mynumber", "my number", "my-number")
PHONE_WORDS = ("電話", "tel", "phone", "携帯", "mobile", "fax")
POSTAL_WORDS = ("〒", "郵便", "zip", "postal", "postcode")
BIRTH_WORDS = ("生年月日", "誕生日", "生まれ", "birth", "dob", "born")
BANK_WORDS = ("口座", "当座", "普通", "account", "acct", "bank")
PASSPORT_WORDS = ("旅券", "パスポート", "passport")
CONTEXT_LED_WORDS = POSTAL_WORDS + BIRTH_WORDS + BANK_WORDS + PASSPORT_WORDS

# Labels of numbers that are not personal (order, invoice, tracking numbers): a 16-digit order number can pass the
# Luhn check by chance, so under such a label a card or My Number needs a context word of its own.
OTHER_ID = "other_id"
_OTHER_ID_WORDS = ("order", "注文", "invoice", "伝票", "tracking", "追跡", "transaction", "txn", "trace", "受付", "ref")

# How far before a value (in characters) a context word may stand.
CONTEXT_WINDOW = 40

# Header names (NFKC, lower-case, no spaces) that tell a column's type. Short ones must match a whole token.
_HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    CREDIT_CARD: (
        "カード番号",
        "クレジットカード番号",
        "クレジットカード",
        "card_number",
        "cardnumber",
        "card_no",
        "cardno",
        "credit_card",
        "creditcard",
        "cc",
        "ccnum",
        "cc_number",
        "pan",
    ),
    MY_NUMBER: ("マイナンバー", "個人番号", "my_number", "mynumber"),
    PHONE: ("電話", "電話番号", "携帯", "携帯番号", "携帯電話", "tel", "phone", "phone_number", "mobile", "fax"),
    EMAIL: ("メール", "メールアドレス", "e-mail", "email", "mail", "mail_address"),
    POSTAL_CODE: ("郵便番号", "〒", "zip", "zipcode", "zip_code", "postal_code", "postcode", "postal"),
    BIRTH_DATE: ("生年月日", "誕生日", "birthday", "birth_date", "birthdate", "dob", "date_of_birth"),
    BANK_ACCOUNT: ("口座番号", "銀行口座", "account_number", "bank_account", "account_no", "acct_no"),
    PASSPORT_NUMBER: ("パスポート番号", "旅券番号", "passport", "passport_no", "passport_number"),
}
_TOKEN_SPLIT_RX = re.compile(r"[_\-.\s/()]+")


def header_hint(*, name: str) -> str | None:
    """Return the identifier type a column header names (``カード番号`` -> ``credit_card``), or ``None``."""
    key = unicodedata.normalize("NFKC", name).strip().lower().replace(" ", "").replace("\u3000", "")
    if not key:
        return None
    tokens = set(_TOKEN_SPLIT_RX.split(key))
    for kind, synonyms in _HEADER_SYNONYMS.items():
        for synonym in synonyms:
            if key == synonym or synonym in tokens:
                return kind
            # Longer names may sit inside a bigger header (customer_email, 自宅電話番号); short ones like "cc" or
            # "pan" would match inside unrelated words, so they count only as whole tokens.
            if (len(synonym) >= 5 or not synonym.isascii()) and synonym in key:
                return kind
    if any(word in key for word in _OTHER_ID_WORDS):
        return OTHER_ID
    return None


_LABEL_RX = re.compile(r"([^\W\d]+(?:[_\-][^\W\d]+)*)[_\W]{0,4}$")


@functools.lru_cache(maxsize=4096)
def _label_hint(label: str) -> str | None:
    return header_hint(name=label)


def _label_before(text: str, start: int) -> str | None:
    """Return the type named by the label just before ``start`` (``order_id=``, ``"card": "``), if any."""
    match = _LABEL_RX.search(text, max(0, start - 32), start)
    return _label_hint(match.group(1)) if match else None


# --------------------------------------------------------------------------------------------------------------------
# Normalisation: one character in, one character out, so offsets in the normalised text are offsets in the original.
# --------------------------------------------------------------------------------------------------------------------
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63"
_TABLE: dict[int, int] = {cp: cp - 0xFEE0 for cp in range(0xFF01, 0xFF5F)}
_TABLE.update({ord(ch): 0x2D for ch in _DASHES})
# The long-vowel mark is a dash only next to a digit (０９０ー１２３４); inside words (パスポート) it stays.
_LONG_VOWEL_RX = re.compile(r"(?<=[0-9])[\u30fc\uff70]|[\u30fc\uff70](?=[0-9])")


def text_normalise(*, text: str) -> str:
    """Return ``text`` with full-width ASCII and dashes made ASCII, character for character.

    The ideographic space is not a separator: checking every block for it would cost a pass over all the text.
    """
    if text.isascii():
        return text
    text = text.translate(_TABLE)
    if "\u30fc" in text or "\uff70" in text:
        text = _LONG_VOWEL_RX.sub("-", text)
    return text


# --------------------------------------------------------------------------------------------------------------------
# Validators
# --------------------------------------------------------------------------------------------------------------------
_LUHN_DOUBLE = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


_LUHN_DOUBLE_BYTES = bytes.maketrans(b"0123456789", b"0246813579")


def luhn_valid(*, digits: str) -> bool:
    """Return whether ``digits`` pass the Luhn (mod 10) check."""
    if digits.isascii():
        # Sum the ASCII codes at C speed and take the zeros' codes off: no Python work per digit.
        raw = digits.encode("ascii")
        total = sum(raw[-1::-2]) + sum(raw[-2::-2].translate(_LUHN_DOUBLE_BYTES)) - 48 * len(raw)
        return total % 10 == 0
    total = sum(map(int, digits[-1::-2]))
    total += sum(_LUHN_DOUBLE[int(ch)] for ch in digits[-2::-2])
    return total % 10 == 0


def card_issuer(*, digits: str) -> str | None:
    """Return the card brand whose number range and length fit ``digits``, or ``None``.

    The brands accepted in Japan: Visa, Mastercard, JCB, American Express, Diners Club, Discover (6011, 644-649,
    65) and UnionPay (62).
    """
    length = len(digits)
    if length < 13 or length > 19:
        return None
    first = digits[0]
    if first == "4":
        return "visa" if length in (13, 16, 19) else None
    p2 = int(digits[:2])
    p3 = int(digits[:3])
    p4 = int(digits[:4])
    if first == "5" or first == "2":
        if (51 <= p2 <= 55 or 2221 <= p4 <= 2720) and length == 16:
            return "mastercard"
        return None
    if first == "3":
        if 3528 <= p4 <= 3589:
            return "jcb" if 16 <= length <= 19 else None
        if p2 in (34, 37):
            return "amex" if length == 15 else None
        if p2 in (36, 38, 39) or 300 <= p3 <= 305 or p4 == 3095:
            return "diners" if 14 <= length <= 19 else None
        return None
    if first == "6":
        if p4 == 6011 or 644 <= p3 <= 649 or p2 == 65:
            return "discover" if 16 <= length <= 19 else None
        if p2 == 62:
            return "unionpay" if 16 <= length <= 19 else None
    return None


def card_number_valid(*, digits: str) -> bool:
    """Return whether ``digits`` are a card number: issuer range, length and Luhn all fit."""
    return card_issuer(digits=digits) is not None and luhn_valid(digits=digits)


def my_number_valid(*, digits: str) -> bool:
    """Return whether ``digits`` are a My Number (個人番号): twelve digits whose last is the check digit."""
    if len(digits) != 12 or not digits.isdigit() or digits == digits[0] * 12:
        return False
    total = 0
    for n in range(1, 12):
        weight = n + 1 if n <= 6 else n - 5
        total += int(digits[11 - n]) * weight
    remainder = total % 11
    check = 0 if remainder <= 1 else 11 - remainder
    return check == int(digits[11])


# Numbers that belong to businesses or services, not to a person: free dial, navi dial, premium and relay services.
_NON_PERSONAL_PREFIXES = ("0120", "0800", "0570", "0990", "0180", "0170")


def phone_valid(*, digits: str) -> bool:
    """Return whether ``digits`` (national form) are a Japanese mobile or landline number with a plausible prefix."""
    if digits[:1] != "0" or digits.startswith(_NON_PERSONAL_PREFIXES):
        return False
    if len(digits) == 11:
        # Mobiles (070/080/090) and IP phones (050); the digit after the prefix is never 0.
        return digits[:3] in ("070", "080", "090", "050") and digits[3] != "0"
    if len(digits) == 10:
        # Area codes are 0 then 1-9; a 0 in third place is a non-geographic prefix (010, 020, ... 090).
        return digits[1] != "0" and digits[2] != "0"
    return False


def _birth_date(year: int, month: int, day: int) -> date | None:
    try:
        value = date(year, month, day)
    except ValueError:
        return None
    today = datetime.now(tz=UTC).date()
    if value.year < 1900 or value > today:
        return None
    return value


_ERA_START = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019}
_ERA_LETTER = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}
_ERA_YEARS = {"明治": 45, "大正": 15, "昭和": 64, "平成": 31, "令和": 99}


# --------------------------------------------------------------------------------------------------------------------
# Candidate patterns
# --------------------------------------------------------------------------------------------------------------------
# A chain of digit groups joined by single spaces or hyphens, not touching letters or other digits. Possessive
# quantifiers: once a chain is read, it is never re-read shorter, which keeps the search linear.
# The lookahead skips, inside the regex engine, chains too short to matter (times, small counts): the shortest
# identifier has seven characters.
_CHAIN_RX = re.compile(r"[0-9](?<![0-9A-Za-z][0-9])(?=[0-9 -]{6})[0-9]*+(?:[ -][0-9]++)*+(?![0-9A-Za-z])")
_GROUP_RX = re.compile(r"[0-9]+")
# (03)1234-5678 and 03(1234)5678.
_PAREN_PHONE_RX = re.compile(
    r"(?<![0-9A-Za-z])(?:\((0[0-9]{1,4})\)[ -]?([0-9]{1,4})[ -]([0-9]{4})|(0[0-9]{1,4})\(([0-9]{1,4})\)([0-9]{4}))"
    r"(?![0-9A-Za-z])"
)
# Domain labels may be punycode (xn--...) or Unicode (例え.jp, IDN); the top-level domain is ASCII letters, punycode
# (xn--zckzah) or a Unicode one written out (.日本, .コム).
_LABEL_CHARS = "A-Za-z0-9\u00c0-\u024f\u0370-\u03ff\u0400-\u04ff\u3041-\u30ff\u3400-\u9fff\uac00-\ud7a3"
_EMAIL_RX = re.compile(
    r"(?<![A-Za-z0-9._%+\-])([A-Za-z0-9][A-Za-z0-9._%+\-]{0,63})@"
    rf"((?:[{_LABEL_CHARS}](?:[{_LABEL_CHARS}\-]{{0,61}}[{_LABEL_CHARS}])?\.)+"
    r"([A-Za-z]{2,24}|xn--[A-Za-z0-9\-]{2,59}|日本|コム|みんな|中国|中國|한국|рф))(?![A-Za-z0-9\-])"
)
# Image and code files named like name@2x.png are not addresses.
_FILE_SUFFIXES = frozenset(
    ["png", "jpg", "jpeg", "gif", "svg", "webp", "ico", "bmp", "tif", "tiff", "css", "js", "mjs", "ts", "map",
     "json", "xml", "txt", "log", "html", "htm", "php", "py", "rb"]
)  # fmt: skip
_DATE_RX = re.compile(
    r"(?<![0-9])(?:(?P<y>(?:19|20)[0-9]{2})\s*(?:[-/.]|年)\s*(?P<m>[0-9]{1,2})\s*(?:[-/.]|月)\s*(?P<d>[0-9]{1,2})"
    r"|(?<![A-Za-z])(?P<era>明治|大正|昭和|平成|令和|[MTSHR])\s*(?P<ey>元|[0-9]{1,2})\s*(?:[-/.]|年)\s*"
    r"(?P<em>[0-9]{1,2})\s*(?:[-/.]|月)\s*(?P<ed>[0-9]{1,2}))日?(?![0-9])"
)
_PASSPORT_RX = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}[0-9]{7}(?![A-Za-z0-9])")

# What ``_Scan.chain`` needs before it looks closer: a group of seven digits or more, or a later group of four or
# more (the tail of a card, phone or My Number spacing, or a postal code). A regex says so faster than splitting.
_CHAIN_WORTH_RX = re.compile(r"[0-9]{7}|[ -][0-9]{4}")
_BIRTH_WORD_RX = re.compile("|".join(map(re.escape, BIRTH_WORDS)))
_PASSPORT_WORD_RX = re.compile("|".join(map(re.escape, PASSPORT_WORDS)))

# Brands with lengths other than 16 that long reference numbers often match by chance: they need context then.
_RARE_LENGTH_BRANDS = ("visa", "jcb", "discover", "unionpay", "diners")
# An IBAN (country, check digits, then up to 30 letters and digits, often in groups of four): digit runs in it are
# neither cards nor My Numbers.
_IBAN_RX = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}[0-9]{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,3})?(?![A-Za-z0-9])")

_IBAN_HINT_RX = re.compile(r"[A-Z]{2}[0-9]{2}")
_CARD_GROUPINGS = frozenset(
    [(4, 4, 4, 4), (4, 4, 4, 4, 1), (4, 4, 4, 4, 2), (4, 4, 4, 4, 3), (4, 6, 5), (4, 6, 4), (4, 4, 4, 1), (4, 4, 5)]
)


@functools.lru_cache(maxsize=64)
def _words_regex(words: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, words)))


def _context(text: str, start: int, words: tuple[str, ...]) -> bool:
    return _words_regex(words).search(text[max(0, start - CONTEXT_WINDOW) : start].lower()) is not None


def _postal_mark(text: str, start: int) -> bool:
    return text[max(0, start - 3) : start].rstrip(" :").endswith("〒")


class _Scan:
    """Hold one text being scanned and the detections found in it so far."""

    __slots__ = ("found", "hint", "text")

    def __init__(self, text: str, hint: str | None) -> None:
        self.text = text
        self.hint = hint
        self.found: list[Detection] = []

    def add(self, kind: str, start: int, end: int, confidence: float, masked: str) -> None:
        self.found.append(Detection(kind, start, end, round(min(confidence, 0.99), 2), masked))

    def sure(self, kind: str, start: int, words: tuple[str, ...]) -> bool:
        return self.hint == kind or _context(self.text, start, words)

    def doubtful_number(self, kind: str, start: int, digits: str, words: tuple[str, ...]) -> bool:
        """Return whether a valid card or My Number should still be dropped for lack of context.

        Under an order or invoice label it is most likely that number; and the rare lengths (Visa 13 and 19, JCB
        17 to 19) are more often long reference numbers than cards.
        """
        if kind == MY_NUMBER and self.hint != MY_NUMBER and self.account_closer(start):
            return True
        if self.sure(kind, start, words):
            return False
        label = self.hint or _label_before(self.text, start)
        if label == kind:
            return False
        if label in (OTHER_ID, BANK_ACCOUNT):
            return True
        if kind == MY_NUMBER and self.inside_identifier(start, digits):
            # Twelve digits of a longer identifier (REF-1234-5678-9012, ABC_123456789012) are not a My Number.
            return True
        return kind == CREDIT_CARD and len(digits) != 16 and card_issuer(digits=digits) in _RARE_LENGTH_BRANDS

    def account_closer(self, start: int) -> bool:
        """Return whether a bank-account word stands nearer before ``start`` than any My Number word."""
        window = self.text[max(0, start - CONTEXT_WINDOW) : start].lower()
        bank = max((m.end() for m in _words_regex(BANK_WORDS).finditer(window)), default=-1)
        if bank < 0:
            return False
        mine = max((m.end() for m in _words_regex(MY_NUMBER_WORDS).finditer(window)), default=-1)
        return bank > mine

    def inside_identifier(self, start: int, digits: str) -> bool:
        """Return whether the digits from ``start`` continue an identifier: ``ABC-``, ``X1_`` or ``/`` before them."""
        text = self.text
        return start >= 2 and text[start - 1] in "-_/.#" and text[start - 2].isalnum()

    # Numbers --------------------------------------------------------------------------------------------------------
    def chain(self, start: int, end: int) -> None:
        text = self.text
        spans = [(m.start(), m.end()) for m in _GROUP_RX.finditer(text, start, end)]
        # Every type needs a group of seven or more digits, or a group of four or five after the first one (the
        # tail of a card, phone or My Number spacing, or a postal code): dates and times stop here.
        if not any(e - s >= 7 for s, e in spans) and not any(4 <= e - s <= 5 for s, e in spans[1:]):
            return
        plus81 = False
        if start > 0 and text[start - 1] == "+":
            # An international number: only Japan's +81 is ours, and the 81 belongs to the prefix, not the number.
            if not text.startswith("81", start):
                return
            plus81 = True
            first_start, first_end = spans[0]
            if first_end - first_start == 2:
                spans.pop(0)
            else:
                spans[0] = (first_start + 2, first_end)
            if not spans:
                return
        count = len(spans)
        if count == 1:
            self.window(spans, 0, 0, "", plus81)
            return
        seps = [text[spans[i][1]] for i in range(count - 1)]
        lengths = [e - s for s, e in spans]
        used = [False] * count
        for size in range(min(count, 5), 0, -1):
            for i in range(count - size + 1):
                j = i + size - 1
                if any(used[i : j + 1]):
                    continue
                window_seps = seps[i:j]
                sep = window_seps[0] if window_seps else ""
                if any(s != sep for s in window_seps):
                    continue
                # The digits must not be part of a longer run: a hyphen binds neighbours into one token, and a
                # further four-digit group in the same spacing continues the grouping.
                if i > 0 and (seps[i - 1] == "-" or (sep == " " and lengths[i - 1] == 4)):
                    continue
                if j < count - 1 and (seps[j] == "-" or (sep == " " and lengths[j + 1] == 4)):
                    continue
                if self.window(spans, i, j, sep, plus81 and i == 0):
                    for k in range(i, j + 1):
                        used[k] = True
        if count >= 4 and not all(used):
            self.card_windows(spans, seps, lengths, used)

    def card_windows(self, spans: list[tuple[int, int]], seps: list[str], lengths: list[int], used: list[bool]) -> None:
        """Find the cards the strict pass left in a longer run: every window of a card grouping is tried.

        A space-grouped card right after a hyphen-grouped one, two space-grouped cards in a row, a card after
        another four-digit group. A window is taken when its neighbours are already explained (used, absent, or
        joined differently), when a card word or column names it, or when valid cards tile the rest of the run.
        """
        count = len(spans)
        text = self.text
        candidates: list[tuple[int, int, str]] = []
        for i in range(count):
            for size in (4, 5, 3):
                j = i + size - 1
                if j >= count or any(used[i : j + 1]):
                    continue
                window_seps = seps[i:j]
                if any(s != window_seps[0] for s in window_seps):
                    continue
                if tuple(lengths[i : j + 1]) not in _CARD_GROUPINGS:
                    continue
                # A hyphen binds its neighbours into one token (a key, a serial): only spaces may be split.
                if (i > 0 and not used[i - 1] and seps[i - 1] == "-") or (
                    j < count - 1 and not used[j + 1] and seps[j] == "-"
                ):
                    continue
                digits = "".join(text[s:e] for s, e in spans[i : j + 1])
                start = spans[i][0]
                if card_number_valid(digits=digits) and not self.doubtful_number(
                    CREDIT_CARD, start, digits, CARD_WORDS
                ):
                    candidates.append((i, j, digits))
        chosen: list[tuple[int, int, str]] = []
        taken = list(used)
        for i, j, digits in candidates:
            if not any(taken[i : j + 1]):
                chosen.append((i, j, digits))
                for k in range(i, j + 1):
                    taken[k] = True
        if not chosen:
            return
        tiled = all(taken)
        # One group left over (a card after a four-digit group: an expiry, a PIN, a member number) is still a card,
        # held with less confidence.
        one_left = taken.count(False) == 1 and len(chosen) == 1
        for i, j, digits in chosen:
            start, end = spans[i][0], spans[j][1]
            sep = seps[i]
            left_free = i > 0 and not used[i - 1] and seps[i - 1] == sep
            right_free = j < count - 1 and not used[j + 1] and seps[j] == sep
            sure = self.sure(CREDIT_CARD, start, CARD_WORDS) or _context(text, spans[0][0], CARD_WORDS)
            if tiled or sure or one_left or not (left_free or right_free):
                conf = 0.99 if sure else 0.8 if one_left and not tiled else 0.9
                self.add(CREDIT_CARD, start, end, conf, masking.card_mask(digits=digits))
                for k in range(i, j + 1):
                    used[k] = True

    def window(self, spans: list[tuple[int, int]], i: int, j: int, sep: str, plus81: bool) -> bool:
        text = self.text
        groups = [text[s:e] for s, e in spans[i : j + 1]]
        digits = "".join(groups)
        start, end = spans[i][0], spans[j][1]
        if plus81:
            start = text.rfind("+", 0, start)
            # "+81 090-..." (the trunk 0 kept by mistake) is common enough to accept.
            national = digits if digits.startswith("0") else "0" + digits
            if not phone_valid(digits=national) or len(groups) == 2 or (len(groups) == 3 and len(groups[2]) != 4):
                return False
            first = "0" + groups[0].lstrip("0") if len(groups) > 1 else None
            conf = 0.9 + (0.08 if self.sure(PHONE, start, PHONE_WORDS) else 0.0)
            self.add(PHONE, start, end, conf, masking.phone_mask(digits=national, first_group=first))
            return True
        length = len(digits)
        if len(groups) == 1:
            return self.single(digits, start, end)
        lengths = tuple(len(g) for g in groups)
        if (
            lengths in _CARD_GROUPINGS
            and card_number_valid(digits=digits)
            and not self.doubtful_number(CREDIT_CARD, start, digits, CARD_WORDS)
        ):
            conf = 0.99 if self.sure(CREDIT_CARD, start, CARD_WORDS) else 0.95
            self.add(CREDIT_CARD, start, end, conf, masking.card_mask(digits=digits))
            return True
        if (
            lengths == (4, 4, 4)
            and my_number_valid(digits=digits)
            and not self.doubtful_number(MY_NUMBER, start, digits, MY_NUMBER_WORDS)
        ):
            conf = 0.97 if self.sure(MY_NUMBER, start, MY_NUMBER_WORDS) else 0.8
            self.add(MY_NUMBER, start, end, conf, masking.my_number_mask(digits=digits))
            return True
        if (
            len(groups) == 3
            and lengths[2] == 4
            and 2 <= lengths[0] <= 5
            and lengths[1] <= 4
            and (length == 10 or lengths == (3, 4, 4))
            and phone_valid(digits=digits)
        ):
            conf = 0.98 if self.sure(PHONE, start, PHONE_WORDS) else 0.9
            self.add(PHONE, start, end, conf, masking.phone_mask(digits=digits, first_group=groups[0]))
            return True
        if lengths == (3, 4) and sep == "-":
            return self.postal(digits, start, end)
        return False

    def single(self, digits: str, start: int, end: int) -> bool:
        length = len(digits)
        if length in (10, 11):
            if phone_valid(digits=digits):
                conf = 0.95 if self.sure(PHONE, start, PHONE_WORDS) else 0.7
                self.add(PHONE, start, end, conf, masking.phone_mask(digits=digits))
                return True
        elif length == 12:
            if my_number_valid(digits=digits) and not self.doubtful_number(MY_NUMBER, start, digits, MY_NUMBER_WORDS):
                conf = 0.97 if self.sure(MY_NUMBER, start, MY_NUMBER_WORDS) else 0.6
                self.add(MY_NUMBER, start, end, conf, masking.my_number_mask(digits=digits))
                return True
        elif length >= 13:
            if card_number_valid(digits=digits) and not self.doubtful_number(CREDIT_CARD, start, digits, CARD_WORDS):
                conf = 0.99 if self.sure(CREDIT_CARD, start, CARD_WORDS) else 0.9
                self.add(CREDIT_CARD, start, end, conf, masking.card_mask(digits=digits))
                return True
        elif length == 7:
            return self.postal(digits, start, end) or self.bank(digits, start, end)
        elif length == 8 and self.sure(BIRTH_DATE, start, BIRTH_WORDS):
            born = _birth_date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
            if born is not None:
                conf = 0.9 if self.hint == BIRTH_DATE else 0.8
                self.add(BIRTH_DATE, start, end, conf, masking.birth_date_mask(year=born.year))
                return True
        return False

    def postal(self, digits: str, start: int, end: int) -> bool:
        if _postal_mark(self.text, start):
            conf = 0.95
        elif self.hint == POSTAL_CODE:
            conf = 0.9
        elif _context(self.text, start, POSTAL_WORDS):
            conf = 0.85
        else:
            return False
        self.add(POSTAL_CODE, start, end, conf, masking.postal_code_mask(digits=digits))
        return True

    def bank(self, digits: str, start: int, end: int) -> bool:
        if self.hint == BANK_ACCOUNT:
            conf = 0.85
        elif _context(self.text, start, BANK_WORDS):
            conf = 0.75
        else:
            return False
        self.add(BANK_ACCOUNT, start, end, conf, masking.bank_account_mask(digits=digits))
        return True

    def paren_phones(self) -> None:
        for m in _PAREN_PHONE_RX.finditer(self.text):
            groups = [g for g in m.groups() if g is not None]
            digits = "".join(groups)
            if len(digits) == 10 and phone_valid(digits=digits):
                conf = 0.98 if self.sure(PHONE, m.start(), PHONE_WORDS) else 0.9
                self.add(PHONE, m.start(), m.end(), conf, masking.phone_mask(digits=digits, first_group=groups[0]))

    # Others ---------------------------------------------------------------------------------------------------------
    def emails(self) -> None:
        for m in _EMAIL_RX.finditer(self.text):
            local, tld = m.group(1), m.group(3).lower()
            if tld in _FILE_SUFFIXES or local.endswith(".") or ".." in local:
                continue
            conf = 0.99 if self.hint == EMAIL else 0.95
            self.add(EMAIL, m.start(), m.end(), conf, masking.email_mask(address=m.group(0)))

    def dates(self) -> None:
        text = self.text
        for m in _DATE_RX.finditer(text):
            if not self.sure(BIRTH_DATE, m.start(), BIRTH_WORDS):
                continue
            if m.group("y"):
                born = _birth_date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
            else:
                era = _ERA_LETTER.get(m.group("era"), m.group("era"))
                era_year = 1 if m.group("ey") == "元" else int(m.group("ey"))
                if not 1 <= era_year <= _ERA_YEARS[era]:
                    continue
                born = _birth_date(_ERA_START[era] + era_year - 1, int(m.group("em")), int(m.group("ed")))
            if born is not None:
                conf = 0.9 if self.hint == BIRTH_DATE else 0.85
                self.add(BIRTH_DATE, m.start(), m.end(), conf, masking.birth_date_mask(year=born.year))

    def passports(self) -> None:
        for m in _PASSPORT_RX.finditer(self.text):
            if self.sure(PASSPORT_NUMBER, m.start(), PASSPORT_WORDS):
                conf = 0.9 if self.hint == PASSPORT_NUMBER else 0.8
                self.add(PASSPORT_NUMBER, m.start(), m.end(), conf, masking.passport_mask(value=m.group(0)))


def text_scan(*, text: str, hint: str | None = None, normalised: bool = False) -> list[Detection]:
    """Return the identifiers in ``text``, validated and masked, in order of position.

    ``hint`` is the type named by the column the text came from (see ``header_hint``): it raises the confidence of
    that type and lets the context-led types be found without a keyword. Offsets refer to ``text`` as given: the
    normalisation maps one character to one character.
    """
    if not normalised:
        text = text_normalise(text=text)
    scan = _Scan(text, hint)
    worth = _CHAIN_WORTH_RX.search
    ibans = [m.span() for m in _IBAN_RX.finditer(text)] if _IBAN_HINT_RX.search(text) else []
    for m in _CHAIN_RX.finditer(text):
        start, end = m.span()
        if ibans and any(s <= start < e for s, e in ibans):
            continue
        # The shortest identifier (a postal code or an account) has seven digits; dates and times stop here.
        if end - start >= 7 and worth(text, start, end):
            scan.chain(start, end)
    if "(" in text:
        scan.paren_phones()
    if "@" in text:
        scan.emails()
    lowered = text.lower()
    if hint == BIRTH_DATE or _BIRTH_WORD_RX.search(lowered):
        scan.dates()
    if hint == PASSPORT_NUMBER or _PASSPORT_WORD_RX.search(lowered):
        scan.passports()
    found = scan.found
    if len(found) > 1:
        found.sort(key=lambda d: d.start)
        # One span, one finding: a date of birth written as digits is not also a phone number.
        kept: list[Detection] = []
        for detection in found:
            if kept and detection.start < kept[-1].end:
                continue
            kept.append(detection)
        found = kept
    return found
