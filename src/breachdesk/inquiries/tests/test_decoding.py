"""Decoding of Japanese mail as real clients send it (issue 20); the wide corpus is in test_mail_corpus.py."""

from __future__ import annotations

import pytest

from breachdesk.core import jpcharset
from breachdesk.inquiries.intake import decoding, mime
from breachdesk.inquiries.intake.imap import receive_raw
from breachdesk.inquiries.models import Attachment, Channel
from breachdesk.testing.fixtures import World

NEC_IBM = "①②㈱№Ⅲⅰ髙﨑"


def _b(text: str) -> str:
    import base64

    return base64.b64encode(jpcharset.iso2022jp_encode(text)).decode()


def test_cp50220_round_trip_keeps_nec_and_ibm_extensions_and_makes_half_width_kana_full() -> None:
    encoded = jpcharset.iso2022jp_encode(f"{NEC_IBM} ｶﾅ")
    assert encoded.isascii()
    assert jpcharset.iso2022jp_decode(encoded) == (f"{NEC_IBM} カナ", True)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"\x1b(I6@6E\x1b(B", "ｶﾀｶﾅ"),  # CP50221: ESC ( I
        (b"\x0e6@6E\x0f", "ｶﾀｶﾅ"),  # CP50222: SO/SI
        (b'\x1b$B$"\x1b$(D"q\x1b(B', "あ№"),  # JIS X 0212
        (b'\x1b$B$"\nabc', "あ\nabc"),  # no ESC ( B before the line end
        (b'\x1b$Z\x1b$B$"\x1b(B', "あ"),  # an unknown escape is dropped, not shown
    ],
)
def test_every_iso_2022_jp_variant_decodes_without_escape_sequences(raw: bytes, expected: str) -> None:
    text, _clean = jpcharset.iso2022jp_decode(raw)
    assert text == expected
    assert "\x1b" not in text


@pytest.mark.parametrize("charset", ["cp932", "euc_jp", "utf-8"])
@pytest.mark.parametrize("text", ["山田太郎", "お問い合わせの件", "個人情報の漏えいについて", "ｶﾌﾞｼｷｶﾞｲｼｬ"])
def test_unlabelled_bytes_are_read_by_validity_and_score(text: str, charset: str) -> None:
    try:
        data = text.encode(charset)
    except UnicodeEncodeError:
        pytest.skip("not encodable")
    if charset == "euc_jp" and "ｶ" in text:
        pytest.skip("EUC-JP half-width kana are genuinely ambiguous with CP932 kanji")
    assert jpcharset.bytes_guess(data)[0] == text


def test_subject_name_body_and_file_name_in_iso_2022_jp_with_extensions() -> None:
    raw = (
        (
            f"From: =?ISO-2022-JP?B?{_b('髙橋 ①')}?= <takahashi@example.jp>\r\n"
            f"Subject: =?ISO-2022-JP?B?{_b('㈱テストの件①')}?=\r\nMIME-Version: 1.0\r\n"
            'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
            "Content-Type: text/plain; charset=ISO-2022-JP\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
        ).encode()
        + jpcharset.iso2022jp_encode("髙橋です。①の件")
        + (
            "\r\n--b\r\nContent-Type: application/pdf\r\n"
            f'Content-Disposition: attachment; filename="=?ISO-2022-JP?B?{_b("請求書㈱.pdf")}?="\r\n'
            "Content-Transfer-Encoding: base64\r\n\r\nJVBERg==\r\n--b--\r\n"
        ).encode()
    )
    parsed = mime.parse(raw)
    assert parsed.subject == "㈱テストの件①"
    assert (parsed.from_name, parsed.from_address) == ("髙橋 ①", "takahashi@example.jp")
    assert parsed.text.strip() == "髙橋です。①の件"
    assert [a.filename for a in parsed.attachments] == ["請求書㈱.pdf"]
    assert parsed.problems == []


@pytest.mark.parametrize("charset", ["utf-8", "cp932"])
def test_raw_8bit_headers_are_decoded_not_replaced(charset: str) -> None:
    raw = (
        "From: 山田 太郎 <taro@example.jp>\r\nSubject: 退会希望\r\nContent-Type: text/plain; charset=utf-8\r\n"
        "\r\nbody\r\n"
    ).encode(charset)
    parsed = mime.parse(raw)
    assert (parsed.subject, parsed.from_name, parsed.from_address) == ("退会希望", "山田 太郎", "taro@example.jp")
    assert ("charset" in parsed.problems) is (charset != "utf-8")  # RFC 6532 allows raw UTF-8 only


def test_raw_iso_2022_jp_from_name_keeps_the_address() -> None:
    raw = b"From: " + jpcharset.iso2022jp_encode("山田") + b" <yamada@example.jp>\r\nSubject: x\r\n\r\nb"
    parsed = mime.parse(raw)
    assert (parsed.from_name, parsed.from_address) == ("山田", "yamada@example.jp")


def test_a_name_without_angle_brackets_keeps_the_address_and_reply_to_never_hides_from() -> None:
    raw = "From: 山田 太郎 taro@example.jp\r\nReply-To: <<<broken\r\nSubject: x\r\n\r\nb".encode()
    parsed = mime.parse(raw)
    assert (parsed.from_name, parsed.from_address) == ("山田 太郎", "taro@example.jp")


def test_plain_ascii_mail_without_a_charset_is_not_flagged() -> None:
    parsed = mime.parse(b"From: a@example.jp\r\nSubject: hello\r\n\r\nplain ascii\r\n")
    assert parsed.problems == []


def test_rfc2231_in_shift_jis_and_outlook_encoded_words_in_quotes() -> None:
    value = "添付①.xlsx".encode("cp932")
    pct = "".join(f"%{b:02X}" for b in value)
    assert decoding.parameter_decode(f"attachment; filename*=shift_jis''{pct}".encode(), "filename")[0] == (
        "添付①.xlsx"
    )
    split = b'attachment; filename="=?utf-8?B?5re75LuY?=\r\n =?utf-8?B?4pGgLnhsc3g=?="'
    assert decoding.parameter_decode(split, "filename")[0] == "添付①.xlsx"


def test_a_forwarded_mail_is_kept_as_eml_with_its_own_subject_sender_and_text(world: World) -> None:
    inner = (
        "From: =?UTF-8?B?44Ki44Oe44K+44Oz?= <no-reply@amaz0n.example>\r\n"
        "Subject: =?UTF-8?B?44Ki44Kr44Km44Oz44OI56K66KqN?=\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        "アカウントを確認してください\r\n"
    ).encode()
    raw = (
        b"From: a@example.jp\r\nSubject: Fw: phishing?\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        b"--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        + "これは御社からですか？".encode()
        + b"\r\n--b\r\nContent-Type: message/rfc822\r\n\r\n"
        + inner
        + b"\r\n--b--\r\n"
    )
    parsed = mime.parse(raw)
    assert "アカウント" not in parsed.text
    assert "これは御社からですか" in parsed.text
    (attachment,) = parsed.attachments
    assert attachment.filename == "アカウント確認.eml"
    assert attachment.mail is not None
    assert (attachment.mail.from_name, attachment.mail.from_address) == ("アマゾン", "no-reply@amaz0n.example")
    assert "アカウントを確認" in attachment.mail.text
    result = receive_raw(incident=world.incident, raw=raw, channel=Channel.EMAIL, actor="t")
    stored = Attachment.objects.get(message__inquiry=result.inquiry)
    summary = stored.attached_mail()
    assert summary is not None
    assert summary["subject"] == "アカウント確認"
    assert stored.filename == "アカウント確認.eml"
