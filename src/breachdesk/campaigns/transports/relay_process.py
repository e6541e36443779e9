"""Hold the SMTP conversation with the relay in a process of its own, so that it never waits for the worker's Python.

The send loop overlaps two things per message: the relay conversation (MAIL, RCPT, DATA, the bytes, the final dot:
four round trips) and the worker's own work (the guards, the bytes of the next message, the commit of the previous
outcome). In one process they take turns on the interpreter lock: every relay reply waits until the worker's thread
lets go, and the measured cost was most of the gap to bare ``smtplib``. Here a small child process, started from a
fresh interpreter that imports only the standard library and ``smtp_session``, owns the relay session; the worker
sends it commands over a socket pair and reads the replies in order.

The commands mirror ``smtp_session``: ``begin`` (all but the final dot), ``finish`` (the dot: the hand-over),
``abort`` (drop the session mid-DATA) and ``close``. The exactly-once promises of the worker are kept because the
child sends a final dot only for a ``finish`` command, and the worker writes that command only after it committed the
delivery ``sending``:

- the worker dies: the child reads end-of-file, drops an unfinished DATA by closing the socket (no QUIT) and exits;
- the child dies: a ``begin`` in flight handed nothing over (``relay_down``: no attempt counted, the session is
  started again in a fresh child); a ``finish`` in flight may have gone, so it is ``uncertain``.

The child gets the relay's settings (host, port, TLS, credentials) in its first frame, never on its command line.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import select
import signal
import smtplib
import socket
import ssl
import struct
import subprocess
import sys
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from breachdesk.campaigns.transports import smtp_session
from breachdesk.campaigns.transports.base import Outcome, OutcomeKind
from breachdesk.campaigns.transports.smtp_session import Wire, smtp_outcome

FRAME = struct.Struct("!II")  # the lengths of a frame's JSON head and of the raw body after it
log = logging.getLogger(__name__)
# The child's environment: what ``ssl`` and the locale read, nothing of the worker's secrets.
CHILD_ENV = frozenset({"PATH", "LANG", "LC_ALL", "LC_CTYPE", "TZ", "SSL_CERT_FILE", "SSL_CERT_DIR"})
# The child's program: the package root goes at the end of ``sys.path`` (the standard library comes first), and ``-P``
# keeps the worker's working directory off it.
_CHILD = (
    "import sys; sys.path.append(sys.argv[1]); from breachdesk.campaigns.transports.relay_process import main; main()"
)
CLOSE_WAIT_SECONDS = 30.0
LOST = "campaigns.relay_process_lost"


@dataclass(frozen=True)
class RelaySettings:
    """Say how to reach the relay, exactly as Django's SMTP backend would (``of_backend``)."""

    host: str
    port: int
    local_hostname: str
    username: str = ""
    password: str = ""
    use_tls: bool = False
    use_ssl: bool = False
    timeout: float | None = None
    ssl_certfile: str | None = None
    ssl_keyfile: str | None = None

    @classmethod
    def of_backend(cls, backend: Any) -> RelaySettings:
        """Return the settings of a Django ``EmailBackend`` instance (its own overrides included)."""
        from django.core.mail.utils import DNS_NAME

        return cls(
            host=backend.host,
            port=int(backend.port),
            local_hostname=DNS_NAME.get_fqdn(),
            username=backend.username or "",
            password=backend.password or "",
            use_tls=bool(backend.use_tls),
            use_ssl=bool(backend.use_ssl),
            timeout=backend.timeout,
            ssl_certfile=backend.ssl_certfile,
            ssl_keyfile=backend.ssl_keyfile,
        )

    def ssl_context(self) -> ssl.SSLContext:
        if self.ssl_certfile or self.ssl_keyfile:
            context = ssl.SSLContext(protocol=ssl.PROTOCOL_TLS_CLIENT)
            context.load_cert_chain(self.ssl_certfile or "", self.ssl_keyfile)
            return context
        return ssl.create_default_context()

    def connect(self) -> smtplib.SMTP:
        """Open a session as ``EmailBackend.open`` does: connect, STARTTLS when asked, log in when configured."""
        params: dict[str, Any] = {"local_hostname": self.local_hostname}
        if self.timeout is not None:
            params["timeout"] = self.timeout
        smtp: smtplib.SMTP
        if self.use_ssl:
            smtp = smtplib.SMTP_SSL(self.host, self.port, context=self.ssl_context(), **params)
        else:
            smtp = smtplib.SMTP(self.host, self.port, **params)
        try:
            if not self.use_ssl and self.use_tls:
                smtp.starttls(context=self.ssl_context())
            if self.username and self.password:
                smtp.login(self.username, self.password)
        except BaseException:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.close()
            raise
        return smtp


def send_frame(sock: socket.socket, head: dict[str, Any], body: bytes = b"") -> None:
    """Write one frame: a JSON head and a raw body (a message's bytes), each preceded by its length."""
    data = json.dumps(head, ensure_ascii=False, separators=(",", ":")).encode()
    sock.sendall(FRAME.pack(len(data), len(body)) + data + body)


def _recv_exactly(sock: socket.socket, size: int) -> bytes:
    chunks = []
    while size:
        chunk = sock.recv(min(size, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def recv_frame(sock: socket.socket) -> tuple[dict[str, Any], bytes]:
    """Return the next frame's head and body; raise ``EOFError`` when the other side is gone."""
    head_size, body_size = FRAME.unpack(_recv_exactly(sock, FRAME.size))
    head = json.loads(_recv_exactly(sock, head_size))
    if not isinstance(head, dict):
        raise ValueError("a frame's head must be an object")
    return head, _recv_exactly(sock, body_size) if body_size else b""


def outcome_head(outcome: Outcome | None) -> dict[str, Any]:
    """Return ``outcome`` as a frame head (None: the relay waits for the dot, or nothing was begun)."""
    if outcome is None:
        return {"outcome": None}
    return {
        "outcome": {
            "kind": outcome.kind.value,
            "code": outcome.code,
            "detail": outcome.detail,
            "blocked": outcome.blocked,
            "violations": list(outcome.violations),
            "relay": outcome.relay,
        }
    }


def outcome_of(head: dict[str, Any]) -> Outcome | None:
    """Return the outcome a frame head carries (see ``outcome_head``)."""
    data = head["outcome"]
    if data is None:
        return None
    return Outcome(
        kind=OutcomeKind(data["kind"]),
        code=str(data["code"]),
        detail=str(data["detail"]),
        blocked=bool(data["blocked"]),
        violations=[str(v) for v in data["violations"]],
        relay=bool(data["relay"]),
    )


# ---------------------------------------------------------------------------------------------------------------------
# The child: one relay session
# ---------------------------------------------------------------------------------------------------------------------
class RelaySession:
    """Hold one relay session and run ``smtp_session``'s steps on it; no step ever raises."""

    def __init__(self, settings: RelaySettings) -> None:
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None
        self.data_open = False  # the relay holds a begun message waiting for its final dot

    def begin(self, wire: Wire) -> Outcome | None:
        """Send all but the final dot; return None when the relay waits for it, else why not (nothing handed over)."""
        try:
            if self.data_open:  # never start an envelope inside a DATA nobody finished
                self.abort()
            if self.smtp is None:
                try:
                    self.smtp = self.settings.connect()
                except (OSError, smtplib.SMTPException) as exc:
                    # Nothing handed over when the relay cannot be reached: safe to retry, not the recipient's fault.
                    return Outcome.relay_down("smtp.connect", exc.__class__.__name__)
            smtp_session.begin(self.smtp, wire)
        except smtp_session.SessionBroken as exc:
            # The session broke before the dot: the relay cannot deliver what it did not finish receiving. Before a
            # recipient was accepted that is the relay's trouble; after, it may be this message's, so it counts.
            self.close()
            if exc.after_recipient:
                return Outcome.temporary("smtp.session_broken", exc.__class__.__name__)
            return Outcome.relay_down("smtp.session_broken", exc.__class__.__name__)
        except (smtplib.SMTPException, OSError) as exc:
            self._forget_closed()
            return smtp_outcome(exc)
        except Exception as exc:
            self.abort()
            return Outcome.temporary("campaigns.transport_error", exc.__class__.__name__)
        self.data_open = True
        return None

    def finish(self) -> Outcome | None:
        """Send the final dot of the begun message and return the outcome; None when nothing was begun."""
        if not self.data_open or self.smtp is None:
            return None
        self.data_open = False
        try:
            smtp_session.finish(self.smtp)
        except (smtplib.SMTPException, OSError) as exc:
            outcome = smtp_outcome(exc)
            if outcome.kind == OutcomeKind.UNCERTAIN:
                self.close()
            self._forget_closed()
            return outcome
        except Exception as exc:
            self.close()
            return Outcome.uncertain("campaigns.transport_error", exc.__class__.__name__)
        return Outcome.sent()

    def abort(self) -> None:
        """Drop the session without a QUIT (mid-DATA, a QUIT would be read as message text)."""
        self.data_open = False
        if self.smtp is not None:
            smtp_session.abort(self.smtp)
            self.smtp = None

    def close(self) -> None:
        """End the session: politely when no DATA is open, else by dropping it."""
        if self.data_open:
            self.abort()
            return
        if self.smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                self.smtp.quit()
            with contextlib.suppress(OSError):
                self.smtp.close()
            self.smtp = None

    def _forget_closed(self) -> None:
        """Drop a session ``smtplib`` closed itself (a 421)."""
        if self.smtp is not None and getattr(self.smtp, "sock", None) is None:
            self.smtp = None


def serve(sock: socket.socket) -> None:
    """Answer the worker's commands until it says ``close`` or goes away (then an unfinished DATA is dropped)."""
    head, _body = recv_frame(sock)
    session = RelaySession(RelaySettings(**head["settings"]))
    try:
        while True:
            head, body = recv_frame(sock)
            verb = head["verb"]
            if verb == "begin":
                wire = Wire(from_email=head["from"], recipients=list(head["to"]), data=body)
                send_frame(sock, outcome_head(session.begin(wire)))
            elif verb == "finish":
                send_frame(sock, outcome_head(session.finish()))
            elif verb == "abort":
                session.abort()
            elif verb == "close":
                session.close()
                send_frame(sock, outcome_head(None))
                return
    except (EOFError, OSError, ValueError, KeyError):
        session.abort()  # the worker is gone: whatever it did not hand over stays undelivered


def _package_root() -> str:
    return str(Path(__file__).resolve().parents[3])


def main() -> None:
    # A supervisor's SIGTERM, or Ctrl-C, reaches the whole process group: the worker finishes its slice and closes
    # this process itself (or dies, and this process reads end-of-file), so the relay session is never cut mid-dot.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    sock = socket.socket(fileno=int(sys.argv[-1]))
    try:
        serve(sock)
    finally:
        sock.close()


# ---------------------------------------------------------------------------------------------------------------------
# The worker's side
# ---------------------------------------------------------------------------------------------------------------------
class Reply:
    """One command's answer, read in order from the child when asked for (``result``)."""

    def __init__(self, relay: RelayProcess, lost: Outcome) -> None:
        self.relay = relay
        self.lost = lost  # the answer when the child died before giving one
        self.written = False  # the command reached the child's socket
        self.done = False
        self.from_loss = False  # ``value`` is ``lost``: the child never answered
        self.value: Outcome | None = None

    def result(self) -> Outcome | None:
        while not self.done:
            self.relay.read_one()
        return self.value

    def answered(self) -> bool:
        """Read the answers that have come in, without waiting; return whether this one is among them."""
        while not self.done and self.relay.readable():
            self.relay.read_one()
        return self.done


class Finishing(Reply):
    """The answer to a ``finish``: the outcome of the hand-over, with its ``begin``'s refusal taking precedence."""

    def __init__(self, relay: RelayProcess, begun: Reply) -> None:
        super().__init__(relay, Outcome.uncertain("smtp.session_broken", LOST))
        self.begun = begun

    def answered(self) -> bool:
        return super().answered() and self.begun.answered()

    def result(self) -> Outcome:
        value = super().result()
        early = self.begun.result()
        if early is not None and not self.begun.from_loss:
            return early  # the relay refused before the dot: nothing was handed over
        if not self.written:
            # The dot never reached the child (it was gone, or the begin had failed): nothing was handed over.
            return early if early is not None else Outcome.relay_down("smtp.session_broken", LOST)
        if self.from_loss or value is None:
            return Outcome.uncertain("smtp.session_broken", LOST)  # the dot may have gone before the child died
        return value


class RelayProcess:
    """Drive a relay child: ``begin`` and ``finish`` return a ``Reply`` at once; a lost child is started again."""

    def __init__(self, settings: RelaySettings) -> None:
        self.settings = settings
        self.proc: subprocess.Popen[bytes] | None = None
        self.sock: socket.socket | None = None
        self.pending: deque[Reply] = deque()

    def _start(self) -> socket.socket:
        if self.sock is not None:
            return self.sock
        ours, theirs = socket.socketpair()
        try:
            self.proc = subprocess.Popen(  # noqa: S603 - our own interpreter and module
                [sys.executable, "-P", "-c", _CHILD, _package_root(), str(theirs.fileno())],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                env={name: value for name, value in os.environ.items() if name in CHILD_ENV},
            )
        finally:
            theirs.close()
        self.sock = ours
        send_frame(ours, {"settings": dataclasses.asdict(self.settings)})
        return ours

    def _command(self, verb: str, reply: Reply | None, wire: Wire | None = None) -> Reply | None:
        head: dict[str, Any] = {"verb": verb}
        if wire is not None:
            head.update({"from": wire.from_email, "to": wire.recipients})
        try:
            send_frame(self._start(), head, wire.data if wire is not None else b"")
        except OSError:
            self._lost()
            if reply is not None:
                reply.done, reply.value, reply.from_loss = True, reply.lost, True
            return reply
        if reply is not None:
            reply.written = True
            self.pending.append(reply)
        return reply

    def begin(self, wire: Wire) -> Reply:
        """Start ``wire`` on the relay (all but the final dot)."""
        reply = Reply(self, Outcome.relay_down("smtp.session_broken", LOST))
        self._command("begin", reply, wire)
        return reply

    def finish(self, begun: Reply) -> Finishing:
        """Hand the message ``begun`` over: the final dot."""
        reply = Finishing(self, begun)
        if begun.done and begun.value is not None:  # refused or lost already: no dot to send
            reply.done = True
            return reply
        self._command("finish", reply)
        return reply

    def abort(self) -> None:
        """Drop an unfinished DATA (the relay discards it)."""
        if self.sock is not None:
            self._command("abort", None)

    def readable(self) -> bool:
        """Return whether an answer has come in (or the child is gone: the answers owed are then known, as lost)."""
        if self.sock is None or not self.pending:
            return True
        try:
            return bool(select.select([self.sock], [], [], 0)[0])
        except (OSError, ValueError):
            return True

    def read_one(self) -> None:
        """Read the oldest answer owed; a child that is gone (or a read broken off) makes every owed answer lost."""
        if self.sock is None or not self.pending:
            self._lost()
            return
        try:
            value = outcome_of(recv_frame(self.sock)[0])
        except (EOFError, OSError, ValueError, KeyError, TypeError, struct.error):
            self._lost()
            return
        except BaseException:
            self._lost()  # a frame read half: the stream cannot be trusted any more
            raise
        reply = self.pending.popleft()
        reply.value, reply.done = value, True

    def _lost(self) -> None:
        """Forget a child that is gone: keep the answers it had already written, mark the rest lost, and let the next
        command start a fresh one."""
        sock = self.sock
        if sock is not None and self.pending:
            with contextlib.suppress(Exception):
                sock.setblocking(False)
                while self.pending:
                    value = outcome_of(recv_frame(sock)[0])
                    reply = self.pending.popleft()
                    reply.value, reply.done = value, True
        for reply in self.pending:
            reply.done, reply.value, reply.from_loss = True, reply.lost, True
        self.pending.clear()
        proc = self.proc
        self._stop(wait=False)
        log.warning("relay process lost (exit code %s); the next message starts a fresh one", proc and proc.returncode)

    def _stop(self, *, wait: bool) -> None:
        sock, proc, self.sock, self.proc = self.sock, self.proc, None, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.close()
        if proc is not None:
            try:
                proc.wait(timeout=CLOSE_WAIT_SECONDS if wait else 0.5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def __del__(self) -> None:
        # Forgotten without close(): the child reads end-of-file, drops an unfinished DATA and exits.
        sock = getattr(self, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.close()

    def close(self) -> None:
        """Collect every answer still owed, end the session (QUIT unless a DATA is open), and stop the child."""
        while self.pending:
            self.read_one()
        if self.sock is not None:
            try:
                send_frame(self.sock, {"verb": "close"})
                recv_frame(self.sock)
            except (EOFError, OSError, ValueError):
                pass
        self._stop(wait=True)


if __name__ == "__main__":
    main()
