"""Run the notices app's background work: the self-check queue, and wake its worker."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django_tasks import task

from breachdesk.notices.selfcheck import selfcheck_process_batch

logger = logging.getLogger(__name__)


@task()
def selfcheck_process(*, incident_id: int | None = None) -> dict[str, int]:
    """Process the queued self-checks and mail each result to the registry address."""
    return selfcheck_process_batch(incident_id=incident_id)


def selfcheck_wake(*, incident_id: int) -> None:
    """Enqueue the worker task at most once per few seconds per process: a task only wakes the worker."""
    if not cache.add(f"notices:selfcheck-wake:{incident_id}", 1, timeout=3):
        return
    try:
        selfcheck_process.enqueue(incident_id=incident_id)
    except Exception:  # the row is queued; the next request (or the periodic run) wakes the worker
        logger.exception("notices: could not enqueue the self-check worker")
