"""The relay's own process: it sends a final dot only when told, and a lost worker or a lost child delivers nothing
it should not (real aiosmtpd sink, real child processes)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time

import pytest

from breachdesk.campaigns.transports.base import Outcome, OutcomeKind
from breachdesk.campaigns.transports.relay_process import (
    FRAME,
    RelayProcess,
    RelaySettings,
    outcome_head,
    outcome_of,
    recv_frame,
    send_frame,
)
from breachdesk.campaigns.transports.smtp_session import Wire
from breachdesk.testing.smtp import SmtpSink

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


def _frames_waiting(relay: RelayProcess, count: int) -> bool:
    """Wait until ``count`` answers of the child sit unread in the worker's socket."""
    assert relay.sock is not None
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            data = relay.sock.recv(1 << 16, socket.MSG_PEEK | socket.MSG_DONTWAIT)
        except BlockingIOError:
            data = b""
        found, at = 0, 0
        while len(data) >= at + FRAME.size:
            head_size, body_size = FRAME.unpack_from(data, at)
            size = head_size + body_size
            if len(data) < at + FRAME.size + size:
                break
            found, at = found + 1, at + FRAME.size + size
        if found >= count:
            return True
        time.sleep(0.01)
    return False


def _gone(pid: int, seconds: float = 10) -> bool:
    """Return whether process ``pid`` has exited (a zombie nobody reaped yet counts as exited)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                if stat.read().rpartition(")")[2].split()[0] in ("Z", "X"):
                    return True
        except FileNotFoundError:
            return True
        time.sleep(0.02)
    return False


def test_messages_go_out_in_order_only_when_finished(smtp_sink: SmtpSink) -> None:
    relay = RelayProcess(_settings(smtp_sink))
    try:
        first = relay.begin(_wire(1))
        handed = relay.finish(first)
        second_begun = relay.begin(_wire(2))
        outcome = handed.result()
        assert outcome is not None
        assert outcome.kind == OutcomeKind.SENT
        assert second_begun.result() is None  # begun: the relay waits for the dot
        assert _arrived(smtp_sink, 1) == ["<r1@example.jp>"]  # the second is not handed over yet
        relay.abort()  # the worker decided otherwise: the relay drops it
        third = relay.begin(_wire(3))
        assert relay.finish(third).result().kind == OutcomeKind.SENT
    finally:
        relay.close()
    assert _arrived(smtp_sink, 2) == ["<r1@example.jp>", "<r3@example.jp>"]


def test_a_refusal_comes_back_before_the_hand_over_and_is_the_outcome_of_the_finish(smtp_sink: SmtpSink) -> None:
    smtp_sink.refuse.add("gone@example.jp")
    relay = RelayProcess(_settings(smtp_sink))
    try:
        refused = relay.finish(relay.begin(_wire(1, to="gone@example.jp"))).result()
        sent = relay.finish(relay.begin(_wire(2))).result()
    finally:
        relay.close()
    assert refused is not None
    assert (refused.kind, refused.code) == (OutcomeKind.PERMANENT, "smtp.550")
    assert sent is not None
    assert sent.kind == OutcomeKind.SENT
    assert _arrived(smtp_sink, 1) == ["<r2@example.jp>"]


def test_an_unreachable_relay_is_the_relays_fault_and_nothing_is_counted() -> None:
    relay = RelayProcess(RelaySettings(host="127.0.0.1", port=9, local_hostname="w.example.jp", timeout=2))
    try:
        outcome = relay.finish(relay.begin(_wire(1))).result()
    finally:
        relay.close()
    assert outcome is not None
    assert outcome.relay
    assert outcome.code == "smtp.connect"


def test_the_relay_password_is_never_on_the_childs_command_line(smtp_sink: SmtpSink) -> None:
    relay = RelayProcess(_settings(smtp_sink, username="desk", password="s3cret-relay-pass"))
    try:
        relay.begin(_wire(1))  # starts the child (the sink offers no AUTH, so the login itself fails)
        assert relay.proc is not None
        with open(f"/proc/{relay.proc.pid}/cmdline", "rb") as cmdline:
            assert b"s3cret" not in cmdline.read()
    finally:
        relay.close()


def test_a_child_lost_before_the_dot_hands_nothing_over_and_the_next_message_starts_a_fresh_one(
    smtp_sink: SmtpSink,
) -> None:
    relay = RelayProcess(_settings(smtp_sink))
    try:
        begun = relay.begin(_wire(1))
        assert begun.result() is None
        assert relay.proc is not None
        lost_pid = relay.proc.pid
        relay.proc.kill()
        relay.proc.wait()
        outcome = relay.finish(begun).result()  # the dot cannot reach a dead child: nothing was handed over
        assert outcome is not None
        assert (outcome.kind, outcome.relay) == (OutcomeKind.TEMPORARY, True)
        fresh = relay.finish(relay.begin(_wire(2))).result()
        assert fresh is not None
        assert fresh.kind == OutcomeKind.SENT
        assert relay.proc is not None
        assert relay.proc.pid != lost_pid
    finally:
        relay.close()
    assert _arrived(smtp_sink, 1) == ["<r2@example.jp>"]  # the child died mid-DATA: the relay dropped message 1


@pytest.mark.parametrize("answered", [True, False], ids=["after-its-answer", "at-once"])
def test_a_child_lost_after_the_dot_was_sent_never_reads_as_nothing_handed_over(
    smtp_sink: SmtpSink, answered: bool
) -> None:
    """Its answers still unread, the child dies once the dot is written to it: the outcome is ``sent`` (its answer was
    written before it died) or ``uncertain``, never a relay failure that would send the message again."""
    relay = RelayProcess(_settings(smtp_sink))
    try:
        finishing = relay.finish(relay.begin(_wire(1)))  # neither answer read yet
        if answered:
            assert _frames_waiting(relay, 2)
        assert relay.proc is not None
        relay.proc.kill()
        relay.proc.wait()
        relay.begin(_wire(2))  # finds the child gone
        outcome = finishing.result()
    finally:
        relay.close()
    arrived = _arrived(smtp_sink, 1 if answered else 0)
    assert outcome is not None
    assert not outcome.relay
    assert outcome.kind in (OutcomeKind.SENT, OutcomeKind.UNCERTAIN)
    if answered:
        assert (outcome.kind, arrived) == (OutcomeKind.SENT, ["<r1@example.jp>"])
    if outcome.kind == OutcomeKind.SENT:
        assert "<r1@example.jp>" in arrived


def test_a_killed_worker_leaves_its_begun_message_undelivered_and_its_child_exits(smtp_sink: SmtpSink) -> None:
    script = textwrap.dedent(
        f"""
        import sys, time
        from breachdesk.campaigns.transports.relay_process import RelayProcess, RelaySettings
        from breachdesk.campaigns.transports.smtp_session import Wire
        relay = RelayProcess(RelaySettings(host={smtp_sink.host!r}, port={smtp_sink.port}, local_hostname="w"))
        data = b"Message-ID: <killed@example.jp>\\r\\nSubject: k\\r\\n\\r\\nbody\\r\\n"
        begun = relay.begin(Wire(from_email="desk@example.jp", recipients=["taro@example.jp"], data=data))
        assert begun.result() is None
        print(relay.proc.pid, flush=True)
        time.sleep(60)
        """
    )
    worker = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert worker.stdout is not None
        child_pid = int(worker.stdout.readline())
        os.kill(worker.pid, signal.SIGKILL)  # as a supervisor's kill -9 would
        worker.wait()
        assert _gone(child_pid), "the relay child outlived its worker"
    finally:
        if worker.poll() is None:
            worker.kill()
    assert _arrived(smtp_sink, 0) == []


@pytest.mark.parametrize(
    "outcome",
    [
        None,
        Outcome.sent(),
        Outcome.relay_down("smtp.421", "relay not available"),
        Outcome.permanent("smtp.550", "recipient refused"),
        Outcome.uncertain("smtp.session_broken", "SMTPServerDisconnected"),
        Outcome.guard_blocked(["guard.other_person", "guard.attachment"], "二人目の宛先"),
    ],
)
def test_an_answer_crosses_the_socket_pair_unchanged(outcome: Outcome | None) -> None:
    ours, theirs = socket.socketpair()
    with ours, theirs:
        send_frame(ours, outcome_head(outcome), b"\x00raw")
        head, body = recv_frame(theirs)
    assert outcome_of(head) == outcome
    assert body == b"\x00raw"
