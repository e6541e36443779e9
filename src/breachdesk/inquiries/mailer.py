"""Send the desk's mail: only to the inquiry's own sender, threaded, from the desk address, through the guard."""

from __future__ import annotations

import secrets
from typing import Any

from django.utils import timezone

from breachdesk.core.crypto import cipher_for
from breachdesk.core.memo import memoized
from breachdesk.inquiries.errors import NotSendable
from breachdesk.inquiries.models import Channel, DeskConfig, Direction, Inquiry, Message, MessageKind
from breachdesk.outbound.guard import OutboundMessage, outbound_guard_enforce
from breachdesk.outbound.mailformat import JapaneseEmailMessage

DESK_HEADER = "X-Breachdesk-Desk"


def desk_config(incident: Any) -> DeskConfig:
    """Return the incident's desk settings, creating the defaults on first use (once per page in ``page_memo()``)."""
    return memoized(("desk_config", incident.pk), lambda: DeskConfig.objects.get_or_create(incident=incident)[0])


def message_id_index(incident_id: int, message_id: str) -> bytes | None:
    """Return the blind index of a Message-ID (threading finds messages without decrypting them)."""
    value = message_id.strip().lower()
    if not value:
        return None
    return cipher_for(incident_id).index_normalized("message_id", value)


def thread_headers(inquiry: Inquiry) -> tuple[str, str]:
    """Return In-Reply-To (the latest received Message-ID) and References (the thread's IDs, oldest first)."""
    ids: list[str] = []
    last_in = ""
    for message in inquiry.messages.all().order_by("at", "id"):
        mid = message.message_id or ""
        if mid and mid not in ids:
            ids.append(mid)
        if message.direction == Direction.IN and mid:
            last_in = mid
    return last_in, " ".join(ids[-20:])


REPLY_SUBJECT = "お問い合わせへのご回答"


def reply_subject(inquiry: Inquiry) -> str:
    """Return the subject of a reply: a web-form sender's subject was typed by anyone, so theirs is fixed."""
    subject = REPLY_SUBJECT if inquiry.channel == Channel.FORM else (inquiry.subject or "お問い合わせ")
    if not subject.lower().startswith("re:"):
        subject = f"Re: {subject}"
    tag = f"[#{inquiry.token}]"
    return subject if tag in subject else f"{subject} {tag}"


def desk_send(
    *,
    inquiry: Inquiry,
    body: str,
    kind: str,
    actor: Any,
    automatic: bool = False,
    subject: str | None = None,
) -> Message:
    """Send ``body`` to the inquiry's sender and store it as an outbound message; raise ``MisSendBlocked``.

    Raise ``NotSendable`` for anything but the acknowledgment while a web-form sender has not confirmed the address.
    """
    if inquiry.awaiting_confirmation and kind != MessageKind.ACK:
        raise NotSendable(
            "The sender has not confirmed this address yet: the desk cannot mail it.",
            code="inquiries.sender_unconfirmed",
        )
    incident = inquiry.incident
    config = desk_config(incident)
    recipient = inquiry.sender_email or ""
    subject = subject or reply_subject(inquiry)
    outbound_guard_enforce(
        message=OutboundMessage(
            incident=incident,
            to=[recipient],
            subject=subject,
            body=body,
            person_id=inquiry.person_id if inquiry.identity_verified else None,
            expected_recipient=recipient,
            allowed_addresses=frozenset({config.desk_address}),
        )
    )
    in_reply_to, references = thread_headers(inquiry)
    domain = config.desk_address.rpartition("@")[2] or "localhost"
    message_id = f"<bd.{inquiry.token}.{secrets.token_hex(8)}@{domain}>"
    headers = {
        "Message-ID": message_id,
        DESK_HEADER: incident.code,
        # Ask auto-responders (out-of-office) not to answer us, so two robots cannot loop.
        "X-Auto-Response-Suppress": "All",
    }
    if in_reply_to:
        headers["In-Reply-To"] = in_reply_to
        headers["References"] = references
    if automatic:
        headers["Auto-Submitted"] = "auto-replied"
    JapaneseEmailMessage(
        subject=subject,
        body=body,
        from_email=config.desk_address,
        to=[recipient],
        headers=headers,
        mail_charset=config.outbound_charset,
    ).send()
    stored = Message(
        incident=incident,
        inquiry=inquiry,
        direction=Direction.OUT,
        kind=kind,
        at=timezone.now(),
        bidx_message_id=message_id_index(incident.pk, message_id),
        author=actor if actor is not None and not isinstance(actor, str) else None,
    )
    stored.message_id = message_id
    stored.references = references
    stored.subject = subject
    stored.text = body
    stored.save()
    return stored


__all__ = ["DESK_HEADER", "MessageKind", "desk_config", "desk_send", "message_id_index", "thread_headers"]
