"""Tell ``health`` about the campaigns' work: deliveries that are due but do not move, relays that are down, and
deliveries a person must look at (registered as a ``core.extensions.HealthProbe``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q

from breachdesk.campaigns import lock_objects
from breachdesk.campaigns.models import Campaign, CampaignStatus, Delivery, DeliveryStatus


def campaigns_progress(now: datetime, stall_before: datetime) -> dict[str, Any]:
    """Return running campaigns with claimable deliveries, those of them that have not moved since ``stall_before``,
    and the campaigns paused because their relay is down."""
    due: list[int] = []
    stalled: list[int] = []
    running = Campaign.objects.filter(status=CampaignStatus.RUNNING).filter(
        Q(scheduled_at__isnull=True) | Q(scheduled_at__lte=now)
    )
    for cid in running.values_list("id", flat=True):
        if not lock_objects.deliveries_claimable_exist(campaign_id=cid, channel="email", now=now):
            continue
        due.append(cid)
        if not deliveries_moved_since(campaign_id=cid, since=stall_before):
            stalled.append(cid)
    relay_paused = list(
        Campaign.objects.filter(status=CampaignStatus.PAUSED, pause_reason="relay_unavailable").values_list(
            "id", flat=True
        )
    )
    return {
        "due": bool(due),
        "problem": bool(stalled or relay_paused),
        "campaigns_due": due,
        "campaigns_stalled": stalled,
        "campaigns_paused_relay_down": relay_paused,
    }


def deliveries_moved_since(*, campaign_id: int, since: datetime) -> bool:
    """Return whether an email delivery of the campaign changed at or after ``since``.

    First among the rows in flight (a worker's claimed batch and its row being sent: few, found through the queue
    index), which answers for a campaign being sent; only when none of those moved, among all its rows (a stalled
    campaign, or one throttled so slowly that nothing is in flight), stopping at the first found. Taking the latest
    change of every row read all of a 90,000-person campaign on every health check.
    """
    changed = Delivery.objects.filter(campaign_id=campaign_id, channel="email", updated_at__gte=since)
    in_flight = changed.filter(status__in=(DeliveryStatus.CLAIMED, DeliveryStatus.SENDING))
    return in_flight.exists() or changed.exists()


def campaigns_needing_a_person() -> dict[str, int]:
    """Return the deliveries whose outcome nobody knows (a worker died mid-send): a person decides."""
    return {"deliveries_uncertain": Delivery.objects.filter(status=DeliveryStatus.UNCERTAIN).count()}
