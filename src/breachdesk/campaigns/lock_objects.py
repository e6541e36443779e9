"""Name the row locks campaigns take, so every writer locks the same rows the same way."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from breachdesk.campaigns.models import Campaign, Delivery, DeliveryStatus, NoticeTemplate


def campaign_for_update() -> QuerySet[Campaign]:
    """Lock a campaign row: state changes and the throttle's token bucket go through it."""
    return Campaign.objects.select_for_update(of=("self",))


def template_for_update() -> QuerySet[NoticeTemplate]:
    """Lock a template row, so two edits cannot take the same version number."""
    return NoticeTemplate.objects.select_for_update(of=("self",))


def deliveries_claimable(*, campaign_id: int, channel: str, now: datetime) -> QuerySet[Delivery]:
    """Lock claimable deliveries, skipping rows another worker holds (PostgreSQL ``FOR UPDATE SKIP LOCKED``)."""
    return (
        Delivery.objects.select_for_update(skip_locked=True)
        .filter(claimable_q(now=now), campaign_id=campaign_id, channel=channel)
        .order_by("id")
    )


def claimable_q(*, now: datetime) -> Q:
    """Return the condition of a row a worker may claim: pending, or a temporary failure whose backoff is over."""
    return Q(status=DeliveryStatus.PENDING) | Q(status=DeliveryStatus.FAILED_TEMPORARY, next_attempt_at__lte=now)
