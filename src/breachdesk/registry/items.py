"""Name the leaked data items (the contract in data-items.md), map file headers to them, and pack them as bits.

A person's items are stored as one integer bit mask so that counting people per item over millions of rows is one
scan. The bit of each key is fixed forever: append new keys at the end, never reorder or reuse a bit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class DataItem:
    key: str
    label_ja: str
    label: object  # lazy English label, translated to Japanese through the .po
    synonyms: tuple[str, ...]


# (key, 日本語, English, header synonyms). The order is the bit order: append only.
_ITEMS: list[tuple[str, str, object, tuple[str, ...]]] = [
    ("name", "氏名", _("Name"), ("氏名", "名前", "お名前", "会員名", "name", "full_name")),
    ("name_kana", "氏名（カナ）", _("Name (kana)"), ("フリガナ", "ふりがな", "カナ", "氏名カナ", "name_kana")),
    ("email", "メールアドレス", _("Email address"), ("メール", "メールアドレス", "e-mail", "email", "mail")),
    ("phone", "電話番号", _("Phone number"), ("電話", "電話番号", "携帯", "TEL", "phone", "tel")),
    ("address", "住所", _("Address"), ("住所", "所在地", "address")),
    ("postal_code", "郵便番号", _("Postal code"), ("郵便番号", "〒", "zip", "postal_code")),
    ("birth_date", "生年月日", _("Date of birth"), ("生年月日", "誕生日", "birthday", "birth_date", "dob")),
    ("gender", "性別", _("Gender"), ("性別", "gender", "sex")),
    (
        "member_id",
        "会員ID",
        _("Member ID"),
        ("会員ID", "会員番号", "顧客ID", "customer_id", "member_id", "user_id"),
    ),
    ("login_id", "ログインID", _("Login ID"), ("ログインID", "ユーザー名", "login", "username", "login_id")),
    ("password", "パスワード", _("Password"), ("パスワード", "password", "pass")),
    (
        "card_number",
        "クレジットカード番号",
        _("Credit card number"),
        ("カード番号", "クレジットカード番号", "card_number", "cc"),
    ),
    ("card_expiry", "カード有効期限", _("Card expiry date"), ("有効期限", "expiry", "exp", "card_expiry")),
    (
        "card_security_code",
        "セキュリティコード",
        _("Card security code"),
        ("セキュリティコード", "CVV", "CVC", "card_security_code"),
    ),
    ("card_last4", "カード番号下4桁", _("Last four card digits"), ("下4桁", "last4", "card_last4")),
    ("bank_account", "銀行口座", _("Bank account"), ("口座番号", "銀行口座", "account_number", "bank_account")),
    ("order_history", "注文・購入履歴", _("Order history"), ("注文履歴", "購入履歴", "order_history", "purchases")),
    ("health_checkup", "健康診断結果", _("Health check-up results"), ("健康診断", "health_checkup")),
    (
        "medical_history",
        "病歴・診療情報",
        _("Medical history"),
        ("病歴", "診療情報", "カルテ", "medical", "medical_history"),
    ),
    ("disability", "障害の有無", _("Disability"), ("障害", "disability")),
    ("criminal_record", "犯罪歴", _("Criminal record"), ("犯罪歴", "前科", "criminal_record")),
    ("crime_victim", "犯罪被害の事実", _("Having been a crime victim"), ("犯罪被害", "crime_victim")),
    ("race", "人種", _("Race"), ("人種", "race")),
    ("creed", "信条", _("Creed"), ("信条", "宗教", "religion", "creed")),
    ("social_status", "社会的身分", _("Social status"), ("社会的身分", "本籍", "social_status")),
    ("my_number", "個人番号（マイナンバー）", _("My Number"), ("マイナンバー", "個人番号", "my_number")),
    (
        "passport_number",
        "旅券番号",
        _("Passport number"),
        ("パスポート番号", "旅券番号", "passport", "passport_number"),
    ),
    ("drivers_license", "運転免許証番号", _("Driver's licence number"), ("免許証番号", "license", "drivers_license")),
    ("income", "収入・資産", _("Income and assets"), ("年収", "収入", "資産", "income")),
    (
        "inquiry_contents",
        "問い合わせ内容・メール本文",
        _("Inquiry contents"),
        ("問い合わせ内容", "本文", "message", "inquiry_contents"),
    ),
]

ITEMS: dict[str, DataItem] = {key: DataItem(key, ja, en, syn) for key, ja, en, syn in _ITEMS}
ITEM_KEYS: tuple[str, ...] = tuple(ITEMS)
BITS: dict[str, int] = {key: 1 << position for position, key in enumerate(ITEM_KEYS)}

# A column that lists the leaked items of its row ("name,email"), and a marker for columns to skip.
ITEMS_COLUMN = "items"
ITEMS_COLUMN_SYNONYMS = ("items", "漏えい項目", "漏洩項目", "leaked_items")
IGNORE = "-"


def normalize_header(text: str) -> str:
    """Return a header as compared with synonyms: NFKC, case-folded, without spaces, underscores kept."""
    text = unicodedata.normalize("NFKC", text).strip().lstrip("\ufeff")
    return re.sub(r"\s+", "", text).casefold()


SYNONYMS: dict[str, str] = {}
for _item in ITEMS.values():
    for _synonym in (*_item.synonyms, _item.key, _item.label_ja):
        SYNONYMS.setdefault(normalize_header(_synonym), _item.key)
for _synonym in ITEMS_COLUMN_SYNONYMS:
    SYNONYMS[normalize_header(_synonym)] = ITEMS_COLUMN


def key_for_header(header: str) -> str | None:
    """Return the item key a header names, or ``None`` when no synonym matches."""
    return SYNONYMS.get(normalize_header(header))


def mask_of(keys: Iterable[str]) -> int:
    """Return the bit mask of item keys; raise ``KeyError`` on an unknown key."""
    mask = 0
    for key in keys:
        mask |= BITS[key]
    return mask


def keys_of(mask: int) -> list[str]:
    """Return the item keys set in ``mask``, in vocabulary order."""
    return [key for key in ITEM_KEYS if mask & BITS[key]]


def parse_item_list(text: str) -> list[str]:
    """Return the keys in a comma-separated list (ASCII or Japanese commas); raise ``ValueError`` on unknown ones."""
    parts = [p.strip() for p in re.split(r"[,、，;\s]+", unicodedata.normalize("NFKC", text)) if p.strip()]
    keys: list[str] = []
    for part in parts:
        key = part if part in ITEMS else key_for_header(part)
        if key is None or key == ITEMS_COLUMN:
            raise ValueError(part)
        if key not in keys:
            keys.append(key)
    return keys


def label(key: str) -> str:
    """Return the display label of an item key (Japanese label when the active language is Japanese)."""
    from django.utils import translation

    item = ITEMS[key]
    if (translation.get_language() or "").startswith("ja"):
        return item.label_ja
    return str(item.label)
