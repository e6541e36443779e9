"""Fill the OCO demo desk: approved answer blocks for every label and a few hundred inquiries over two weeks.

The texts come from the team's labelled set; about a third of the senders are registry members (the demo registry's
addresses), so the desk shows verified matches. Some inquiries are already answered. Acknowledgments of this
invented history are recorded as sent, so the demo never mails anyone. One deletion request comes from a stranger
naming a member's ID: it stays unverified, waiting for the member to follow the link sent to the registered address.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from breachdesk.inquiries import events
from breachdesk.inquiries.classify.evaluate import load
from breachdesk.inquiries.intake.receive import Incoming, inquiry_receive
from breachdesk.inquiries.models import (
    Acknowledgment,
    AckStatus,
    AnswerBlock,
    Channel,
    DeletionRequest,
    Inquiry,
    InquiryStatus,
    ReplyStatus,
)
from breachdesk.inquiries.testing import approved_default_blocks

ORDER = 30
SEED = 20260303
COUNT = 300
DOMAINS = ("example.jp", "example.com", "example.net", "example.org")


def build(*, log: Callable[[str], None]) -> None:
    """Create the demo desk unless it already has answer blocks."""
    from django.contrib.auth import get_user_model

    from breachdesk.incidents.demo import DEMO_CODE
    from breachdesk.incidents.models import Incident
    from breachdesk.incidents.selectors import incident_access
    from breachdesk.inquiries import services
    from breachdesk.registry import demo as registry_demo

    incident = Incident.objects.filter(code=DEMO_CODE).first()
    if incident is None:
        log("demo: desk skipped, the OCO incident does not exist")
        return
    if AnswerBlock.objects.filter(incident=incident).exists():
        log("demo: the desk is already loaded")
        return
    users = get_user_model().objects.in_bulk(["desk1", "desk2", "legal", "lead"], field_name="username")
    rng = random.Random(SEED)  # noqa: S311 - reproducible synthetic data
    rows = load()
    now = timezone.now()
    services.desk_config_update(
        incident=incident,
        actor=users["lead"],
        desk_address="support@oco-demo.invalid",
        notice_url="https://oco-demo.invalid/notice",
    )
    approved_default_blocks(incident=incident, author=users["desk1"], approver=users["legal"])
    created = answered = 0
    for n in range(COUNT):
        row = rows[rng.randrange(len(rows))]
        if rng.random() < 0.35:
            number = rng.randrange(1, registry_demo.MEMBERS + 1)  # a member of the demo registry
            sender = f"member{number:07d}@{DOMAINS[number % len(DOMAINS)]}"
        else:
            sender = f"guest{n:04d}@{rng.choice(DOMAINS)}"
        channel = rng.choice([Channel.EMAIL] * 6 + [Channel.FORM] * 3 + [Channel.PHONE])
        received = now - timedelta(days=rng.randrange(0, 14), minutes=rng.randrange(0, 24 * 60))
        with transaction.atomic():
            result = inquiry_receive(
                incident=incident,
                incoming=Incoming(
                    channel=channel,
                    subject=row["subject"] or "お問い合わせ",
                    text=row["body"],
                    sender_email="" if channel == Channel.PHONE else sender,
                    sender_phone="090-0000-0000" if channel == Channel.PHONE else "",
                    received_at=received,
                ),
                actor="demo",
            )
            inquiry = result.inquiry
            if inquiry is None:
                continue
            created += 1
            Acknowledgment.objects.filter(inquiry=inquiry).update(
                status=AckStatus.SENT, sent_at=received + timedelta(seconds=rng.randrange(3, 40))
            )
            if inquiry.awaiting_confirmation:  # invented history: the form's senders confirmed their addresses
                Inquiry.objects.filter(pk=inquiry.pk).update(
                    awaiting_confirmation=False, sender_confirmed_at=received + timedelta(minutes=5)
                )
                inquiry.refresh_from_db()
            if inquiry.has_email and received < now - timedelta(days=3) and rng.random() < 0.6:
                reply = services.reply_submit(
                    reply=services.reply_draft(inquiry=inquiry, actor=users["desk1"]), actor=users["desk1"]
                )
                if reply.status == ReplyStatus.IN_REVIEW:
                    access = incident_access(user=users["legal"], code=incident.code)
                    services.reply_approve(reply=reply, actor=users["legal"], access=access)
                # Invented history: record the answer as sent without mailing the invented address.
                reply.status = ReplyStatus.SENT
                reply.sent_at = received + timedelta(hours=rng.randrange(2, 40))
                reply.save(update_fields=["status", "sent_at", "updated_at"])
                events.reply_sent_event(reply=reply, actor=users["desk1"])
                inquiry.status = InquiryStatus.ANSWERED
                inquiry.answered_at = reply.sent_at
                inquiry.save(update_fields=["status", "answered_at", "updated_at"])
                answered += 1
    _unverified_deletion(incident=incident, now=now)
    services.inquiry_assign_round_robin(incident=incident, actor=users["lead"])
    log(f"demo: desk filled with {created} inquiries ({answered} answered) and approved answer blocks")


def _unverified_deletion(*, incident: Any, now: datetime) -> None:
    """Add a deletion request in a member's name from a stranger's address, waiting for the member's confirmation.

    The member ID in the text only suggests the person; the request is tied to nobody until the link sent to the
    registered address is followed. The link is recorded as sent (invented history: the demo mails nobody).
    """
    from breachdesk.inquiries.deletion import deletion_request_create

    received = now - timedelta(hours=2)
    with transaction.atomic():
        result = inquiry_receive(
            incident=incident,
            incoming=Incoming(
                channel=Channel.EMAIL,
                subject="退会とデータ削除のお願い",
                text="会員番号 OCO0000001 です。退会して、登録されている私のデータをすべて削除してください。",
                sender_email="unknown.sender@example.net",
                received_at=received,
            ),
            actor="demo",
        )
        inquiry = result.inquiry
        if inquiry is None:
            return
        Acknowledgment.objects.filter(inquiry=inquiry).update(
            status=AckStatus.SENT, sent_at=received + timedelta(seconds=12)
        )
        deletion = deletion_request_create(inquiry=inquiry, actor="demo")
        if deletion.suggested_person_id is not None:
            DeletionRequest.objects.filter(pk=deletion.pk).update(confirmation_sent_at=received + timedelta(hours=1))
