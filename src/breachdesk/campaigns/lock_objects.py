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


def deliveries_claimable_exist(*, campaign_id: int, channel: str, now: datetime) -> bool:
    """Return whether the campaign has a claimable delivery (the two index look-ups of a claim,
    ``transitions.deliveries_claim_rows``)."""
    base = Delivery.objects.filter(campaign_id=campaign_id, channel=channel)
    return (
        base.filter(status=DeliveryStatus.PENDING).exists()
        or base.filter(status=DeliveryStatus.FAILED_TEMPORARY, next_attempt_at__lte=now).exists()
    )


def claimable_q(*, now: datetime) -> Q:
    """Return the condition of a row a worker may claim: pending, or a temporary failure whose backoff is over."""
    return Q(status=DeliveryStatus.PENDING) | Q(status=DeliveryStatus.FAILED_TEMPORARY, next_attempt_at__lte=now)
