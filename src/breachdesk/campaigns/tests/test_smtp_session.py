"""The hand-over is the final dot: a message begun but not finished never reaches the relay, and what goes on the
wire is what ``smtplib.sendmail`` would write (real aiosmtpd sink, with and without PIPELINING)."""

from __future__ import annotations

import time

import pytest

from breachdesk.campaigns.transports.base import Outcome, OutcomeKind
from breachdesk.campaigns.transports.relay_connection import RelayConnection, RelaySettings
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


def _connect(sink: SmtpSink, kind: type[RelayConnection] = RelayConnection) -> RelayConnection:
    return kind(RelaySettings(host=sink.host, port=sink.port, local_hostname="worker.example.jp", timeout=5))


def _send(connection: RelayConnection, wire: Wire) -> Outcome:
    return connection.finish(connection.begin(wire)).result()


def _settle(sink: SmtpSink, count: int) -> None:
    deadline = time.monotonic() + 5
    while len(sink.messages) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.05)  # and nothing more arrives


def test_a_finished_message_arrives_once_with_its_dots(relay: SmtpSink) -> None:
    connection = _connect(relay)
    try:
        assert _send(connection, _wire(1)).kind == OutcomeKind.SENT
        assert _send(connection, _wire(2)).kind == OutcomeKind.SENT  # the session goes on
    finally:
        connection.close()
    _settle(relay, 2)
    assert [m["Message-ID"] for m in relay.messages] == ["<m1@example.jp>", "<m2@example.jp>"]
    assert relay.messages[0].get_content().startswith(".a line that starts with a dot")


def test_an_aborted_message_never_arrives(relay: SmtpSink) -> None:
    connection = _connect(relay)
    try:
        assert connection.begin(_wire(1)).result() is None
        connection.abort()  # the worker will not hand it over: the relay drops the unfinished DATA
        assert _send(connection, _wire(2)).kind == OutcomeKind.SENT  # on a fresh session
    finally:
        connection.close()
    _settle(relay, 1)
    assert [m["Message-ID"] for m in relay.messages] == ["<m2@example.jp>"]


def test_a_refused_recipient_is_known_before_the_hand_over_and_the_session_goes_on(relay: SmtpSink) -> None:
    relay.refuse.add("gone@example.jp")
    connection = _connect(relay)
    try:
        begun = connection.begin(_wire(1, to="gone@example.jp"))
        refused = begun.result()
        assert refused is not None
        assert (refused.kind, refused.code) == (OutcomeKind.PERMANENT, "smtp.550")
        session = connection.sock
        assert _send(connection, _wire(2)).kind == OutcomeKind.SENT
        assert connection.sock is session  # the same session, reset
    finally:
        connection.close()
    _settle(relay, 1)
    assert [m["Message-ID"] for m in relay.messages] == ["<m2@example.jp>"]


def test_dot_stuffing_doubles_leading_dots_and_ends_the_payload_with_a_line_break() -> None:
    assert dot_stuffed(b".a\r\nb\r\n..c") == b"..a\r\nb\r\n...c\r\n"
    assert dot_stuffed(b"x\r\n") == b"x\r\n"


class _Counting(RelayConnection):
    """Count the writes of the SMTP conversation (each command, or group of commands, is one write)."""

    writes = 0

    def send(self, data: bytes) -> None:
        self.writes += 1
        super().send(data)


@pytest.mark.parametrize(("fixture", "writes"), [("smtp_sink", 4), ("smtp_sink_pipelining", 2)])
def test_a_pipelining_relay_gets_the_envelope_in_one_write(
    request: pytest.FixtureRequest, fixture: str, writes: int
) -> None:
    sink: SmtpSink = request.getfixturevalue(fixture)
    connection = _connect(sink, _Counting)
    assert isinstance(connection, _Counting)
    try:
        begun = connection.begin(_wire(1))
        assert begun.result() is None
        # In turn: MAIL, RCPT, DATA, the message. Pipelined: MAIL+RCPT+DATA, the message.
        assert connection.writes == writes
        assert connection.finish(begun).result().kind == OutcomeKind.SENT
    finally:
        connection.close()
    _settle(sink, 1)
    assert [m["Message-ID"] for m in sink.messages] == ["<m1@example.jp>"]
    assert sink.envelopes == [("desk@example.jp", ["taro@example.jp"])]


def test_a_refused_sender_leaves_the_session_in_step(relay: SmtpSink) -> None:
    relay.refuse_senders.add("desk@example.jp")
    connection = _connect(relay)
    try:
        refused = _send(connection, _wire(1))
        assert (refused.kind, refused.code) == (OutcomeKind.PERMANENT, "smtp.550")
        # Pipelined, the RCPT and DATA replies (refusals) were read before RSET: each next reply is the next one's.
        relay.refuse_senders.clear()
        assert _send(connection, _wire(2)).kind == OutcomeKind.SENT
        assert _send(connection, _wire(3)).kind == OutcomeKind.SENT
    finally:
        connection.close()
    _settle(relay, 2)
    assert [m["Message-ID"] for m in relay.messages] == ["<m2@example.jp>", "<m3@example.jp>"]


def test_one_refused_recipient_of_two_is_not_sent_to_and_the_other_is(relay: SmtpSink) -> None:
    relay.refuse.add("gone@example.jp")
    wire = Wire(from_email="desk@example.jp", recipients=["gone@example.jp", "taro@example.jp"], data=_wire(1).data)
    connection = _connect(relay)
    try:
        assert _send(connection, wire).kind == OutcomeKind.SENT
    finally:
        connection.close()
    _settle(relay, 1)
    assert relay.envelopes == [("desk@example.jp", ["taro@example.jp"])]


def test_a_line_break_in_an_envelope_address_cannot_add_a_command(relay: SmtpSink) -> None:
    wire = Wire(from_email="desk@example.jp", recipients=["taro@example.jp\r\nRCPT TO:<x@evil.example>"], data=b"x")
    connection = _connect(relay)
    try:
        _send(connection, wire)
    finally:
        connection.close()
    _settle(relay, 1)
    assert relay.envelopes == [("desk@example.jp", ["taro@example.jp"])]
