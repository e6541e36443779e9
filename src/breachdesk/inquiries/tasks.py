"""Poll the desk's mailboxes in the background worker (``desk_wake``, enqueued by intake, lives in ``wake``)."""

from __future__ import annotations

from django_tasks import task

from breachdesk.inquiries.ack import ack_process
from breachdesk.inquiries.intake.imap import mailboxes_poll


@task()
def desk_poll() -> dict[str, int]:
    """Poll every configured mailbox, then send the acknowledgments."""
    result = mailboxes_poll()
    result.update(ack_process())
    return result
