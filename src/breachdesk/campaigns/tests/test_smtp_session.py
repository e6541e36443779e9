"""The hand-over is the final dot: a message begun but not finished never reaches the relay (real aiosmtpd sink)."""

from __future__ import annotations

import smtplib
import time

import pytest

from breachdesk.campaigns.transports import smtp_session
from breachdesk.campaigns.transports.smtp_session import Wire, dot_stuffed
from breachdesk.testing.smtp import SmtpSink

pytestmark = pytest.mark.smtp


def _wire(n: int, to: str = "taro@example.jp") -> Wire:
    data = (
        f"Message-ID: <m{n}@example.jp>\r\nSubject: n{n}\r\nFrom: desk@example.jp\r\nTo: {to}\r\n\r\n"
        ".a line that starts with a dot\r\nbody\r\n"
    ).encode()
    return Wire(from_email="desk@example.jp", recipients=[to], data=data)


def _settle(sink: SmtpSink, count: int) -> None:
    deadline = time.monotonic() + 5
    while len(sink.messages) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)  # and nothing more arrives


def test_a_finished_message_arrives_once_with_its_dots(smtp_sink: SmtpSink) -> None:
    with smtplib.SMTP(smtp_sink.host, smtp_sink.port) as smtp:
        smtp_session.begin(smtp, _wire(1))
        smtp_session.finish(smtp)
        smtp_session.begin(smtp, _wire(2))  # the session goes on
        smtp_session.finish(smtp)
    _settle(smtp_sink, 2)
    assert [m["Message-ID"] for m in smtp_sink.messages] == ["<m1@example.jp>", "<m2@example.jp>"]
    assert smtp_sink.messages[0].get_content().startswith(".a line that starts with a dot")


def test_an_aborted_message_never_arrives(smtp_sink: SmtpSink) -> None:
    smtp = smtplib.SMTP(smtp_sink.host, smtp_sink.port)
    smtp_session.begin(smtp, _wire(1))
    smtp_session.abort(smtp)  # the worker will not hand it over: the relay drops the unfinished DATA
    with smtplib.SMTP(smtp_sink.host, smtp_sink.port) as again:
        smtp_session.begin(again, _wire(2))
        smtp_session.finish(again)
    _settle(smtp_sink, 1)
    assert [m["Message-ID"] for m in smtp_sink.messages] == ["<m2@example.jp>"]


def test_a_refused_recipient_is_known_before_the_hand_over_and_the_session_goes_on(smtp_sink: SmtpSink) -> None:
    smtp_sink.refuse.add("gone@example.jp")
    with smtplib.SMTP(smtp_sink.host, smtp_sink.port) as smtp:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            smtp_session.begin(smtp, _wire(1, to="gone@example.jp"))
        assert refused.value.recipients["gone@example.jp"][0] == 550
        smtp_session.begin(smtp, _wire(2))
        smtp_session.finish(smtp)
    _settle(smtp_sink, 1)
    assert [m["Message-ID"] for m in smtp_sink.messages] == ["<m2@example.jp>"]


def test_dot_stuffing_doubles_leading_dots_and_ends_the_payload_with_a_line_break() -> None:
    assert dot_stuffed(b".a\r\nb\r\n..c") == b"..a\r\nb\r\n...c\r\n"
    assert dot_stuffed(b"x\r\n") == b"x\r\n"
