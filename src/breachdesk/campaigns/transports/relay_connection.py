"""Hold the SMTP conversation with the relay in the worker's own process, without ever waiting for it in between.

The send loop overlaps two things per message: the relay conversation (MAIL, RCPT, DATA, the bytes, the final dot)
and the worker's own work (the guards, the bytes of the next message, the commit of the previous outcome). Here the
conversation is a queue of steps (``smtp_session``'s generators) that write what they can at once and stop where
they need a reply not yet in. The worker runs them on as far as the replies allow whenever it looks (``answered``,
between two small pieces of its own work) and waits on the socket only when it has nothing else to do (``result``).
So nothing waits for an interpreter lock (a relay thread did, 2026-12-03) and no third busy process shares the two
cores with the worker and the relay (a relay child did, 2026-12-04: its hops were on the path between two dots).

The exactly-once promises of the worker hold because a step sends the final dot only for ``finish``, which the worker
calls only after it committed the delivery ``sending``, and the steps run strictly in the order they were asked for:

- the worker dies: its socket is closed by the kernel mid-DATA, so the relay drops the unfinished message;
- the session breaks before the dot: nothing was handed over (``relay_down``, or ``temporary`` once a recipient was
  accepted); after the dot it may have gone, so it is ``uncertain``.

Every wait for the relay is bounded by ``EMAIL_TIMEOUT`` (the socket's timeout), as in Django's SMTP backend.
"""

from __future__ import annotations

import contextlib
import logging
import select
import smtplib
import socket
import ssl
from collections import deque
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any

from breachdesk.campaigns.transports import smtp_session
from breachdesk.campaigns.transports.base import Outcome, OutcomeKind
from breachdesk.campaigns.transports.smtp_session import Steps, Wire, smtp_outcome

log = logging.getLogger(__name__)
BROKEN = "campaigns.relay_step_broken"
MAX_LINE = 8192  # as ``smtplib``: a longer reply line is a broken session


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
        """Open a session as ``EmailBackend.open`` does: connect, STARTTLS when asked, log in when configured; and
        greet the relay (EHLO) so that what it offers is known."""
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
            smtp.ehlo_or_helo_if_needed()
        except BaseException:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.close()
            raise
        return smtp


class Answer:
    """One step's answer (``None``: begun, the relay waits for the dot; else why not), ready once the relay said it."""

    def __init__(self, relay: RelayConnection) -> None:
        self.relay = relay
        self.done = False
        self.value: Outcome | None = None

    def result(self) -> Outcome | None:
        """Wait for the answer (running every step before it) and return it."""
        while not self.done:
            self.relay.pump(wait=True)
        return self.value

    def answered(self) -> bool:
        """Run the steps as far as the replies that came in allow, without waiting; return whether this one is done."""
        if not self.done:
            self.relay.pump(wait=False)
        return self.done


class Finishing(Answer):
    """The answer to a ``finish``: the outcome of the hand-over, with its ``begin``'s refusal taking precedence."""

    def __init__(self, relay: RelayConnection, begun: Answer) -> None:
        super().__init__(relay)
        self.begun = begun

    def answered(self) -> bool:
        return super().answered() and self.begun.answered()

    def result(self) -> Outcome:
        value = super().result()
        early = self.begun.result()
        if early is not None:
            return early  # the relay refused before the dot: nothing was handed over
        if value is None:  # no DATA was open to finish (dropped meanwhile): nothing was handed over
            return Outcome.relay_down("smtp.session_broken", BROKEN)
        return value


@dataclass(eq=False)
class _Step:
    """One queued step: its generator (made when it reaches the head of the queue), its answer, and what the answer
    is when the step cannot run to its end (``lost``: before it started, ``broken``: once it has written)."""

    make: Any
    answer: Answer | None
    lost: Outcome | None
    broken: Outcome | None
    running: Generator[None, None, Outcome | None] | None = None
    finishing: bool = False  # a ``finish``: once running, its dot is on the wire
    envelope_on: int = 0  # a ``begin`` whose envelope was written ahead: the session it went on


class RelayConnection:
    """Run one relay session's steps in order: ``begin`` and ``finish`` return an ``Answer`` at once, and write to the
    relay as soon as the steps before them allow; a session that broke off is opened again by the next ``begin``."""

    def __init__(self, settings: RelaySettings) -> None:
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None
        self.sock: socket.socket | None = None
        self.inbox = bytearray()  # bytes the relay sent that no step has read yet
        self.gone: BaseException | None = None  # why the socket cannot be read any more
        self.data_open = False  # the relay holds a begun message waiting for its final dot
        self.steps: deque[_Step] = deque()
        self.session = 0  # counts the sessions opened, so that an envelope written ahead is known to be on this one

    # --- what the worker asks for -------------------------------------------------------------------------------
    def begin(self, wire: Wire) -> Answer:
        """Start ``wire`` on the relay (all but the final dot)."""
        answer = Answer(self)
        lost = Outcome.relay_down("smtp.session_broken", BROKEN)
        step = _Step(None, answer, lost, Outcome.temporary("smtp.session_broken", BROKEN))
        step.make = lambda: self._begin(wire, step)
        self._queue(step)
        if step.running is None:
            self._write_ahead(step, wire)
        return answer

    def finish(self, begun: Answer) -> Finishing:
        """Hand the message ``begun`` over: the final dot, written once the steps before it are done."""
        answer = Finishing(self, begun)
        if begun.done and begun.value is not None:  # refused already: no dot to send
            answer.done = True
            return answer
        lost = Outcome.relay_down("smtp.session_broken", BROKEN)  # the dot never left
        self._queue(_Step(self._finish, answer, lost, Outcome.uncertain("smtp.session_broken", BROKEN), finishing=True))
        return answer

    def abort(self) -> None:
        """Drop an unfinished DATA (the relay discards it)."""
        self._queue(_Step(self._abort, None, None, None))

    def close(self) -> None:
        """Run every step still queued (a hand-over under way is never abandoned), then end the session: with QUIT
        unless a DATA is open, which is dropped instead."""
        self._queue(_Step(self._quit, None, None, None))
        with contextlib.suppress(Exception):
            while self.steps:
                self.pump(wait=True)
        self._fail_all()
        self.drop()

    def __del__(self) -> None:
        # Forgotten without close(): the socket closes, and the relay drops an unfinished DATA.
        smtp = getattr(self, "smtp", None)
        if smtp is not None:
            with contextlib.suppress(OSError):
                smtp.close()

    # --- running the steps --------------------------------------------------------------------------------------
    def pump(self, *, wait: bool) -> None:
        """Run the queued steps as far as the relay's replies allow; with ``wait``, wait for one more reply (up to
        ``EMAIL_TIMEOUT``) when the oldest step needs one."""
        try:
            while self.steps:
                if self._advance(self.steps[0]):
                    self.steps.popleft()
                elif self._receive(wait=wait):
                    wait = False
                elif wait:
                    # Nothing to wait on (the steps only wait on a live socket): never spin, give up the session.
                    self._fail_all()
                    self.drop()
                else:
                    return
        except BaseException:
            # Interrupted half-way (a signal): the session's state is unknown, so it is dropped, and every answer owed
            # is the one for a session that broke off where that step stood.
            self._fail_all()
            self.drop()
            raise

    def _queue(self, step: _Step) -> None:
        self.steps.append(step)
        self.pump(wait=False)

    def _advance(self, step: _Step) -> bool:
        """Run ``step`` on until it needs a reply not in yet; return whether it is done (its answer set)."""
        try:
            if step.running is None:
                step.running = step.make()
            next(step.running)
        except StopIteration as stop:
            self._answer(step, stop.value)
            return True
        except Exception as exc:  # a step's own error (the steps catch the relay's): the session cannot be trusted
            log.warning("relay step failed: %s", exc.__class__.__name__)
            self.drop()
            self._answer(step, step.broken)
            return True
        return False

    def _write_ahead(self, step: _Step, wire: Wire) -> None:
        """Write the envelope of ``step`` at once when it waits only for the answer to a dot already on the wire and
        the relay pipelines: RFC 2920 lets a message's content open a group, so the relay answers the dot, MAIL, RCPT
        and DATA together, and the message's bytes can follow before the worker's next commit."""
        if len(self.steps) != 2 or self.steps[1] is not step or not self.offers("pipelining"):
            return
        head = self.steps[0]
        if not head.finishing or head.running is None:
            return
        try:
            data = smtp_session.envelope(wire, size=self.offers("size"))
            self.send(data)
        except (OSError, ValueError):  # the step meets it again in order, and answers for it
            return
        step.envelope_on = self.session

    def _envelope_ahead(self) -> bool:
        """Return whether the next step's envelope is on the wire behind the running one."""
        return len(self.steps) > 1 and self.smtp is not None and self.steps[1].envelope_on == self.session

    @staticmethod
    def _answer(step: _Step, value: Outcome | None) -> None:
        if step.answer is not None:
            step.answer.value, step.answer.done = value, True

    def _fail_all(self) -> None:
        for step in self.steps:
            self._answer(step, step.lost if step.running is None else step.broken)
        self.steps.clear()

    # --- the session, as ``smtp_session``'s steps see it (``Line``) -----------------------------------------------
    def offers(self, extension: str) -> bool:
        smtp = self.smtp
        return smtp is not None and bool(smtp.does_esmtp) and smtp.has_extn(extension)

    def send(self, data: bytes) -> None:
        """Write ``data`` to the relay; a broken socket raises ``SMTPServerDisconnected`` (as ``smtplib`` does)."""
        if self.sock is None:
            raise smtplib.SMTPServerDisconnected("please run connect() first")
        try:
            self.sock.sendall(data)
        except OSError as exc:
            self.drop()
            raise smtplib.SMTPServerDisconnected(f"Server not connected: {exc}") from exc

    def reply(self) -> Steps:
        """Wait (by yielding) for the relay's next reply; return its code and text as ``smtplib.SMTP.getreply``."""
        while True:
            parsed = self._parse()
            if parsed is not None:
                return parsed
            if self.gone is not None or self.sock is None:
                cause = self.gone
                self.drop()
                raise smtplib.SMTPServerDisconnected(f"Connection unexpectedly closed: {cause}")
            yield

    def drop(self) -> None:
        """Close the socket without QUIT: the relay discards a DATA it did not get the dot of."""
        self.data_open = False
        smtp, self.smtp, self.sock = self.smtp, None, None
        self.inbox.clear()
        self.gone = None
        if smtp is not None:
            with contextlib.suppress(OSError):
                smtp.close()

    def _parse(self) -> tuple[int, bytes] | None:
        """Take one whole reply off ``inbox`` (None while it is incomplete)."""
        inbox, at, lines = self.inbox, 0, []
        while True:
            end = inbox.find(b"\n", at)
            if end < 0:
                if len(inbox) - at > MAX_LINE:
                    self.gone = smtplib.SMTPServerDisconnected("reply line too long")
                return None
            line = bytes(inbox[at : end + 1])
            at = end + 1
            lines.append(line[4:].strip(b" \t\r\n"))
            if line[3:4] != b"-":
                del inbox[:at]
                try:
                    code = int(line[:3])
                except ValueError:
                    code = -1
                return code, b"\n".join(lines)

    def _receive(self, *, wait: bool) -> bool:
        """Read what the relay sent (waiting up to the socket's timeout with ``wait``); return whether anything
        changed (bytes came in, or the socket turned out to be gone)."""
        sock = self.sock
        if sock is None or self.gone is not None:
            return self._mark_gone(None)
        pending = sock.pending() if isinstance(sock, ssl.SSLSocket) else 0
        if not wait and not pending:
            try:
                if not select.select([sock], [], [], 0)[0]:
                    return False
            except (OSError, ValueError) as exc:
                return self._mark_gone(exc)
        try:
            data = sock.recv(1 << 16)
        except OSError as exc:  # a timeout too: the relay did not answer within EMAIL_TIMEOUT
            return self._mark_gone(exc)
        if not data:
            return self._mark_gone(EOFError("the relay closed the connection"))
        self.inbox += data
        return True

    def _mark_gone(self, exc: BaseException | None) -> bool:
        if self.gone is None:
            self.gone = exc or EOFError("no session")
            return True
        return False

    # --- the steps ----------------------------------------------------------------------------------------------
    def _begin(self, wire: Wire, step: _Step) -> Generator[None, None, Outcome | None]:
        """Send all but the final dot; return None when the relay waits for it, else why not (nothing handed over)."""
        envelope_sent = self.smtp is not None and step.envelope_on == self.session
        if self.data_open:  # never start an envelope inside a DATA nobody finished
            self.drop()
        if self.smtp is not None and not envelope_sent and (self.inbox or self._receive(wait=False)):
            # Every reply owed was read before this step: anything more is the relay's own (a 421 or the end of a
            # session it closed while the worker was idle). Start afresh rather than fail this message on it.
            log.info("the relay ended the session on its own; opening a new one")
            self.drop()
        if self.smtp is None:
            try:
                self.smtp = self.settings.connect()
            except (OSError, smtplib.SMTPException) as exc:
                # Nothing handed over when the relay cannot be reached: safe to retry, not the recipient's fault.
                return Outcome.relay_down("smtp.connect", exc.__class__.__name__)
            self.session += 1
            self.sock = self.smtp.sock
            with contextlib.suppress(OSError, AttributeError):
                # Small writes go at once (no Nagle): the dot follows the bytes as a write of its own, and waiting for
                # the relay's delayed ACK before sending it would cost about 40 ms per message.
                self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # type: ignore[union-attr]
        try:
            yield from smtp_session.begin(self, wire, envelope_sent=envelope_sent)
        except smtp_session.SessionBroken as exc:
            # The session broke before the dot: the relay cannot deliver what it did not finish receiving. Before a
            # recipient was accepted that is the relay's trouble; after, it may be this message's, so it counts.
            self.drop()
            if exc.after_recipient:
                return Outcome.temporary("smtp.session_broken", exc.__class__.__name__)
            return Outcome.relay_down("smtp.session_broken", exc.__class__.__name__)
        except (smtplib.SMTPException, OSError) as exc:
            return smtp_outcome(exc)
        except Exception as exc:
            self.drop()
            return Outcome.temporary("campaigns.transport_error", exc.__class__.__name__)
        self.data_open = True
        return None

    def _finish(self) -> Generator[None, None, Outcome | None]:
        """Send the final dot of the begun message and return the outcome; None when nothing was begun."""
        if not self.data_open or self.smtp is None:
            return None
        self.data_open = False
        try:
            yield from smtp_session.finish(self, reset=lambda: not self._envelope_ahead())
        except (smtplib.SMTPException, OSError) as exc:
            outcome = smtp_outcome(exc)
            if outcome.kind == OutcomeKind.UNCERTAIN:
                self.drop()
            return outcome
        except Exception as exc:
            self.drop()
            return Outcome.uncertain("campaigns.transport_error", exc.__class__.__name__)
        return Outcome.sent()

    def _abort(self) -> Generator[None, None, Outcome | None]:
        self.drop()
        return None
        yield  # a generator, as every step

    def _quit(self) -> Generator[None, None, Outcome | None]:
        if self.data_open:
            self.drop()
        elif self.smtp is not None:
            with contextlib.suppress(smtplib.SMTPException):
                yield from smtp_session.quit_politely(self)
            self.drop()
        return None
