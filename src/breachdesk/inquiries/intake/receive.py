"""Turn anything that arrives (form, mail, phone note, API, upload) into an inquiry and its message.

Every channel ends in ``inquiry_receive``: loop guard, threading (Message-ID, In-Reply-To, References, then the
token in the subject from the same sender), storage (encrypted), classification, registry match, SLA clock and the
acknowledgment row. The worker is woken after the transaction commits.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import os
import re
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from breachdesk.core import jptext
from breachdesk.core.crypto import cipher_for, table_of
from breachdesk.incidents.models import Incident
from breachdesk.inquiries import events
from breachdesk.inquiries import labels as label_vocabulary
from breachdesk.inquiries.ack import ack_enqueue
from breachdesk.inquiries.classify import classify
from breachdesk.inquiries.intake.mime import MAX_ATTACHMENT_BYTES, ParsedAttachment, ParsedMail
from breachdesk.inquiries.intake.pending import inquiry_match_and_request
from breachdesk.inquiries.learning import incident_model
from breachdesk.inquiries.mailer import desk_config, message_id_index
from breachdesk.inquiries.models import (
    Attachment,
    Channel,
    Direction,
    Inquiry,
    InquiryStatus,
    Message,
    MessageKind,
)
from breachdesk.inquiries.sla import add_business_days
from breachdesk.inquiries.wake import desk_wake_soon

_TOKEN = re.compile(r"\[#([A-Z0-9]{10})\]")
_TOKEN_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # noqa: S105 - letters of a reference number


@dataclass
class Incoming:
    """Describe one received message in channel-neutral terms."""

    channel: str
    subject: str = ""
    text: str = ""
    html: str = ""
    sender_name: str = ""
    sender_email: str = ""
    sender_phone: str = ""
    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    auto_reason: str = ""
    attachments: list[ParsedAttachment] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    received_at: datetime | None = None
    kind: str = MessageKind.INBOUND
    own_desk_header: bool = False
    reply_to: str = ""  # shown beside the sender, never used for matching or threading (intake/sender.py)
    auth_results: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_mail(cls, mail: ParsedMail, *, channel: str = Channel.EMAIL, own_header: bool = False) -> Incoming:
        return cls(
            channel=channel,
            subject=mail.subject,
            text=mail.text,
            html=mail.html,
            sender_name=mail.from_name,
            sender_email=mail.from_address,
            message_id=mail.message_id,
            in_reply_to=mail.in_reply_to,
            references=mail.references,
            auto_reason=mail.auto_reason,
            attachments=mail.attachments,
            problems=mail.problems,
            own_desk_header=own_header,
        )


@dataclass(frozen=True)
class Received:
    inquiry: Inquiry | None
    created: bool
    dropped: str = ""


def new_token() -> str:
    return "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(10))


def _clean_email(value: str) -> str:
    value = jptext.strip_invisible(value or "").strip()
    return value if re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", value) else ""


def _own_message(incident: Incident, incoming: Incoming) -> str:
    """Return why the message is our own mail coming back (a loop), or an empty string."""
    if incoming.own_desk_header or incoming.message_id.startswith("<bd."):
        return "own-message"
    config = desk_config(incident)
    if incoming.sender_email and jptext.normalize_email(incoming.sender_email) == jptext.normalize_email(
        config.desk_address
    ):
        return "from-desk-address"
    digest = message_id_index(incident.pk, incoming.message_id)
    if digest and Message.objects.filter(incident=incident, bidx_message_id=digest, direction=Direction.OUT).exists():
        return "own-message"
    return ""


def _find_thread(incident: Incident, incoming: Incoming, sender_index: bytes | None) -> Inquiry | None:
    ids = [incoming.in_reply_to, *reversed(incoming.references)]
    digests = [d for d in (message_id_index(incident.pk, i) for i in ids if i) if d]
    if digests:
        found = (
            Message.objects.filter(incident=incident, bidx_message_id__in=digests)
            .select_related("inquiry")
            .order_by("-at")
            .first()
        )
        if found is not None:
            return found.inquiry
    token = _TOKEN.search(incoming.subject or "")
    if token and sender_index:
        # A token alone is guessable from a forwarded mail, so it threads only mail from the same sender.
        return Inquiry.objects.filter(incident=incident, token=token.group(1), bidx_sender_email=sender_index).first()
    return None


def _store_attachment(message: Message, parsed: ParsedAttachment) -> Attachment:
    attachment = Attachment(
        incident_id=message.incident_id,
        message=message,
        content_type=parsed.content_type,
        size=parsed.size,
        sha256=parsed.sha256,
    )
    attachment.filename = parsed.filename
    if parsed.mail is not None:
        attachment.mail_summary = json.dumps(dataclasses.asdict(parsed.mail), ensure_ascii=False)
    if parsed.content is None or parsed.size > MAX_ATTACHMENT_BYTES:
        attachment.dropped_reason = "too_large"
    else:
        directory = Path(settings.MEDIA_ROOT) / "inquiries" / str(message.incident_id)
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        directory.chmod(0o700)  # also a directory made by an earlier release
        path = directory / f"{uuid.uuid4().hex}.bin"
        blob = cipher_for(message.incident_id).encrypt(
            "attachment.content",
            base64.b64encode(parsed.content).decode(),
            table=table_of(attachment),
            row=attachment.aad_id,
        )
        with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:  # private, like uploads
            out.write(blob or b"")
        attachment.stored_path = str(path.relative_to(settings.MEDIA_ROOT))
    attachment.save()
    return attachment


def read_attachment(attachment: Attachment) -> bytes:
    """Return the decrypted content of a stored attachment."""
    path = Path(settings.MEDIA_ROOT) / attachment.stored_path
    text = cipher_for(attachment.incident_id).decrypt(
        "attachment.content", path.read_bytes(), table=table_of(attachment), row=attachment.aad_id
    )
    return base64.b64decode(text or "")


def _add_message(inquiry: Inquiry, incoming: Incoming, at: datetime, actor: Any) -> Message:
    message = Message(
        incident_id=inquiry.incident_id,
        inquiry=inquiry,
        direction=Direction.IN,
        kind=incoming.kind,
        at=at,
        bidx_message_id=message_id_index(inquiry.incident_id, incoming.message_id),
        auto_reason=incoming.auto_reason[:40],
        parse_problems=sorted(set(incoming.problems))[:20],
        author=actor if actor is not None and not isinstance(actor, str) else None,
    )
    message.message_id = incoming.message_id[:998]
    message.references = " ".join(incoming.references)
    message.from_address = incoming.sender_email
    message.subject = incoming.subject
    message.text = incoming.text
    message.html = incoming.html
    message.save()
    for parsed in incoming.attachments[:50]:
        _store_attachment(message, parsed)
    return message


def inquiry_classify(*, inquiry: Inquiry, subject: str, text: str, actor: Any) -> Inquiry:
    """Classify the inquiry's text unless a person already corrected its labels."""
    if inquiry.labels_corrected:
        return inquiry
    result = classify(subject=subject, body=text, model=incident_model(inquiry.incident_id))
    inquiry.labels = result.labels
    inquiry.label_bits = label_vocabulary.mask_of(result.labels)
    inquiry.evidence = result.evidence
    inquiry.save(update_fields=["labels", "label_bits", "evidence", "updated_at"])
    events.inquiry_classified_event(inquiry=inquiry, actor=actor)
    return inquiry


def inquiry_receive(*, incident: Incident, incoming: Incoming, actor: Any) -> Received:
    """Store ``incoming`` in its thread or as a new inquiry; return the inquiry (``None`` when it was our own mail)."""
    own = _own_message(incident, incoming)
    if own:
        events.inquiry_loop_dropped_event(incident=incident, actor=actor, reason=own)
        return Received(None, False, own)
    at = incoming.received_at or timezone.now()
    email = _clean_email(incoming.sender_email)
    incoming.sender_email = email
    cipher = cipher_for(incident.pk)
    sender_index = cipher.blind_index("email", email) if email else None
    with transaction.atomic():
        if incoming.message_id:
            digest = message_id_index(incident.pk, incoming.message_id)
            duplicate = Message.objects.filter(incident=incident, bidx_message_id=digest).select_related("inquiry")
            first = duplicate.first()
            if first is not None:
                return Received(first.inquiry, False, "duplicate")
        inquiry = _find_thread(incident, incoming, sender_index) if incoming.channel != Channel.PHONE else None
        if inquiry is not None:
            message = _add_message(inquiry, incoming, at, actor)
            updates = ["last_message_at", "updated_at"]
            inquiry.last_message_at = at
            if inquiry.status != InquiryStatus.OPEN and not incoming.auto_reason:
                inquiry.status = InquiryStatus.OPEN
                updates.append("status")
            inquiry.save(update_fields=updates)
            events.inquiry_message_added_event(inquiry=inquiry, actor=actor, message_id=message.pk, kind=message.kind)
            if not incoming.auto_reason:
                texts = "\n".join(m.text or "" for m in inquiry.messages.filter(direction=Direction.IN))
                inquiry_classify(inquiry=inquiry, subject=inquiry.subject or "", text=texts, actor=actor)
            return Received(inquiry, False)
        config = desk_config(incident)
        inquiry = Inquiry(
            incident=incident,
            token=new_token(),
            channel=incoming.channel,
            received_at=at,
            last_message_at=at,
            has_email=bool(email),
            # Anyone can type any address into the web form: the sender confirms it before the desk mails it again.
            awaiting_confirmation=bool(email) and incoming.channel == Channel.FORM,
            auto_generated=bool(incoming.auto_reason),
            bidx_sender_email=sender_index,
            due_at=add_business_days(at, config.first_answer_business_days),
        )
        inquiry.subject = (incoming.subject or "")[:500]
        inquiry.sender_name = (incoming.sender_name or "")[:200]
        inquiry.sender_email = email
        inquiry.sender_phone = (incoming.sender_phone or "")[:40]
        reply_to = _clean_email(incoming.reply_to)
        if reply_to and jptext.normalize_email(reply_to) != jptext.normalize_email(email):
            inquiry.reply_to = reply_to
        inquiry.auth_results = dict(incoming.auth_results)
        inquiry.save()
        _add_message(inquiry, incoming, at, actor)
        events.inquiry_received_event(inquiry=inquiry, actor=actor)
        inquiry_classify(inquiry=inquiry, subject=incoming.subject, text=incoming.text, actor=actor)
        if incoming.channel == Channel.FORM:
            # The form's request must not do more work (or write more) when the sender is in the registry: the
            # worker matches it (``inquiries_match_pending``).
            Inquiry.objects.filter(pk=inquiry.pk).update(match_pending=True)
            inquiry.match_pending = True
        else:
            inquiry_match_and_request(inquiry=inquiry, actor=actor)
        if ack_enqueue(inquiry=inquiry) is not None:
            transaction.on_commit(desk_wake_soon)
    return Received(inquiry, True)
