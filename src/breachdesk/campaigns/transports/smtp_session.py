"""Hand a message to an SMTP relay in two steps, so that the hand-over itself is one line: the final dot.

SMTP hands a message over when the relay answers the ``.`` that ends DATA: before it, a relay must not deliver, and a
session that breaks off is discarded (RFC 5321, 4.1.1.4 and 6.1). ``smtplib.SMTP.sendmail`` runs the whole
conversation in one call. Split in two, everything that is not the hand-over can run while the worker is still
committing the previous message's outcome and this message's ``sending`` mark:

- ``begin``: MAIL FROM, RCPT TO, DATA and the message's bytes, without the final dot. Refusals here (a refused sender
  or recipient, DATA refused) come back as an outcome with nothing handed over, and a broken session too.
- ``finish``: the dot, and the relay's answer. Only from here on can a broken session mean "maybe delivered".
- ``abort``: close the socket mid-DATA (no QUIT, which the relay would read as message text), so the relay drops
  what it got. Used when the worker decides not to hand a begun message over after all.

Replies are read exactly as ``sendmail`` reads them (SIZE declared when the relay offers it; RSET after a refusal; the
connection closed on a 421), and errors are raised as ``smtplib``'s own exceptions, so ``smtp_outcome`` classifies
them as before.
"""

from __future__ import annotations

import contextlib
import re
import smtplib
import socket
from dataclasses import dataclass
from typing import Any

from breachdesk.campaigns.transports.base import Outcome

CRLF = b"\r\n"
_LEADING_DOT = re.compile(rb"(?m)^\.")


@dataclass(frozen=True)
class Wire:
    """Hold what goes on the wire for one message: the envelope and the bytes."""

    from_email: str
    recipients: list[str]
    data: bytes


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


def no_delay(smtp: smtplib.SMTP) -> None:
    """Send small writes at once (no Nagle): the final dot follows the bytes as a write of its own, and waiting for
    the relay's delayed ACK before sending it would cost about 40 ms per message."""
    if smtp.sock is not None:
        with contextlib.suppress(OSError):
            smtp.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def _rset(smtp: smtplib.SMTP) -> None:
    with contextlib.suppress(smtplib.SMTPServerDisconnected):
        smtp.rset()


def _after_refusal(smtp: smtplib.SMTP, code: int) -> None:
    """Leave the session as ``sendmail`` does after a refusal: closed on 421 (the relay is going away), else reset."""
    if code == 421:
        smtp.close()
    else:
        _rset(smtp)


class SessionBroken(Exception):
    """The session broke off during ``begin``: nothing was handed over. ``after_recipient``: a recipient had been
    accepted already (the break may then be this message's own, not the relay's)."""

    def __init__(self, cause: BaseException, *, after_recipient: bool) -> None:
        super().__init__(f"{cause.__class__.__name__}: {cause}")
        self.after_recipient = after_recipient


def begin(smtp: smtplib.SMTP, wire: Wire) -> None:
    """Send the envelope and the message without the final dot; raise ``smtplib``'s exception on a refusal, and
    ``SessionBroken`` when the connection breaks off.

    Nothing is handed over here: after a refusal the session is reset (or closed on 421) and can be used again.
    """
    accepted: list[str] = []
    try:
        _begin(smtp, wire, accepted)
    except smtplib.SMTPServerDisconnected as exc:
        raise SessionBroken(exc, after_recipient=bool(accepted)) from exc
    except smtplib.SMTPException:  # a reply (a refusal): an OSError too, but not a broken session
        raise
    except OSError as exc:
        raise SessionBroken(exc, after_recipient=bool(accepted)) from exc


def _begin(smtp: smtplib.SMTP, wire: Wire, accepted: list[str]) -> None:
    smtp.ehlo_or_helo_if_needed()
    no_delay(smtp)
    options = []
    if smtp.does_esmtp and smtp.has_extn("size"):
        options.append(f"size={len(wire.data)}")
    # With PIPELINING (RFC 2920) MAIL, every RCPT and DATA go in one write and their replies are read in order: one
    # round trip instead of two plus one per recipient. The message itself still waits for the reply to DATA.
    pipelined = bool(smtp.does_esmtp and smtp.has_extn("pipelining"))
    if pipelined:
        _envelope_send(smtp, wire, options)
        code, reply = smtp.getreply()
    else:
        code, reply = smtp.mail(wire.from_email, options)
    if code != 250:
        if pipelined and code != 421:
            _replies_skip(smtp, len(wire.recipients) + 1)  # the RCPT and DATA replies owed: read before RSET
        _after_refusal(smtp, code)
        raise smtplib.SMTPSenderRefused(code, reply, wire.from_email)
    refused: dict[str, tuple[int, bytes]] = {}
    for recipient in wire.recipients:
        code, reply = smtp.getreply() if pipelined else smtp.rcpt(recipient)
        if code not in (250, 251):
            refused[recipient] = (code, reply)
        else:
            accepted.append(recipient)
        if code == 421:
            smtp.close()
            raise smtplib.SMTPRecipientsRefused(refused)
    if pipelined:
        code, reply = smtp.getreply()
    if len(refused) == len(wire.recipients):
        if pipelined and code == 354:
            # A relay that must not, but does, open DATA without a recipient: drop the session, send nothing.
            abort(smtp)
        else:
            _rset(smtp)
        raise smtplib.SMTPRecipientsRefused(refused)
    if not pipelined:
        smtp.putcmd("data")
        code, reply = smtp.getreply()
    if code != 354:
        _after_refusal(smtp, code)
        raise smtplib.SMTPDataError(code, reply)
    smtp.send(dot_stuffed(wire.data))


def _envelope_send(smtp: smtplib.SMTP, wire: Wire, options: list[str]) -> None:
    """Write MAIL, every RCPT and DATA at once, each line as ``smtplib`` would write it."""
    optionlist = "".join(f" {option}" for option in options)
    lines = [f"mail FROM:{smtplib.quoteaddr(wire.from_email)}{optionlist}"]
    lines += [f"rcpt TO:{smtplib.quoteaddr(recipient)}" for recipient in wire.recipients]
    lines.append("data")
    if any("\r" in line or "\n" in line for line in lines):
        raise ValueError("command and arguments contain prohibited newline characters")
    smtp.send("".join(f"{line}\r\n" for line in lines))


def _replies_skip(smtp: smtplib.SMTP, count: int) -> None:
    with contextlib.suppress(smtplib.SMTPServerDisconnected):
        for _ in range(count):
            smtp.getreply()


def finish(smtp: smtplib.SMTP) -> None:
    """Send the final dot (the hand-over) and read the relay's answer; raise ``smtplib``'s exception unless 250."""
    smtp.send(b"." + CRLF)
    code, reply = smtp.getreply()
    if code != 250:
        _after_refusal(smtp, code)
        raise smtplib.SMTPDataError(code, reply)


def abort(smtp: Any) -> None:
    """Drop the session without the final dot: the relay discards the message it was receiving."""
    with contextlib.suppress(OSError):
        smtp.close()
