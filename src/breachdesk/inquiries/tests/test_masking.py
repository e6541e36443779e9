"""Mask the people in an inquiry's text for a reviewer: found identifiers, known names and member IDs."""

from __future__ import annotations

from breachdesk.inquiries.masking import text_masked


def test_it_masks_addresses_phones_known_names_and_member_ids() -> None:
    text = "山田 太郎です（山田太郎）。会員番号M-12345、電話０９０ー１２３４ー５６７８、taro@example.jp まで。"
    masked = text_masked(text, names=["山田 太郎"], member_ids=["M-12345"])
    for plain in ("山田 太郎", "山田太郎", "M-12345", "５６７８ー", "taro@example.jp", "１２３４"):
        assert plain not in masked, plain
    assert "山田 *郎" in masked
    assert "ta***@example.jp" in masked
    assert "まで。" in masked  # the rest of the text stays readable


def test_it_keeps_text_without_people_as_it_is() -> None:
    text = "退会の手続きを教えてください。"
    assert text_masked(text, names=["", "  "], member_ids=[""]) == text
    assert text_masked("") == ""
