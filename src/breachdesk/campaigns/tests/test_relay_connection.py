"""The relay session in the worker's process: a final dot only when told, the worker never waiting in between, and a
session that breaks off (or a worker that dies) delivering nothing it should not.

Real aiosmtpd sinks (plain, STARTTLS, implicit TLS) and real processes; the relays that misbehave on purpose are
scripted on a plain socket, since no real relay breaks off at a chosen byte.
"""

from __future__ import annotations

import os
import signal
import socket
import ssl
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from breachdesk.campaigns.transports.base import OutcomeKind
from breachdesk.campaigns.transports.relay_connection import RelayConnection, RelaySettings
from breachdesk.campaigns.transports.smtp_session import Wire
from breachdesk.testing.smtp import SmtpSink, _free_port
from breachdesk.testing.tls import self_signed_certificate

pytestmark = pytest.mark.smtp


def _wire(n: int, to: str = "taro@example.jp") -> Wire:
    data = f"Message-ID: <r{n}@example.jp>\r\nSubject: r{n}\r\nFrom: desk@example.jp\r\nTo: {to}\r\n\r\nbody\r\n"
    return Wire(from_email="desk@example.jp", recipients=[to], data=data.encode())


def _settings(sink: SmtpSink, **extra: object) -> RelaySettings:
    return RelaySettings(host=sink.host, port=sink.port, local_hostname="worker.example.jp", **extra)  # type: ignore[arg-type]


def _arrived(sink: SmtpSink, count: int) -> list[str]:
    deadline = time.monotonic() + 5
    while len(sink.messages) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)  # and nothing more arrives
    return [m["Message-ID"] for m in sink.messages]


@pytest.fixture(params=["in_turn", "pipelining"])
def relay(request: pytest.FixtureRequest) -> SmtpSink:
    """A relay with and without PIPELINING: every promise holds either way."""
    sink: SmtpSink = request.getfixturevalue("smtp_sink_pipelining" if request.param == "pipelining" else "smtp_sink")
    return sink


def test_messages_go_out_in_order_only_when_finished(relay: SmtpSink) -> None:
    connection = RelayConnection(_settings(relay))
    try:
        first = connection.begin(_wire(1))
        handed = connection.finish(first)
        second_begun = connection.begin(_wire(2))
        assert handed.result().kind == OutcomeKind.SENT
        assert second_begun.result() is None  # begun: the relay waits for the dot
        assert _arrived(relay, 1) == ["<r1@example.jp>"]  # the second is not handed over yet
        connection.abort()  # the worker decided otherwise: the relay drops it
        third = connection.begin(_wire(3))
        assert connection.finish(third).result().kind == OutcomeKind.SENT
    finally:
        connection.close()
    assert _arrived(relay, 2) == ["<r1@example.jp>", "<r3@example.jp>"]


def test_the_worker_goes_on_while_the_relay_takes_its_time(smtp_sink_pipelining: SmtpSink) -> None:
    sink = smtp_sink_pipelining
    connection = RelayConnection(_settings(sink))
    try:
        assert connection.begin(_wire(0)).result() is None  # the session is open
        connection.abort()
        sink.answering.clear()  # the relay holds its answer to every final dot
        handed = connection.finish(connection.begin(_wire(1)))
        started = time.monotonic()
        following = connection.begin(_wire(2))  # returns at once: queued behind the dot
        assert time.monotonic() - started < 0.5
        time.sleep(0.2)
        assert not handed.answered()
        assert not following.answered()
        sink.answering.set()
        assert handed.result().kind == OutcomeKind.SENT
        assert following.result() is None
        assert connection.finish(following).result().kind == OutcomeKind.SENT
    finally:
        sink.answering.set()
        connection.close()
    assert _arrived(sink, 2) == ["<r1@example.jp>", "<r2@example.jp>"]


def test_a_refusal_comes_back_before_the_hand_over_and_is_the_outcome_of_the_finish(relay: SmtpSink) -> None:
    relay.refuse.add("gone@example.jp")
    connection = RelayConnection(_settings(relay))
    try:
        refused = connection.finish(connection.begin(_wire(1, to="gone@example.jp"))).result()
        sent = connection.finish(connection.begin(_wire(2))).result()
    finally:
        connection.close()
    assert (refused.kind, refused.code) == (OutcomeKind.PERMANENT, "smtp.550")
    assert sent.kind == OutcomeKind.SENT
    assert _arrived(relay, 1) == ["<r2@example.jp>"]


def test_an_unreachable_relay_is_the_relays_fault_and_nothing_is_counted() -> None:
    connection = RelayConnection(RelaySettings(host="127.0.0.1", port=_free_port(), local_hostname="w", timeout=2))
    try:
        outcome = connection.finish(connection.begin(_wire(1))).result()
    finally:
        connection.close()
    assert (outcome.kind, outcome.relay, outcome.code) == (OutcomeKind.TEMPORARY, True, "smtp.connect")


def test_a_session_the_relay_closed_while_the_worker_was_idle_is_opened_again() -> None:
    sink = SmtpSink(host="127.0.0.1", port=_free_port(), pipelining=True)
    controller = Controller(sink, hostname=sink.host, port=sink.port, timeout=0.3)  # aiosmtpd's idle timeout
    controller.start()
    connection = RelayConnection(_settings(sink))
    try:
        assert connection.finish(connection.begin(_wire(1))).result().kind == OutcomeKind.SENT
        first = connection.sock
        time.sleep(0.8)  # the relay closes the idle session
        outcome = connection.finish(connection.begin(_wire(2))).result()
        assert outcome.kind == OutcomeKind.SENT  # not a relay failure: the session was opened again
        assert connection.sock is not first
    finally:
        connection.close()
        controller.stop()
    assert _arrived(sink, 2) == ["<r1@example.jp>", "<r2@example.jp>"]


# ---------------------------------------------------------------------------------------------------------------------
# Relays that break off on purpose
# ---------------------------------------------------------------------------------------------------------------------
Script = Callable[[socket.socket, "Lines"], None]


class Lines:
    """Read a scripted relay's client line by line."""

    def __init__(self, conn: socket.socket) -> None:
        self.file = conn.makefile("rb")
        self.seen: list[bytes] = []  # every line read

    def until(self, prefix: bytes) -> bytes:
        """Read lines up to and including the first that starts with ``prefix`` (case-insensitive)."""
        while True:
            line = self.file.readline()
            self.seen.append(line)
            if not line or line.lower().startswith(prefix.lower()):
                return line


@pytest.fixture
def scripted() -> Iterator[Callable[[Script], RelaySettings]]:
    """Serve one session on loopback by a script (greeting and EHLO done, PIPELINING offered)."""
    servers: list[tuple[socket.socket, threading.Thread]] = []

    def start(script: Script) -> RelaySettings:
        server = socket.create_server(("127.0.0.1", 0))

        def serve() -> None:
            conn, _ = server.accept()
            with conn:
                lines = Lines(conn)
                conn.sendall(b"220 scripted ESMTP\r\n")
                lines.until(b"ehlo")
                conn.sendall(b"250-scripted\r\n250-PIPELINING\r\n250 8BITMIME\r\n")
                script(conn, lines)
                time.sleep(0.3)

        thread = threading.Thread(target=serve, daemon=True)
        thread.start()
        servers.append((server, thread))
        return RelaySettings(host="127.0.0.1", port=server.getsockname()[1], local_hostname="w", timeout=1.0)

    yield start
    for server, thread in servers:
        server.close()
        thread.join(timeout=5)


def _envelope_accepted(conn: socket.socket, lines: Lines) -> None:
    lines.until(b"data")
    conn.sendall(b"250 sender ok\r\n250 recipient ok\r\n354 go ahead\r\n")
    lines.until(b".\r\n")


def test_a_relay_that_breaks_off_before_the_bytes_handed_nothing_over(
    scripted: Callable[[Script], RelaySettings],
) -> None:
    def script(conn: socket.socket, lines: Lines) -> None:
        lines.until(b"data")
        conn.sendall(b"250 sender ok\r\n")  # and gone, before the recipient's answer

    connection = RelayConnection(scripted(script))
    try:
        outcome = connection.finish(connection.begin(_wire(1))).result()
    finally:
        connection.close()
    assert (outcome.kind, outcome.relay) == (OutcomeKind.TEMPORARY, True)


def test_a_relay_that_breaks_off_after_the_dot_may_have_taken_the_message(
    scripted: Callable[[Script], RelaySettings],
) -> None:
    connection = RelayConnection(scripted(_envelope_accepted))  # the dot read, and gone without an answer
    try:
        outcome = connection.finish(connection.begin(_wire(1))).result()
    finally:
        connection.close()
    assert (outcome.kind, outcome.code, outcome.relay) == (OutcomeKind.UNCERTAIN, "smtp.session_broken", False)


def test_a_relay_that_never_answers_the_dot_is_uncertain_once_the_timeout_is_over(
    scripted: Callable[[Script], RelaySettings],
) -> None:
    def script(conn: socket.socket, lines: Lines) -> None:
        _envelope_accepted(conn, lines)
        time.sleep(3)  # silent, the connection open

    connection = RelayConnection(scripted(script))  # EMAIL_TIMEOUT 1 s
    started = time.monotonic()
    try:
        outcome = connection.finish(connection.begin(_wire(1))).result()
    finally:
        connection.close()
    assert outcome.kind == OutcomeKind.UNCERTAIN
    assert 0.9 < time.monotonic() - started < 2.5


def test_a_reply_in_several_lines_and_pieces_is_read_whole(scripted: Callable[[Script], RelaySettings]) -> None:
    def script(conn: socket.socket, lines: Lines) -> None:
        _envelope_accepted(conn, lines)
        for piece in (b"250-2.0.0 Ok: que", b"ued\r\n250-as 4F", b"2A1\r\n", b"250 thank you\r\n"):
            conn.sendall(piece)
            time.sleep(0.02)
        lines.until(b"quit")
        conn.sendall(b"221 bye\r\n")

    connection = RelayConnection(scripted(script))
    try:
        outcome = connection.finish(connection.begin(_wire(1))).result()
    finally:
        connection.close()
    assert outcome.kind == OutcomeKind.SENT


def test_a_refused_dot_is_the_relays_answer_and_the_session_goes_on(
    scripted: Callable[[Script], RelaySettings],
) -> None:
    received: list[bytes] = []

    def script(conn: socket.socket, lines: Lines) -> None:
        _envelope_accepted(conn, lines)
        conn.sendall(b"554 5.7.1 rejected as spam\r\n")
        received.append(lines.until(b"rset"))
        conn.sendall(b"250 reset\r\n")
        _envelope_accepted(conn, lines)
        conn.sendall(b"250 queued\r\n")

    connection = RelayConnection(scripted(script))
    try:
        refused = connection.finish(connection.begin(_wire(1))).result()
        sent = connection.finish(connection.begin(_wire(2))).result()
    finally:
        connection.close()
    assert (refused.kind, refused.code) == (OutcomeKind.PERMANENT, "smtp.554")
    assert received
    assert received[0].lower().startswith(b"rset")
    assert sent.kind == OutcomeKind.SENT


def test_the_next_envelope_goes_behind_the_dot_before_its_answer(scripted: Callable[[Script], RelaySettings]) -> None:
    """RFC 2920: a pipelining relay gets MAIL, RCPT and DATA of the next message before it answers the dot."""

    def script(conn: socket.socket, lines: Lines) -> None:
        _envelope_accepted(conn, lines)
        lines.until(b"data")  # the next envelope, though the dot is not answered yet
        conn.sendall(b"250 queued\r\n250 sender ok\r\n250 recipient ok\r\n354 go ahead\r\n")
        lines.until(b".\r\n")
        conn.sendall(b"250 queued\r\n")

    connection = RelayConnection(scripted(script))
    try:
        first = connection.finish(connection.begin(_wire(1)))
        second = connection.begin(_wire(2))
        assert first.result().kind == OutcomeKind.SENT
        assert second.result() is None
        assert connection.finish(second).result().kind == OutcomeKind.SENT
    finally:
        connection.close()


def test_a_refused_dot_with_the_next_envelope_behind_it_is_not_reset(
    scripted: Callable[[Script], RelaySettings],
) -> None:
    """The transaction is over after any answer to the dot; an RSET behind the next DATA would be that message's
    text."""
    body: list[bytes] = []

    def script(conn: socket.socket, lines: Lines) -> None:
        _envelope_accepted(conn, lines)
        lines.until(b"data")
        conn.sendall(b"554 5.7.1 rejected\r\n250 sender ok\r\n250 recipient ok\r\n354 go ahead\r\n")
        start = len(lines.seen)
        lines.until(b".\r\n")
        body.extend(lines.seen[start:])
        conn.sendall(b"250 queued\r\n")

    connection = RelayConnection(scripted(script))
    try:
        first = connection.finish(connection.begin(_wire(1)))
        second = connection.begin(_wire(2))
        refused = first.result()
        assert (refused.kind, refused.code) == (OutcomeKind.PERMANENT, "smtp.554")
        assert second.result() is None
        assert connection.finish(second).result().kind == OutcomeKind.SENT
    finally:
        connection.close()
    assert body[0].startswith(b"Message-ID: <r2@example.jp>")
    assert not any(line.lower().startswith(b"rset") for line in body)


def test_a_killed_worker_leaves_its_begun_message_undelivered(smtp_sink: SmtpSink) -> None:
    script = textwrap.dedent(
        f"""
        import time
        from breachdesk.campaigns.transports.relay_connection import RelayConnection, RelaySettings
        from breachdesk.campaigns.transports.smtp_session import Wire
        relay = RelayConnection(RelaySettings(host={smtp_sink.host!r}, port={smtp_sink.port}, local_hostname="w"))
        data = b"Message-ID: <killed@example.jp>\\r\\nSubject: k\\r\\n\\r\\nbody\\r\\n"
        begun = relay.begin(Wire(from_email="desk@example.jp", recipients=["taro@example.jp"], data=data))
        assert begun.result() is None
        print("begun", flush=True)
        time.sleep(60)
        """
    )
    worker = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert worker.stdout is not None
        assert worker.stdout.readline().strip() == "begun"
        os.kill(worker.pid, signal.SIGKILL)  # as a supervisor's kill -9 would
        worker.wait()
    finally:
        if worker.poll() is None:
            worker.kill()
    assert _arrived(smtp_sink, 0) == []


# ---------------------------------------------------------------------------------------------------------------------
# TLS: STARTTLS and implicit TLS, with a certificate the client trusts through SSL_CERT_FILE
# ---------------------------------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return self_signed_certificate(tmp_path_factory.mktemp("tls"))


@pytest.mark.parametrize("mode", ["starttls", "implicit"])
def test_a_tls_relay_gets_every_message_once(
    certificate: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch, mode: str
) -> None:
    cert_path, key_path = certificate
    monkeypatch.setenv("SSL_CERT_FILE", str(cert_path))
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert_path, key_path)
    sink = SmtpSink(host="127.0.0.1", port=_free_port(), pipelining=True)
    tls = {"tls_context": server_context, "require_starttls": True} if mode == "starttls" else {}
    controller = Controller(
        sink,
        hostname="127.0.0.1",
        port=sink.port,
        ssl_context=server_context if mode == "implicit" else None,
        **tls,  # type: ignore[arg-type]
    )
    controller.start()
    settings = RelaySettings(
        host="127.0.0.1", port=sink.port, local_hostname="w", use_tls=mode == "starttls", use_ssl=mode == "implicit"
    )
    connection = RelayConnection(settings)
    try:
        sock_kinds = []
        for n in range(1, 4):
            outcome = connection.finish(connection.begin(_wire(n))).result()
            assert outcome.kind == OutcomeKind.SENT
            sock_kinds.append(type(connection.sock))
        assert all(issubclass(kind, ssl.SSLSocket) for kind in sock_kinds)
    finally:
        connection.close()
        controller.stop()
    assert _arrived(sink, 3) == ["<r1@example.jp>", "<r2@example.jp>", "<r3@example.jp>"]
