"""Wake campaign workers. The task holds no send logic: it recovers stale rows and runs ``worker.campaign_work``."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task


@task()
def campaign_wake(*, campaign_id: int) -> dict[str, object]:
    """Work one campaign until its queue is empty or it stops; come back for retries and schedules."""
    from breachdesk.campaigns import worker
    from breachdesk.campaigns.models import Campaign, CampaignStatus

    worker.deliveries_recover(now=timezone.now(), campaign_id=campaign_id)
    report = worker.campaign_work(campaign_id=campaign_id)
    status = Campaign.objects.filter(pk=campaign_id).values_list("status", flat=True).first()
    again = None
    if status == CampaignStatus.RUNNING:
        again = report.not_before or worker.next_retry_at(campaign_id=campaign_id)
        if again is not None:
            campaign_wake.using(run_after=max(again, timezone.now() + timedelta(seconds=1))).enqueue(
                campaign_id=campaign_id
            )
    return {"campaign": campaign_id, "outcomes": dict(report.outcomes), "stopped": report.stopped}
