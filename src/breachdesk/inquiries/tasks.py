"""Wake the desk worker: the rows are the queue, a task only says "look now"."""

from __future__ import annotations

from django_tasks import task


@task()
def desk_wake() -> dict[str, int]:
    """Send the pending acknowledgments now."""
    from breachdesk.inquiries.ack import ack_process

    return ack_process()


@task()
def desk_poll() -> dict[str, int]:
    """Poll every configured mailbox, then send the acknowledgments."""
    from breachdesk.inquiries.ack import ack_process
    from breachdesk.inquiries.intake.imap import mailboxes_poll

    result = mailboxes_poll()
    result.update(ack_process())
    return result
