"""Take inquiries from the public web form and the staff's phone log, and rate-limit the form per IP."""

from __future__ import annotations

import secrets
from typing import Any

from breachdesk.core import ratelimit
from breachdesk.incidents.models import Incident
from breachdesk.inquiries.errors import RateLimited
from breachdesk.inquiries.intake.receive import Incoming, Received, inquiry_receive
from breachdesk.inquiries.models import Channel, MessageKind

FORM_LIMIT = 5
FORM_WINDOW_SECONDS = 15 * 60


def rate_limit_hit(*, scope: str, client_ip: str, limit: int = FORM_LIMIT, window: int = FORM_WINDOW_SECONDS) -> None:
    """Count one request of ``client_ip`` in ``scope``; raise ``RateLimited`` past ``limit`` in the window.

    The address is kept only as an HMAC, and the counter lives in the database so every web process shares it
    (``core.ratelimit``, one statement per request).
    """
    count = ratelimit.rate_hit(key=ratelimit.hashed_key(f"form:{scope}", client_ip or "-"), window_seconds=window)
    if count > limit:
        raise RateLimited("Too many messages from this connection. Please try again later.")
    if count == 1 and secrets.randbelow(50) == 0:  # now and then, forget windows that are over
        ratelimit.rate_prune(window_seconds=window)


def form_submit(
    *,
    incident: Incident,
    name: str,
    email: str,
    phone: str,
    member_id: str,
    subject: str,
    body: str,
) -> Received:
    """Take in a public form submission as a new inquiry."""
    text = body if not member_id else f"{body}\n\n会員番号: {member_id}"
    incoming = Incoming(
        channel=Channel.FORM,
        subject=subject,
        text=text,
        sender_name=name,
        sender_email=email,
        sender_phone=phone,
    )
    return inquiry_receive(incident=incident, incoming=incoming, actor="public-form")


def phone_log(
    *,
    incident: Incident,
    actor: Any,
    caller_name: str,
    phone: str,
    email: str,
    summary: str,
    subject: str = "",
) -> Received:
    """Record a phone call as an inquiry; with an email address it is acknowledged in writing too."""
    incoming = Incoming(
        channel=Channel.PHONE,
        kind=MessageKind.PHONE_NOTE,
        subject=subject or "電話でのお問い合わせ",
        text=summary,
        sender_name=caller_name,
        sender_email=email,
        sender_phone=phone,
    )
    return inquiry_receive(incident=incident, incoming=incoming, actor=actor)
