"""Find and do the work that is due, from the rows themselves: no task has to survive for it to happen.

Every ``db_worker`` runs ``standing_work`` in its loop after it looked for a task. Each duty is bounded (a campaign
slice of ``CAMPAIGN_SLICE_SECONDS``, one batch of acknowledgments, one mailbox poll), so a worker also keeps serving
the task queue, and any number of workers share the same duties safely (every claim is conditional).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from breachdesk.work.models import PeriodicDuty

log = logging.getLogger(__name__)
CAMPAIGN_SLICE_SECONDS = 5.0
MAILBOX_POLL = "mailbox_poll"


def duty_take(*, name: str, every: timedelta, worker: str) -> bool:
    """Take this turn of a periodic duty shared by all workers; return False when it is not due or another took it."""
    now = timezone.now()
    taken = PeriodicDuty.objects.filter(name=name, next_at__lte=now).update(next_at=now + every, last_by=worker)
    if taken:
        return True
    if PeriodicDuty.objects.filter(name=name).exists():
        return False
    try:
        with transaction.atomic():
            PeriodicDuty.objects.create(name=name, next_at=now + every, last_by=worker)
    except IntegrityError:  # another worker created it first, and took this turn
        return False
    return True


def campaigns_step(*, worker: str) -> dict[str, Any] | None:
    """Work one slice of the least recently served runnable campaign; None when no campaign has due work."""
    from breachdesk.campaigns import worker as campaign_worker

    runnable = campaign_worker.campaigns_runnable(now=timezone.now())
    if not runnable:
        return None
    campaign_id = runnable[0]
    report = campaign_worker.campaign_work(campaign_id=campaign_id, worker=worker, seconds=CAMPAIGN_SLICE_SECONDS)
    return {"campaign": campaign_id, "sent": report.total, "stopped": report.stopped}


def relay_step(*, worker: str) -> dict[str, Any] | None:
    """Probe the relay of one campaign paused because the relay was down (when its backoff is over); resume it if
    the relay answers. None when no probe is due."""
    from breachdesk.campaigns.lifecycle import campaign_relay_probe_due, campaign_resume_by_relay
    from breachdesk.campaigns.transports.email import relay_probe

    campaign_id = campaign_relay_probe_due(now=timezone.now(), worker=worker)
    if campaign_id is None:
        return None
    if not relay_probe():
        return {"campaign": campaign_id, "relay": "down"}
    return {
        "campaign": campaign_id,
        "relay": "up",
        "resumed": campaign_resume_by_relay(campaign_id=campaign_id, worker=worker),
    }


def acks_step() -> dict[str, int] | None:
    """Send the pending acknowledgments (one batch); None when none is pending."""
    from breachdesk.inquiries.ack import ack_process
    from breachdesk.inquiries.models import Acknowledgment, AckStatus

    if not Acknowledgment.objects.filter(status=AckStatus.PENDING).exists():
        return None
    return ack_process()


def mailboxes_step(*, worker: str) -> dict[str, int] | None:
    """Poll the desk mailboxes when this turn is due and no other worker took it; None otherwise."""
    from breachdesk.inquiries.intake.imap import mailboxes_poll
    from breachdesk.inquiries.models import DeskConfig

    if not DeskConfig.objects.exclude(imap_host="").exists():
        return None
    if not duty_take(
        name=MAILBOX_POLL, every=timedelta(seconds=settings.BREACHDESK_MAILBOX_POLL_SECONDS), worker=worker
    ):
        return None
    return mailboxes_poll()


def standing_work(*, worker: str) -> bool:
    """Do one round of every standing duty; return whether anything was done (the loop then does not sleep)."""
    did = False
    for name, step in (
        ("acknowledgments", acks_step),
        ("relay", lambda: relay_step(worker=worker)),
        ("campaigns", lambda: campaigns_step(worker=worker)),
        ("mailboxes", lambda: mailboxes_step(worker=worker)),
    ):
        try:
            result = step()
        except Exception:  # one failing duty must not stop the others, nor the worker
            log.exception("standing duty %s failed", name)
            continue
        if result is not None:
            did = did or bool(
                result.get("sent") or result.get("failed") or result.get("fetched") or result.get("resumed")
            )
    return did
