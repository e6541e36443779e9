"""Run a real SMTP server (aiosmtpd) on loopback and point Django's SMTP backend at it.

Use the ``smtp_sink`` fixture: every message that Django sends during the test arrives in ``sink.messages`` as an
``email.message.EmailMessage`` parsed from the bytes that crossed the wire, with its envelope in ``sink.envelopes``.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from breachdesk.testing.sink_process import with_pipelining


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class SmtpSink:
    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    refuse_senders: set[str] = field(default_factory=set)
    pipelining: bool = False  # offer PIPELINING (RFC 2920), as Postfix and the big relays do
    answering: threading.Event = field(default_factory=threading.Event)  # cleared: the final dot waits for its answer
    _lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        return with_pipelining(responses) if self.pipelining else responses

    async def handle_MAIL(self, server: Any, session: Any, envelope: Any, address: str, mail_options: list[str]) -> str:
        if address.lower() in self.refuse_senders:
            return "550 5.7.1 Sender refused"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.lower() in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    def __post_init__(self) -> None:
        self.answering.set()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        while not self.answering.is_set():  # a slow relay: the message is taken only once it answers
            await asyncio.sleep(0.005)
        parsed = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self._lock:
            self.messages.append(parsed)
            self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"

    def clear(self) -> None:
        with self._lock:
            self.messages.clear()
            self.envelopes.clear()


@pytest.fixture
def smtp_sink(settings: Any) -> Iterator[SmtpSink]:
    """Start an SMTP server on 127.0.0.1 for one test and send Django's mail to it."""
    yield from _sink_running(settings, pipelining=False)


@pytest.fixture
def smtp_sink_pipelining(settings: Any) -> Iterator[SmtpSink]:
    """Like ``smtp_sink``, offering PIPELINING."""
    yield from _sink_running(settings, pipelining=True)


def _sink_running(settings: Any, *, pipelining: bool) -> Iterator[SmtpSink]:
    sink = SmtpSink(host="127.0.0.1", port=_free_port(), pipelining=pipelining)
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = sink.host
    settings.EMAIL_PORT = sink.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield sink
    finally:
        controller.stop()
