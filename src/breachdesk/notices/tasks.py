"""Run the notices app's background work: the self-check queue."""

from __future__ import annotations

from django_tasks import task


@task()
def selfcheck_process(*, incident_id: int | None = None) -> dict[str, int]:
    """Process the queued self-checks and mail each result to the registry address."""
    from breachdesk.notices.selfcheck import selfcheck_process_batch

    return selfcheck_process_batch(incident_id=incident_id)
