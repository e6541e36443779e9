"""The hand-over is the final dot: a message begun but not finished never reaches the relay (real aiosmtpd sink)."""

from __future__ import annotations

import smtplib
import time
from typing import Any

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


@pytest.fixture(params=["in_turn", "pipelining"])
def relay(request: pytest.FixtureRequest) -> SmtpSink:
    """A relay with and without PIPELINING: every promise holds either way."""
    name = "smtp_sink_pipelining" if request.param == "pipelining" else "smtp_sink"
    sink: SmtpSink = request.getfixturevalue(name)
    return sink


def _settle(sink: SmtpSink, count: int) -> None:
    deadline = time.monotonic() + 5
    while len(sink.messages) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)  # and nothing more arrives


def test_a_finished_message_arrives_once_with_its_dots(relay: SmtpSink) -> None:
    with smtplib.SMTP(relay.host, relay.port) as smtp:
        smtp_session.begin(smtp, _wire(1))
        smtp_session.finish(smtp)
        smtp_session.begin(smtp, _wire(2))  # the session goes on
        smtp_session.finish(smtp)
    _settle(relay, 2)
    assert [m["Message-ID"] for m in relay.messages] == ["<m1@example.jp>", "<m2@example.jp>"]
    assert relay.messages[0].get_content().startswith(".a line that starts with a dot")


def test_an_aborted_message_never_arrives(relay: SmtpSink) -> None:
    smtp = smtplib.SMTP(relay.host, relay.port)
    smtp_session.begin(smtp, _wire(1))
    smtp_session.abort(smtp)  # the worker will not hand it over: the relay drops the unfinished DATA
    with smtplib.SMTP(relay.host, relay.port) as again:
        smtp_session.begin(again, _wire(2))
        smtp_session.finish(again)
    _settle(relay, 1)
    assert [m["Message-ID"] for m in relay.messages] == ["<m2@example.jp>"]


def test_a_refused_recipient_is_known_before_the_hand_over_and_the_session_goes_on(relay: SmtpSink) -> None:
    relay.refuse.add("gone@example.jp")
    with smtplib.SMTP(relay.host, relay.port) as smtp:
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            smtp_session.begin(smtp, _wire(1, to="gone@example.jp"))
        assert refused.value.recipients["gone@example.jp"][0] == 550
        smtp_session.begin(smtp, _wire(2))
        smtp_session.finish(smtp)
    _settle(relay, 1)
    assert [m["Message-ID"] for m in relay.messages] == ["<m2@example.jp>"]


def test_dot_stuffing_doubles_leading_dots_and_ends_the_payload_with_a_line_break() -> None:
    assert dot_stuffed(b".a\r\nb\r\n..c") == b"..a\r\nb\r\n...c\r\n"
    assert dot_stuffed(b"x\r\n") == b"x\r\n"


class _Counting(smtplib.SMTP):
    """Count the writes of the SMTP conversation (each command, or group of commands, is one write)."""

    writes = 0

    def send(self, s: Any) -> None:
        self.writes += 1
        super().send(s)


@pytest.mark.parametrize(("fixture", "writes"), [("smtp_sink", 4), ("smtp_sink_pipelining", 2)])
def test_a_pipelining_relay_gets_the_envelope_in_one_write(
    request: pytest.FixtureRequest, fixture: str, writes: int
) -> None:
    sink: SmtpSink = request.getfixturevalue(fixture)
    with _Counting(sink.host, sink.port) as smtp:
        smtp.ehlo()
        before = smtp.writes
        smtp_session.begin(smtp, _wire(1))
        # In turn: MAIL, RCPT, DATA, the message. Pipelined: MAIL+RCPT+DATA, the message.
        assert smtp.writes - before == writes
        smtp_session.finish(smtp)
    _settle(sink, 1)
    assert [m["Message-ID"] for m in sink.messages] == ["<m1@example.jp>"]
    assert sink.envelopes == [("desk@example.jp", ["taro@example.jp"])]


def test_a_refused_sender_leaves_the_session_in_step(relay: SmtpSink) -> None:
    relay.refuse_senders.add("desk@example.jp")
    with smtplib.SMTP(relay.host, relay.port) as smtp:
        with pytest.raises(smtplib.SMTPSenderRefused) as refused:
            smtp_session.begin(smtp, _wire(1))
        assert refused.value.smtp_code == 550
        # Pipelined, the RCPT and DATA replies (refusals) were read before RSET: the next reply is the next one's.
        relay.refuse_senders.clear()
        smtp_session.begin(smtp, _wire(2))
        smtp_session.finish(smtp)
        assert smtp.noop()[0] == 250
    _settle(relay, 1)
    assert [m["Message-ID"] for m in relay.messages] == ["<m2@example.jp>"]


def test_one_refused_recipient_of_two_is_not_sent_to_and_the_other_is(relay: SmtpSink) -> None:
    relay.refuse.add("gone@example.jp")
    wire = Wire(from_email="desk@example.jp", recipients=["gone@example.jp", "taro@example.jp"], data=_wire(1).data)
    with smtplib.SMTP(relay.host, relay.port) as smtp:
        smtp_session.begin(smtp, wire)
        smtp_session.finish(smtp)
    _settle(relay, 1)
    assert relay.envelopes == [("desk@example.jp", ["taro@example.jp"])]


def test_a_line_break_in_an_envelope_address_cannot_add_a_command(relay: SmtpSink) -> None:
    wire = Wire(from_email="desk@example.jp", recipients=["taro@example.jp\r\nRCPT TO:<x@evil.example>"], data=b"x")
    with smtplib.SMTP(relay.host, relay.port) as smtp:
        smtp_session.begin(smtp, wire)
        smtp_session.finish(smtp)
    _settle(relay, 1)
    assert relay.envelopes == [("desk@example.jp", ["taro@example.jp"])]
