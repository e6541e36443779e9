"""Change campaigns and deliveries on behalf of a worker: no person acts, so no role is checked here.

What a worker decides on its own: pause a campaign the guard or the relay stopped, probe and resume the relay, mark a
campaign finished once every delivery is final, and queue the letter that replaces a failed email. People's actions
(``services``) and the worker loop (``worker``) both build on this module, which imports neither of them.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from breachdesk.campaigns import events, lock_objects, selectors
from breachdesk.campaigns.errors import WrongState
from breachdesk.campaigns.models import (
    Campaign,
    CampaignStatus,
    Channel,
    Delivery,
    DeliveryChannel,
    DeliveryEvent,
    DeliveryStatus,
)

S = DeliveryStatus


def campaign_pause_as(*, campaign: Campaign, actor: Any, reason: str) -> Campaign:
    """Pause a running campaign for ``actor`` (a person, checked by the caller, or a worker's name); raise
    ``WrongState`` unless it runs."""
    with transaction.atomic():
        campaign = lock_objects.campaign_for_update().select_related("incident").get(pk=campaign.pk)
        if campaign.status != CampaignStatus.RUNNING:
            raise WrongState("Only a running campaign can be paused.")
        campaign.status = CampaignStatus.PAUSED
        # A worker's pause (guard, relay) keeps its reason code on the row; a person's is only on the timeline.
        campaign.pause_reason = reason[:40] if isinstance(actor, str) else ""
        campaign.save(update_fields=["status", "pause_reason", "updated_at"])
        events.campaign_paused_event(campaign=campaign, actor=actor, reason=reason)
    return campaign


def campaign_pause_by_guard(*, campaign: Campaign, worker: str) -> None:
    """Pause a campaign whose message the mis-send guard refused: a person looks before anything else goes."""
    with contextlib.suppress(WrongState):
        campaign_pause_as(campaign=campaign, actor=worker, reason="guard_blocked")


RELAY_DOWN = "relay_unavailable"
RELAY_PROBE_FIRST = timedelta(seconds=15)


def campaign_pause_by_relay(*, campaign: Campaign, worker: str, now: datetime) -> None:
    """Pause a campaign whose relay refused or could not be reached for a whole batch; workers probe it with backoff.

    The deliveries wait in ``pending`` with no attempt counted, so an outage of any length burns no retries.
    """
    with contextlib.suppress(WrongState), transaction.atomic():
        campaign_pause_as(campaign=campaign, actor=worker, reason=RELAY_DOWN)
        Campaign.objects.filter(pk=campaign.pk).update(relay_probe_at=now + RELAY_PROBE_FIRST, relay_failures=0)


def campaign_relay_probe_due(*, now: datetime, worker: str) -> int | None:
    """Take the next due relay probe (one worker per turn); return the campaign id, or None."""
    for campaign in Campaign.objects.filter(
        status=CampaignStatus.PAUSED, pause_reason=RELAY_DOWN, relay_probe_at__lte=now
    ).only("pk", "relay_failures", "relay_probe_at"):
        wait = min(
            RELAY_PROBE_FIRST * (2 ** (campaign.relay_failures + 1)),
            timedelta(seconds=settings.BREACHDESK_RELAY_PROBE_MAX_SECONDS),
        )
        taken = Campaign.objects.filter(
            pk=campaign.pk,
            status=CampaignStatus.PAUSED,
            pause_reason=RELAY_DOWN,
            relay_probe_at=campaign.relay_probe_at,
        ).update(relay_probe_at=now + wait, relay_failures=campaign.relay_failures + 1)
        if taken:
            return campaign.pk
    return None


def campaign_resume_by_relay(*, campaign_id: int, worker: str) -> bool:
    """Resume a campaign paused for its relay once the relay answers again; False if a person changed it meanwhile."""
    with transaction.atomic():
        campaign = lock_objects.campaign_for_update().select_related("incident").get(pk=campaign_id)
        if campaign.status != CampaignStatus.PAUSED or campaign.pause_reason != RELAY_DOWN:
            return False
        campaign.status = CampaignStatus.RUNNING
        campaign.pause_reason = ""
        campaign.relay_probe_at = None
        campaign.relay_failures = 0
        campaign.save(update_fields=["status", "pause_reason", "relay_probe_at", "relay_failures", "updated_at"])
        events.campaign_resumed_event(campaign=campaign, actor=worker)
    return True


def campaign_finish_if_done(*, campaign_id: int, now: datetime | None = None) -> bool:
    """Mark a running campaign finished when every delivery has a final state; return whether it did."""
    now = now or timezone.now()
    with transaction.atomic():
        campaign = lock_objects.campaign_for_update().select_related("incident").get(pk=campaign_id)
        if campaign.status != CampaignStatus.RUNNING:
            return False
        if Delivery.objects.filter(campaign_id=campaign_id).exclude(status__in=selectors.FINAL).exists():
            return False
        campaign.status = CampaignStatus.FINISHED
        campaign.finished_at = now
        campaign.save(update_fields=["status", "finished_at", "updated_at"])
        counts = selectors.campaign_counts(campaign=campaign)
        events.campaign_finished_event(campaign=campaign, counts=counts.as_event())
    return True


def postal_fallback_create(*, delivery: Delivery, campaign: Campaign, now: datetime, actor_label: str) -> int | None:
    """Create the postal delivery that replaces a failed email one, once; return its id (None without fallback)."""
    if campaign.channel != Channel.EMAIL_POSTAL_FALLBACK or delivery.channel != DeliveryChannel.EMAIL:
        return None
    existing = Delivery.objects.filter(
        campaign_id=campaign.pk, person_id=delivery.person_id, channel=DeliveryChannel.POSTAL
    ).first()
    if existing is not None:
        return existing.pk
    fallback = Delivery.objects.create(
        campaign_id=campaign.pk,
        person_id=delivery.person_id,
        channel=DeliveryChannel.POSTAL,
        status=S.PENDING,
        fallback_of=delivery,
        created_at=now,
        updated_at=now,
    )
    DeliveryEvent.objects.create(
        delivery_id=fallback.pk,
        at=now,
        from_status=S.PENDING,
        to_status=S.PENDING,
        actor_label=actor_label,
        code="campaigns.postal_fallback",
        reason=f"email delivery {delivery.pk} failed",
    )
    return fallback.pk
