"""Acknowledge every inquiry that has an email address, once per thread, within a minute, through the worker.

Nothing a visitor types reaches another inbox: the acknowledgment has a fixed subject (``ACK_SUBJECT`` and the
token) and the approved body; the sender's subject, name and text are never echoed. A web-form sender is asked to
confirm the address by a link first, and an address that has an unconfirmed confirmation mail gets no other, so a
form post alone cannot make the desk mail a stranger more than once. Acknowledgments are limited per recipient and per
incident per day (``DeskConfig``); a row over a limit becomes ``limited`` and is never sent.

An acknowledgment is a row. The worker claims due rows with a conditional UPDATE (status pending → claimed, checked
by row count, with the worker's name), sends, and records the outcome. A row left ``claimed`` by a worker known dead
(``work.reaper``) becomes ``uncertain``: a person checks whether it went out, because sending twice is worse than a
late hand-made acknowledgment. A row claimed without a worker name (outside ``db_worker``) is judged by its age.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from breachdesk.core import ratelimit
from breachdesk.core.errors import Conflict
from breachdesk.inquiries import events
from breachdesk.inquiries.defaults import DEFAULT_ACK
from breachdesk.inquiries.intake.pending import inquiries_match_pending
from breachdesk.inquiries.mailer import desk_config, desk_send
from breachdesk.inquiries.models import (
    Acknowledgment,
    AckStatus,
    AnswerBlock,
    BlockStatus,
    Inquiry,
    MessageKind,
)
from breachdesk.inquiries.sla import TOKYO

ACK_WITHIN = timedelta(seconds=60)
STALE_CLAIM = timedelta(minutes=5)
ACK_KEY = "acknowledgment"
# The product's own approved wording, used until the incident approves its own ``acknowledgment`` block.
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
ACK_SUBJECT = "お問い合わせを受け付けました"
CONFIRM_TEXT = (
    "\n\n【ご本人確認のお願い】\n"
    "このメールアドレスがお客様ご自身のものであることを確認するため、次のページを開き、確認ボタンを押してください。\n"
    "確認が済むまで、担当者からのご回答はお送りできません。\n"
    "{link}\n\n"
    "お心当たりのない場合は、このメールを破棄してください。確認されない限り、このアドレスに再びお送りすることはありません。"
)
DAY_SECONDS = 24 * 3600


def ack_text(inquiry: Inquiry) -> str:
    """Return the acknowledgment of ``inquiry`` from the approved template, with its placeholders filled."""
    config = desk_config(inquiry.incident)
    block = (
        AnswerBlock.objects.filter(incident=inquiry.incident, key=ACK_KEY, status=BlockStatus.APPROVED)
        .order_by("-version")
        .first()
    )
    template = block.body if block else DEFAULT_ACK
    due = timezone.localtime(inquiry.due_at, TOKYO) if inquiry.due_at else None
    values = {
        "token": inquiry.token,
        "due_date": f"{due.month}月{due.day}日" if due else "数営業日以内",
        "desk_hours": config.desk_hours,
        "notice_link": f"お知らせ：{config.notice_url}" if config.notice_url else "",
    }
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), ""), template).strip() + "\n"


def ack_subject(inquiry: Inquiry) -> str:
    """Return the acknowledgment's fixed subject: the token is its only variable part."""
    return f"{ACK_SUBJECT} [#{inquiry.token}]"


def confirm_digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode("utf-8")).digest()


def confirm_url(inquiry: Inquiry, secret: str) -> str:
    """Return the confirmation link (absolute when the site's public base URL is configured)."""
    from django.conf import settings
    from django.urls import reverse

    base = settings.BREACHDESK_PUBLIC_BASE_URL.rstrip("/")
    path = reverse("inquiries_public:confirm", kwargs={"code": inquiry.incident.code, "secret": secret})
    return base + path


def _limit_reason(ack: Acknowledgment, inquiry: Inquiry) -> str:
    """Return why ``ack`` must not be sent (a limit), or an empty string; count it when it may go."""
    if inquiry.awaiting_confirmation and inquiry.bidx_sender_email:
        waiting = (
            Inquiry.objects.filter(
                incident_id=inquiry.incident_id,
                bidx_sender_email=inquiry.bidx_sender_email,
                awaiting_confirmation=True,
                acknowledgment__status__in=[AckStatus.SENT, AckStatus.CLAIMED, AckStatus.UNCERTAIN],
            )
            .exclude(pk=inquiry.pk)
            .exists()
        )
        if waiting:
            return "awaiting_confirmation"
    config = desk_config(inquiry.incident)
    recipient = inquiry.bidx_sender_email or (inquiry.sender_email or "").encode()
    recipient_key = ratelimit.hashed_key(f"ack-recipient:{inquiry.incident_id}", bytes(recipient))
    incident_key = ratelimit.hashed_key("ack-incident", str(inquiry.incident_id))
    if ratelimit.rate_hit(key=recipient_key, window_seconds=DAY_SECONDS) > config.ack_per_recipient_day:
        return "recipient_limit"
    if ratelimit.rate_hit(key=incident_key, window_seconds=DAY_SECONDS) > config.ack_per_incident_day:
        return "incident_limit"
    return ""


def _body(inquiry: Inquiry) -> str:
    """Return the acknowledgment's body; for an unconfirmed form sender, with a fresh confirmation link."""
    body = ack_text(inquiry)
    if not inquiry.awaiting_confirmation:
        return body
    secret = secrets.token_urlsafe(24)
    Inquiry.objects.filter(pk=inquiry.pk).update(confirm_digest=confirm_digest(secret))
    return body.rstrip("\n") + CONFIRM_TEXT.format(link=confirm_url(inquiry, secret)) + "\n"


def ack_enqueue(*, inquiry: Inquiry) -> Acknowledgment | None:
    """Queue the acknowledgment of a new thread that has an address; a thread gets at most one."""
    if not inquiry.has_email or inquiry.auto_generated:
        return None
    ack, _created = Acknowledgment.objects.get_or_create(
        inquiry=inquiry, defaults={"incident_id": inquiry.incident_id, "due_at": inquiry.received_at + ACK_WITHIN}
    )
    return ack


def _claim(ack_id: int, token: str, now: datetime) -> bool:
    from breachdesk.work.heartbeat import current_worker_id

    return (
        Acknowledgment.objects.filter(pk=ack_id, status=AckStatus.PENDING).update(
            status=AckStatus.CLAIMED,
            claimed_at=now,
            claim_token=token,
            attempts=1,
            claimed_by=current_worker_id() or "",
        )
        == 1
    )


def ack_process(*, limit: int = 100, now: datetime | None = None) -> dict[str, int]:
    """Send the pending acknowledgments (oldest first); return how many were sent, failed and limited."""
    now = now or timezone.now()
    inquiries_match_pending()
    ack_recover_stale(now=now)
    sent = failed = limited = 0
    pending = list(
        Acknowledgment.objects.filter(status=AckStatus.PENDING)
        .order_by("due_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    for ack_id in pending:
        token = secrets.token_hex(8)
        if not _claim(ack_id, token, now):
            continue  # another worker took it
        ack = Acknowledgment.objects.select_related("inquiry__incident").get(pk=ack_id)
        inquiry = ack.inquiry
        reason = _limit_reason(ack, inquiry)
        if reason:
            limited += 1
            with transaction.atomic():
                Acknowledgment.objects.filter(pk=ack_id, claim_token=token).update(
                    status=AckStatus.LIMITED, error=reason
                )
                events.ack_limited_event(inquiry=inquiry, actor="worker", reason=reason)
            continue
        try:
            desk_send(
                inquiry=inquiry,
                body=_body(inquiry),
                kind=MessageKind.ACK,
                actor="worker",
                automatic=True,
                subject=ack_subject(inquiry),
            )
        except Exception as exc:  # one bad row must not stop the queue; the outcome is on the row
            failed += 1
            error = getattr(exc, "code", type(exc).__name__)
            with transaction.atomic():
                Acknowledgment.objects.filter(pk=ack_id, claim_token=token).update(
                    status=AckStatus.FAILED, error=str(error)[:300]
                )
                events.ack_failed_event(inquiry=inquiry, actor="worker", error=str(error)[:100])
            continue
        sent += 1
        finished = timezone.now()
        with transaction.atomic():
            Acknowledgment.objects.filter(pk=ack_id, claim_token=token).update(status=AckStatus.SENT, sent_at=finished)
            events.ack_sent_event(
                inquiry=inquiry, actor="worker", seconds=(finished - inquiry.received_at).total_seconds()
            )
    return {"sent": sent, "failed": failed, "limited": limited}


def ack_recover_stale(*, now: datetime | None = None) -> int:
    """Mark acknowledgments claimed long ago by no known worker as uncertain, for a person to check.

    Rows claimed by a ``db_worker`` carry its name and are left to the reaper (``ack_recover_for_workers``), which
    moves them only once that worker is known dead.
    """
    now = now or timezone.now()
    return Acknowledgment.objects.filter(
        status=AckStatus.CLAIMED, claimed_by="", claimed_at__lt=now - STALE_CLAIM
    ).update(status=AckStatus.UNCERTAIN, updated_at=now)


def ack_recover_for_workers(*, workers: set[str], now: datetime | None = None) -> int:
    """Mark the acknowledgments held by dead workers as uncertain (they may have gone out); return how many."""
    if not workers:
        return 0
    now = now or timezone.now()
    with transaction.atomic():
        rows = list(
            Acknowledgment.objects.filter(status=AckStatus.CLAIMED, claimed_by__in=sorted(workers)).select_related(
                "inquiry__incident"
            )
        )
        for ack in rows:
            if Acknowledgment.objects.filter(pk=ack.pk, status=AckStatus.CLAIMED, claimed_by=ack.claimed_by).update(
                status=AckStatus.UNCERTAIN, error="inquiries.worker_lost", updated_at=now
            ):
                events.ack_failed_event(inquiry=ack.inquiry, actor="recovery", error="inquiries.worker_lost")
    return len(rows)


def ack_retry(*, ack: Acknowledgment, actor: Any) -> Acknowledgment:
    """Put a failed or uncertain acknowledgment back in the queue (a person checked it was not sent).

    Raise ``Conflict`` for any other status: a sent acknowledgment is never sent twice.
    """
    with transaction.atomic():
        ack.refresh_from_db()
        was = ack.status
        moved = Acknowledgment.objects.filter(pk=ack.pk, status__in=[AckStatus.FAILED, AckStatus.UNCERTAIN]).update(
            status=AckStatus.PENDING, error="", due_at=timezone.now(), updated_at=timezone.now()
        )
        ack.refresh_from_db()
        if not moved:
            raise Conflict(
                gettext("Only a failed or uncertain acknowledgment can be sent again; this one is: %(status)s.")
                % {"status": ack.get_status_display()},
                code="inquiries.ack_not_retryable",
            )
        events.ack_requeued_event(inquiry=ack.inquiry, actor=actor, was=was)
    return ack


def inquiry_for_confirmation(*, incident: Any, secret: str) -> Inquiry | None:
    """Return the inquiry of ``incident`` still waiting for the confirmation link ``secret``, or ``None``."""
    if not secret or len(secret) > 100:
        return None
    return Inquiry.objects.filter(
        incident=incident, awaiting_confirmation=True, confirm_digest=confirm_digest(secret)
    ).first()


def inquiry_confirm_sender(*, inquiry: Inquiry, actor: Any) -> Inquiry:
    """Record that the web-form sender followed the confirmation link: the desk may now answer this inquiry."""
    with transaction.atomic():
        moved = Inquiry.objects.filter(pk=inquiry.pk, awaiting_confirmation=True).update(
            awaiting_confirmation=False, sender_confirmed_at=timezone.now(), confirm_digest=None
        )
        inquiry.refresh_from_db()
        if moved:
            events.sender_confirmed_event(inquiry=inquiry, actor=actor)
    return inquiry
