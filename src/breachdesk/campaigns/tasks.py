"""Wake campaign workers. The task holds no send logic: it works one slice of ``worker.campaign_work``.

It is only a nudge for a quick start: every ``db_worker`` finds running campaigns with claimable deliveries in its own
loop (``work.duties``), so a wake task that is lost, or never queued, cannot stall a campaign.
"""

from __future__ import annotations

from django_tasks import task

from breachdesk.campaigns import worker

SLICE_SECONDS = 10.0


@task()
def campaign_wake(*, campaign_id: int) -> dict[str, object]:
    """Work one campaign for a slice; the workers' loop does the rest."""
    report = worker.campaign_work(campaign_id=campaign_id, seconds=SLICE_SECONDS)
    return {"campaign": campaign_id, "outcomes": dict(report.outcomes), "stopped": report.stopped}
