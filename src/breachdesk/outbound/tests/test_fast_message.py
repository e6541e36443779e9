"""The campaign's fast message writer makes the message the email package makes: parsed, the two are the same."""

from __future__ import annotations

import email
import email.policy
import itertools
from typing import Any

import pytest
from django.core.mail.message import sanitize_address

from breachdesk.outbound.mailformat import (
    ISO2022JP,
    JapaneseEmailMultiAlternatives,
    fast_message_bytes,
    plain_address,
)

SUBJECTS = [
    "Notice",
    "個人情報漏えいに関するお知らせ",
    "【重要】" + "お客様の個人情報の漏えいに関するお詫びとお知らせ（第2報）" * 3,
    ("A very long ASCII subject " * 6).strip(),
    "two  spaces\tand a tab",
    "絵文字つき 📮 のお知らせ",
    "=?UTF-8?B?not-really?= and text",
]
SENDERS = ["desk@example.jp", "お問い合わせ窓口 <desk@example.jp>", "Breach Desk <desk@example.jp>"]
RECIPIENTS = [["taro@example.jp"], ["山田 太郎 <yamada.taro@example.jp>"], ["a@example.jp", "b+tag@example.co.jp"]]
BODIES = [
    "山田 太郎 様\n漏えいした情報：氏名、メールアドレス\n",
    "",
    ".a line that starts with a dot\r\n..and two\r\nend without newline",
    "長い行" * 200 + "\n" + "🙇 お詫び申し上げます。",
]
HTMLS = [None, "<p>山田 太郎 様</p><p>.dot</p>"]


def _message(subject: str, sender: str, to: list[str], body: str, html: str | None, **kwargs: Any) -> Any:
    message = JapaneseEmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=sender,
        to=to,
        headers={"Message-ID": "<c1.d2.abcdef@example.jp>"},
        **kwargs,
    )
    if html is not None:
        message.attach_alternative(html, "text/html")
    return message


def _parsed(data: bytes) -> dict[str, Any]:
    parsed = email.message_from_bytes(data, policy=email.policy.default)
    parts = list(parsed.iter_parts()) if parsed.is_multipart() else [parsed]
    return {
        "headers": {h: str(parsed[h]) for h in ("Subject", "From", "To", "Message-ID", "MIME-Version")},
        "date": parsed["Date"] is not None,
        "type": parsed.get_content_type(),
        "parts": [
            (
                part.get_content_type(),
                part.get_content_charset(),
                part["Content-Transfer-Encoding"],
                part.get_content(),
            )
            for part in parts
        ],
        "defects": [repr(d) for part in parsed.walk() for d in part.defects],
        "longest_line": max(len(line) for line in data.split(b"\r\n")),
    }


@pytest.mark.parametrize(
    ("subject", "sender", "to", "body", "html"),
    list(itertools.product(SUBJECTS, SENDERS, RECIPIENTS[:2], BODIES[:2], HTMLS))
    + [(SUBJECTS[1], SENDERS[1], RECIPIENTS[2], body, html) for body in BODIES for html in HTMLS],
)
def test_the_fast_writer_makes_the_same_message(
    subject: str, sender: str, to: list[str], body: str, html: str | None
) -> None:
    message = _message(subject, sender, to, body, html)
    fast = fast_message_bytes(message)
    assert fast is not None
    slow = message.message().as_bytes(linesep="\r\n")
    expected, got = _parsed(slow), _parsed(fast)
    assert got["defects"] == []
    assert got["longest_line"] <= max(78, expected["longest_line"])
    del expected["longest_line"], got["longest_line"]
    assert got == expected
    assert b"\n" not in fast.replace(b"\r\n", b"")  # every line ends in CRLF


def test_what_the_fast_writer_does_not_write_goes_to_the_email_package() -> None:
    def message(**kwargs: Any) -> Any:
        return _message("件名", "desk@example.jp", ["taro@example.jp"], "本文", None, **kwargs)

    assert fast_message_bytes(message()) is not None
    assert fast_message_bytes(message(mail_charset=ISO2022JP)) is None
    assert fast_message_bytes(message(cc=["c@example.jp"])) is None
    assert fast_message_bytes(message(reply_to=["r@example.jp"])) is None
    with_file = message()
    with_file.attach("letter.pdf", b"%PDF-1.4", "application/pdf")
    assert fast_message_bytes(with_file) is None
    header = message()
    header.extra_headers["X-Other"] = "1"
    assert fast_message_bytes(header) is None
    assert fast_message_bytes(_message("edge ", "d@example.jp", ["t@example.jp"], "本文", None)) is None
    assert fast_message_bytes(_message("件名", "desk@例え.jp", ["taro@example.jp"], "本文", None)) is None
    assert fast_message_bytes(_message("件名", "desk@example.jp", ["山田 <taro@例え.jp>"], "本文", None)) is None
    assert fast_message_bytes(_message("a\x0bb c", "desk@example.jp", ["taro@example.jp"], "本文", None)) is None
    injected = _message("件名\nBcc: x@example.jp", "desk@example.jp", ["taro@example.jp"], "本文", None)
    assert fast_message_bytes(injected) is None  # the email package refuses it, as before


@pytest.mark.parametrize(
    "address", ["taro@example.jp", "b+tag@example.co.jp", "o'neil@example.com", "x.y-z@sub.example.jp"]
)
def test_a_plain_address_is_what_django_writes_into_the_envelope(address: str) -> None:
    assert plain_address(address)
    assert sanitize_address(address, "utf-8") == address


@pytest.mark.parametrize(
    "address", ["山田 <taro@example.jp>", "taro@例え.jp", "タロウ@example.jp", "a b@example.jp", "taro@", "@x.jp"]
)
def test_anything_else_is_left_to_django(address: str) -> None:
    assert not plain_address(address)
