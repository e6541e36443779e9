"""Hand a message to an SMTP relay in two steps, so that the hand-over itself is one line: the final dot.

SMTP hands a message over when the relay answers the ``.`` that ends DATA: before it, a relay must not deliver, and a
session that breaks off is discarded (RFC 5321, 4.1.1.4 and 6.1). ``smtplib.SMTP.sendmail`` runs the whole
conversation in one call. Split in two, everything that is not the hand-over can run while the worker is still
committing the previous message's outcome and this message's ``sending`` mark:

- ``begin``: MAIL FROM, RCPT TO, DATA and the message's bytes, without the final dot. Refusals here (a refused sender
  or recipient, DATA refused) come back as ``smtplib``'s exceptions with nothing handed over, and a broken session as
  ``SessionBroken``.
- ``finish``: the dot, and the relay's answer. Only from here on can a broken session mean "maybe delivered".
- dropping the session mid-DATA (closing the socket, no QUIT, which the relay would read as message text) makes the
  relay discard what it got: ``Line.drop``.

The steps are generators over a ``Line`` (``relay_connection.RelayConnection``): they write what they must and
``yield`` whenever they need a reply that has not come in yet, so the worker goes on with its own work meanwhile
instead of waiting on the socket. Replies are read exactly as ``sendmail`` reads them (SIZE declared when the relay
offers it; RSET after a refusal; the session dropped on a 421), so ``smtp_outcome`` classifies them as before.
"""

from __future__ import annotations

import contextlib
import re
import smtplib
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Protocol

from breachdesk.campaigns.transports.base import Outcome

CRLF = b"\r\n"
_LEADING_DOT = re.compile(rb"(?m)^\.")

Steps = Generator[None, None, tuple[int, bytes]]  # a wait for one reply: its code and text


@dataclass(frozen=True)
class Wire:
    """Hold what goes on the wire for one message: the envelope and the bytes."""

    from_email: str
    recipients: list[str]
    data: bytes


class Line(Protocol):
    """The relay session as the steps see it: what it offers, a write, the next reply, and dropping it."""

    def offers(self, extension: str) -> bool: ...

    def send(self, data: bytes) -> None: ...

    def reply(self) -> Steps: ...

    def drop(self) -> None: ...


def smtp_outcome(exc: Exception) -> Outcome:
    """Classify an SMTP error: 5xx is permanent, 4xx temporary, a broken session uncertain (it may have gone).

    A refusal by the relay itself (421 "service not available", or the sender refused with a 4xx) is not the
    recipient's: it counts no attempt against them (``Outcome.relay_down``).
    """
    if isinstance(exc, smtplib.SMTPSenderRefused) and exc.smtp_code < 500:
        return Outcome.relay_down(f"smtp.{exc.smtp_code}", "sender refused by the relay")
    if isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code == 421:
        return Outcome.relay_down("smtp.421", "relay not available")
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in exc.recipients.values()]
        code = codes[0] if codes else 550
        kind = Outcome.permanent if code >= 500 else Outcome.temporary
        return kind(f"smtp.{code}", "recipient refused")
    if isinstance(exc, smtplib.SMTPResponseException):
        kind = Outcome.permanent if exc.smtp_code >= 500 else Outcome.temporary
        return kind(f"smtp.{exc.smtp_code}", exc.__class__.__name__)
    return Outcome.uncertain("smtp.session_broken", exc.__class__.__name__)


def dot_stuffed(data: bytes) -> bytes:
    """Return the DATA payload without its terminator: leading dots doubled, ending with CRLF."""
    stuffed = _LEADING_DOT.sub(b"..", data)
    return stuffed if stuffed.endswith(CRLF) else stuffed + CRLF


def command(verb: str, argument: str = "") -> bytes:
    """Return one command line as ``smtplib.SMTP.putcmd`` writes it (a line break in it is refused, never sent)."""
    line = f"{verb} {argument}" if argument else verb
    if "\r" in line or "\n" in line:
        raise ValueError("command and arguments contain prohibited newline characters")
    return f"{line}\r\n".encode("ascii")


class SessionBroken(Exception):
    """The session broke off during ``begin``: nothing was handed over. ``after_recipient``: a recipient had been
    accepted already (the break may then be this message's own, not the relay's)."""

    def __init__(self, cause: BaseException, *, after_recipient: bool) -> None:
        super().__init__(f"{cause.__class__.__name__}: {cause}")
        self.after_recipient = after_recipient


def envelope(wire: Wire, *, size: bool) -> bytes:
    """Return MAIL, every RCPT and DATA as one pipelined write (RFC 2920), each line as ``smtplib`` writes it."""
    options = f" size={len(wire.data)}" if size else ""
    mail = command("mail", f"FROM:{smtplib.quoteaddr(wire.from_email)}{options}")
    return mail + b"".join(command("rcpt", f"TO:{smtplib.quoteaddr(r)}") for r in wire.recipients) + b"data\r\n"


def begin(line: Line, wire: Wire, *, envelope_sent: bool = False) -> Generator[None, None, None]:
    """Send the envelope and the message without the final dot; raise ``smtplib``'s exception on a refusal, and
    ``SessionBroken`` when the connection breaks off. ``envelope_sent``: the pipelined envelope is on the wire
    already (written behind the previous message's dot), only its replies are to be read.

    Nothing is handed over here: after a refusal the session is reset (or dropped on 421) and can be used again.
    """
    accepted: list[str] = []
    try:
        yield from _begin(line, wire, accepted, envelope_sent)
    except smtplib.SMTPServerDisconnected as exc:
        raise SessionBroken(exc, after_recipient=bool(accepted)) from exc
    except smtplib.SMTPException:  # a reply (a refusal): an OSError too, but not a broken session
        raise
    except OSError as exc:
        raise SessionBroken(exc, after_recipient=bool(accepted)) from exc


def _begin(line: Line, wire: Wire, accepted: list[str], envelope_sent: bool) -> Generator[None, None, None]:
    # With PIPELINING (RFC 2920) MAIL, every RCPT and DATA go in one write and their replies are read in order: one
    # round trip instead of two plus one per recipient. The message itself still waits for the reply to DATA.
    pipelined = envelope_sent or line.offers("pipelining")
    if pipelined:
        if not envelope_sent:
            line.send(envelope(wire, size=line.offers("size")))
    else:
        options = f" size={len(wire.data)}" if line.offers("size") else ""
        line.send(command("mail", f"FROM:{smtplib.quoteaddr(wire.from_email)}{options}"))
    code, reply = yield from line.reply()
    if code != 250:
        if pipelined and code != 421:
            yield from _replies_skip(line, len(wire.recipients) + 1)  # the RCPT and DATA replies owed: before RSET
        yield from _after_refusal(line, code)
        raise smtplib.SMTPSenderRefused(code, reply, wire.from_email)
    refused: dict[str, tuple[int, bytes]] = {}
    for recipient in wire.recipients:
        if not pipelined:
            line.send(command("rcpt", f"TO:{smtplib.quoteaddr(recipient)}"))
        code, reply = yield from line.reply()
        if code not in (250, 251):
            refused[recipient] = (code, reply)
        else:
            accepted.append(recipient)
        if code == 421:
            line.drop()
            raise smtplib.SMTPRecipientsRefused(refused)
    if not pipelined and len(refused) < len(wire.recipients):
        line.send(b"data\r\n")
    if pipelined or len(refused) < len(wire.recipients):
        code, reply = yield from line.reply()
    if len(refused) == len(wire.recipients):
        if pipelined and code == 354:
            # A relay that must not, but does, open DATA without a recipient: drop the session, send nothing.
            line.drop()
        else:
            yield from _rset(line)
        raise smtplib.SMTPRecipientsRefused(refused)
    if code != 354:
        yield from _after_refusal(line, code)
        raise smtplib.SMTPDataError(code, reply)
    line.send(dot_stuffed(wire.data))


def finish(line: Line, *, reset: Callable[[], bool] = lambda: True) -> Generator[None, None, None]:
    """Send the final dot (the hand-over) and read the relay's answer; raise ``smtplib``'s exception unless 250.

    After a refusal the session is reset as ``sendmail`` does, unless ``reset()`` says the next envelope is on the wire
    already: the transaction is over either way (RFC 5321, 4.1.1.4), and an RSET behind that envelope would be read
    as the next message's text."""
    line.send(b"." + CRLF)
    code, reply = yield from line.reply()
    if code != 250:
        if code == 421 or reset():
            yield from _after_refusal(line, code)
        raise smtplib.SMTPDataError(code, reply)


def quit_politely(line: Line) -> Generator[None, None, None]:
    """End the session with QUIT and its reply, as ``smtplib.SMTP.quit`` does (a relay gone already is fine)."""
    with contextlib.suppress(OSError):
        line.send(command("quit"))
        yield from line.reply()


def _rset(line: Line) -> Generator[None, None, None]:
    with contextlib.suppress(smtplib.SMTPServerDisconnected):
        line.send(command("rset"))
        yield from line.reply()


def _after_refusal(line: Line, code: int) -> Generator[None, None, None]:
    """Leave the session as ``sendmail`` does after a refusal: dropped on 421 (the relay is going away), else reset."""
    if code == 421:
        line.drop()
    else:
        yield from _rset(line)


def _replies_skip(line: Line, count: int) -> Generator[None, None, None]:
    with contextlib.suppress(smtplib.SMTPServerDisconnected):
        for _ in range(count):
            yield from line.reply()
