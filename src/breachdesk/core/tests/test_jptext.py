from __future__ import annotations

import pytest

from breachdesk.core import jptext


def test_nfkc_turns_full_width_ascii_into_ascii() -> None:
    assert jptext.nfkc("ＡＢＣ１２３") == "ABC123"


def test_half_width_kana_becomes_full_width_and_ascii_stays() -> None:
    assert jptext.to_fullwidth_kana("ﾔﾏﾀﾞ ABC 123") == "ヤマダ ABC 123"


def test_whitespace_including_ideographic_and_zero_width_collapses() -> None:
    assert jptext.normalize_whitespace("山田\u3000\u200b 太郎\n") == "山田 太郎"


def test_dashes_become_hyphens_but_the_long_vowel_mark_in_words_stays() -> None:
    assert jptext.normalize_dashes("090ー1234−5678") == "090-1234-5678"
    assert jptext.normalize_dashes("メールアドレス―データ") == "メールアドレス-データ"
    assert jptext.normalize_dashes("コーヒー") == "コーヒー"


def test_invisible_bidi_controls_are_removed() -> None:
    assert jptext.strip_invisible("abc\u202edef") == "abcdef"


@pytest.mark.parametrize(
    ("raw", "e164"),
    [
        ("090-1234-5678", "+819012345678"),
        ("03-1234-5678", "+81312345678"),
        ("＋８１ ９０ １２３４ ５６７８", "+819012345678"),
        ("+81 (0)90-1234-5678", "+819012345678"),
        ("0081-3-1234-5678", "+81312345678"),
        ("(03) 1234-5678", "+81312345678"),
    ],
)
def test_phone_numbers_become_e164(raw: str, e164: str) -> None:
    assert jptext.normalize_phone(raw) == e164


@pytest.mark.parametrize("raw", ["12345", "090-1234-567a", "", "9012345678"])
def test_implausible_phone_numbers_are_refused(raw: str) -> None:
    with pytest.raises(jptext.PhoneNumberError):
        jptext.normalize_phone(raw)


def test_names_lose_spaces_and_kana_script_differences() -> None:
    assert jptext.normalize_name("やまだ　たろう") == jptext.normalize_name("ヤマダタロウ")
    assert jptext.normalize_name("Yamada Taro") == "yamadataro"
