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
        ("6011111111111117", True),  # Discover 6011
        ("6445644564456445", True),  # Discover 644-649
        ("6221260000000001", False),  # UnionPay range, Luhn fails
        ("6250941006528599", True),  # UnionPay 62
        ("6011111111111117001", False),  # 19 digits, Luhn fails
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


# Issue 20: cards and identifiers as they really appear ------------------------------------------------------------
def _found(text: str) -> list[tuple[str, str]]:
    return [(d.type, text[d.start : d.end]) for d in text_scan(text=text)]


@pytest.mark.parametrize(
    ("text", "cards"),
    [
        ("4111-1111-1111-1111 5555 5555 5555 4444", ["4111-1111-1111-1111", "5555 5555 5555 4444"]),
        ("4111 1111 1111 1111 5555 5555 5555 4444", ["4111 1111 1111 1111", "5555 5555 5555 4444"]),
        ("1228 4111 1111 1111 1111", ["4111 1111 1111 1111"]),
        ("カード番号 0012 3530 1113 3330 0000", ["3530 1113 3330 0000"]),
    ],
)
def test_every_card_window_of_a_digit_run_is_tried(text: str, cards: list[str]) -> None:
    assert _found(text) == [(detectors.CREDIT_CARD, card) for card in cards]


def test_a_run_of_four_digit_groups_with_no_valid_window_stays_clean() -> None:
    assert _found("1234 5678 9012 3456 7890 1234") == []


@pytest.mark.parametrize("digits", ["6011111111111117", "6445644564456445", "6250941006528599"])
def test_discover_and_unionpay_are_found_after_the_card_word(digits: str) -> None:
    assert _found(f"カード番号：{digits}") == [(detectors.CREDIT_CARD, digits)]
    assert detectors.card_issuer(digits=digits) in ("discover", "unionpay")


@pytest.mark.parametrize(
    "text",
    [
        "IBAN DE89 3704 0044 0532 0130 00",
        "IBAN GB33 1234 5678 9018 4111 1111 1111 1111 12",
        "振込先 口座番号 1234-5678-9018",
        "mynumber=123456789018 振込先 口座番号 1234-5678-9018",
        "REF-1234-5678-9018",
        "id=ABC_123456789018",
    ],
)
def test_digit_runs_inside_an_iban_account_or_longer_identifier_are_not_my_numbers_or_cards(text: str) -> None:
    found = [kind for kind, value in _found(text) if value.replace("-", "").endswith("123456789018") is False]
    assert detectors.CREDIT_CARD not in [kind for kind, _ in _found(text)]
    assert (detectors.MY_NUMBER, "1234-5678-9018") not in _found(text)
    assert (detectors.MY_NUMBER, "1234 5678 9018") not in _found(text)
    assert found == [] or found == [detectors.MY_NUMBER]  # only the labelled "mynumber=" one may be reported


@pytest.mark.parametrize(
    "address",
    [
        "taro@xn--eckwd4c7c.xn--zckzah",
        "user@例え.jp",
        "info@xn--r8jz45g.jp",
        "a.b@example.xn--p1ai",
        "x@例え.テスト.jp",
    ],
)
def test_idn_and_punycode_email_domains_are_found(address: str) -> None:
    assert _found(f"連絡先 {address} まで") == [(detectors.EMAIL, address)]
