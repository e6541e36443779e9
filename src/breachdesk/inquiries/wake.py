"""Wake the desk worker: the rows are the queue, a task only says "look now".

``desk_wake`` lives here, below intake, so that ``intake.receive`` can enqueue it without an import cycle; the
mailbox poll (``tasks.desk_poll``) sits above intake because it receives mail.
"""

from __future__ import annotations

import logging

from django_tasks import task

from breachdesk.inquiries.ack import ack_process

logger = logging.getLogger(__name__)


@task()
def desk_wake() -> dict[str, int]:
    """Send the pending acknowledgments now."""
    return ack_process()


def desk_wake_soon() -> None:
    """Enqueue ``desk_wake``; a queue that is down only delays the acknowledgment (the periodic poll sends it)."""
    try:
        desk_wake.enqueue()
    except Exception:  # the periodic poll sends it anyway; a down queue must not lose the inquiry
        logger.warning("could not wake the desk worker; the periodic poll will send the ack")
