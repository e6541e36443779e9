"""Test the detectors: validation, context, normalisation and masking."""

from __future__ import annotations

import pytest

from breachdesk.scanner import detectors, masking
from breachdesk.scanner.detectors import text_scan


def _types(text: str, hint: str | None = None) -> list[str]:
    return [found.type for found in text_scan(text=text, hint=hint)]


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("4111111111111111", True),
        ("4111111111111112", False),
        ("5555555555554444", True),
        ("2223003122003222", True),
        ("3530111333300000", True),
        ("378282246310005", True),
        ("30569309025904", True),
        ("6011111111111117", False),  # Discover: Luhn-valid, but no issuer range of ours
        ("4111111111111", False),  # 13 digits, Luhn fails
        ("41111111111111111", False),  # Visa is never 17 digits long
    ],
)
def test_it_validates_card_numbers_by_issuer_length_and_luhn(digits: str, valid: bool) -> None:
    assert detectors.card_number_valid(digits=digits) is valid


def test_it_computes_the_my_number_check_digit() -> None:
    assert detectors.my_number_valid(digits="123456789018")
    assert not detectors.my_number_valid(digits="123456789017")
    assert not detectors.my_number_valid(digits="000000000000")
    assert not detectors.my_number_valid(digits="12345678901")


@pytest.mark.parametrize(
    ("digits", "valid"),
    [
        ("09012345678", True),
        ("05012345678", True),
        ("0312345678", True),
        ("0451234567", True),
        ("0120123456", False),  # free dial belongs to a business
        ("0901234567", False),  # a mobile prefix needs eleven digits
        ("0012345678", False),
        ("1763700000", False),
        ("09002345678", False),
    ],
)
def test_it_requires_a_plausible_phone_prefix(digits: str, valid: bool) -> None:
    assert detectors.phone_valid(digits=digits) is valid


@pytest.mark.parametrize(
    "text",
    [
        "card 4111-1111-1111-1111",
        "card 4111 1111 1111 1111 12/28 123",
        "４１１１１１１１１１１１１１１１",
        "amex 3782-822463-10005",
    ],
)
def test_it_finds_card_numbers_in_the_usual_spacings(text: str) -> None:
    assert _types(text) == [detectors.CREDIT_CARD]


@pytest.mark.parametrize(
    "text",
    [
        "card 4111111111111112",  # Luhn fails
        "id 41111111111111110",  # part of a longer run
        "key 4111-1111-1111-1111-1111",  # a fifth group: a licence key, not a card
        "trace=20261121143055123",
        "epoch_ms=1763700000000",
        "order_id=4111111111111111",  # a valid-looking number under an order label is an order number
        "sha=a4111111111111111b",
        "client 192.168.10.20 version=v5.2.12",
    ],
)
def test_it_rejects_near_misses(text: str) -> None:
    assert _types(text) == []


def test_it_finds_my_numbers_and_raises_confidence_with_context() -> None:
    bare = text_scan(text="value 123456789018")
    labelled = text_scan(text="マイナンバー: 1234 5678 9018")
    assert [f.type for f in bare] == [detectors.MY_NUMBER]
    assert labelled[0].confidence > bare[0].confidence
    assert _types("個人番号 123456789017") == []


@pytest.mark.parametrize(
    "text",
    ["tel 090-1234-5678", "09012345678", "03-1234-5678", "+81 90 1234 5678", "+81-3-1234-5678", "(03)1234-5678",
     "０９０ー１２３４ー５６７８"],
)  # fmt: skip
def test_it_finds_japanese_phone_numbers(text: str) -> None:
    assert _types(text) == [detectors.PHONE]


def test_it_finds_emails_but_not_image_names() -> None:
    assert _types("mail: ya.mada@example.co.jp.") == [detectors.EMAIL]
    assert _types("icon@2x.png user@localhost") == []


def test_it_needs_context_for_the_context_led_types() -> None:
    assert _types("1000001 1985/04/01 TK1234567") == []
    assert _types("〒100-0001") == [detectors.POSTAL_CODE]
    assert _types("郵便番号 100-0001") == [detectors.POSTAL_CODE]
    assert _types("生年月日 昭和60年4月1日") == [detectors.BIRTH_DATE]
    assert _types("dob=1985-04-01") == [detectors.BIRTH_DATE]
    assert _types("普通 口座番号 1234567") == [detectors.BANK_ACCOUNT]
    assert _types("passport TK1234567") == [detectors.PASSPORT_NUMBER]


def test_it_rejects_impossible_birth_dates() -> None:
    assert _types("生年月日 1985/02/30") == []
    assert _types("生年月日 昭和65年1月1日") == []


def test_a_column_hint_finds_bare_values_and_raises_confidence() -> None:
    assert _types("1985-04-01", hint=detectors.BIRTH_DATE) == [detectors.BIRTH_DATE]
    assert _types("1234567", hint=detectors.BANK_ACCOUNT) == [detectors.BANK_ACCOUNT]
    hinted = text_scan(text="4111111111111111", hint=detectors.CREDIT_CARD)
    assert hinted[0].confidence > text_scan(text="4111111111111111")[0].confidence


@pytest.mark.parametrize(
    ("header", "kind"),
    [("カード番号", detectors.CREDIT_CARD), ("customer_email", detectors.EMAIL), ("自宅電話番号", detectors.PHONE),
     ("生年月日", detectors.BIRTH_DATE), ("注文番号", detectors.OTHER_ID), ("account_id", None), ("氏名", None)],
)  # fmt: skip
def test_it_maps_header_names_to_types(header: str, kind: str | None) -> None:
    assert detectors.header_hint(name=header) == kind


def test_it_reports_offsets_in_the_original_text() -> None:
    text = "電話：０９０－１２３４－５６７８"
    found = text_scan(text=text)
    assert found[0].start == 3
    assert found[0].end == len(text)


def test_it_masks_every_type() -> None:
    assert masking.card_mask(digits="4111111111111234") == "4***********1234"
    assert masking.email_mask(address="yamada@example.jp") == "ya***@example.jp"
    assert masking.phone_mask(digits="09012345678", first_group="090") == "090-****-5678"
    assert masking.my_number_mask(digits="123456789018") == "********9018"
    found = text_scan(text="card 4111 1111 1111 1111 mail yamada@example.jp")
    assert all("1111 1111" not in f.masked and "yamada" not in f.masked for f in found)
