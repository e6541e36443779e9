"""The desk's standing work for every ``db_worker`` loop (registered as ``core.extensions.WorkerDuty``): send the
pending acknowledgments, and poll the desk mailboxes when their turn is due."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

from breachdesk.inquiries.ack import ack_process
from breachdesk.inquiries.intake.imap import mailboxes_poll
from breachdesk.inquiries.models import Acknowledgment, AckStatus, DeskConfig
from breachdesk.work.duties import duty_take

MAILBOX_POLL = "mailbox_poll"


def acks_step(*, worker: str = "") -> dict[str, int] | None:
    """Send the pending acknowledgments (one batch); None when none is pending."""
    if not Acknowledgment.objects.filter(status=AckStatus.PENDING).exists():
        return None
    return ack_process()


def mailboxes_step(*, worker: str) -> dict[str, int] | None:
    """Poll the desk mailboxes when this turn is due and no other worker took it; None otherwise."""
    if not DeskConfig.objects.exclude(imap_host="").exists():
        return None
    if not duty_take(
        name=MAILBOX_POLL, every=timedelta(seconds=settings.BREACHDESK_MAILBOX_POLL_SECONDS), worker=worker
    ):
        return None
    return mailboxes_poll()
