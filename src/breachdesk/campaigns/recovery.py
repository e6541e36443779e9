"""Take back the in-flight rows of workers that are gone: ``sending`` → ``uncertain``, ``claimed`` → ``pending``.

The reaper in every ``db_worker`` (``work.reaper``) calls ``deliveries_recover_for_workers`` for workers known dead by
their heartbeat; ``breachdesk campaigns recover`` calls ``deliveries_recover`` for rows of workers without one. A
``sending`` row may have been handed over, so it becomes ``uncertain`` and is never sent again automatically.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet

from breachdesk.campaigns import events, lock_objects
from breachdesk.campaigns.models import Campaign, CampaignStatus, Delivery, DeliveryStatus
from breachdesk.campaigns.transitions import delivery_events_insert
from breachdesk.campaigns.worker import STALE_AFTER, _event
from breachdesk.work.models import WorkerBeat

S = DeliveryStatus


def _recover_rows(*, campaign: Campaign, sending: list[tuple[int, str]], claimed: list[int], now: datetime) -> None:
    """Move rows whose worker is gone: ``sending`` → ``uncertain``, ``claimed`` → ``pending`` (or ``cancelled``)."""
    Delivery.objects.filter(pk__in=[u[0] for u in sending], status=S.SENDING).update(
        status=S.UNCERTAIN, last_error="campaigns.worker_lost", updated_at=now
    )
    back = S.CANCELLED if campaign.status == CampaignStatus.CANCELLED else S.PENDING
    Delivery.objects.filter(pk__in=claimed, status=S.CLAIMED).update(status=back, claimed_by="", updated_at=now)
    delivery_events_insert(
        [
            _event(pk, S.SENDING, S.UNCERTAIN, now, "recovery", code="campaigns.worker_lost", message_id=mid)
            for pk, mid in sending
        ]
        + [_event(pk, S.CLAIMED, back, now, "recovery", code="campaigns.worker_lost") for pk in claimed]
    )
    events.deliveries_recovered_event(campaign=campaign, uncertain=len(sending), released=len(claimed))


def _recover_by_campaign(rows_held: QuerySet[Delivery], now: datetime) -> dict[int, tuple[int, int]]:
    """Recover ``rows_held`` one campaign at a time, each under its campaign's lock."""
    result: dict[int, tuple[int, int]] = {}
    for cid in sorted(set(rows_held.values_list("campaign_id", flat=True))):
        with transaction.atomic():
            campaign = lock_objects.campaign_for_update().select_related("incident").get(pk=cid)
            rows = list(rows_held.filter(campaign_id=cid).values_list("id", "status", "message_id"))
            sending = [(pk, mid) for pk, status, mid in rows if status == S.SENDING]
            claimed = [pk for pk, status, _mid in rows if status == S.CLAIMED]
            _recover_rows(campaign=campaign, sending=sending, claimed=claimed, now=now)
        result[cid] = (len(sending), len(claimed))
    return result


def deliveries_recover_for_workers(*, workers: set[str], now: datetime) -> dict[int, tuple[int, int]]:
    """Take back the in-flight rows of workers known dead (heartbeat); return ``{campaign id: (uncertain, released)}``.

    Only rows carrying a dead worker's name move, so a live worker's rows are never touched, however old.
    """
    held = Delivery.objects.filter(status__in=[S.SENDING, S.CLAIMED], claimed_by__in=sorted(workers))
    return _recover_by_campaign(held, now)


def deliveries_recover(
    *, now: datetime, stale_after: timedelta = STALE_AFTER, campaign_id: int | None = None
) -> dict[int, tuple[int, int]]:
    """Take back stale ``sending``/``claimed`` rows of workers that have no heartbeat row (a person's command).

    Rows of a worker with a heartbeat row are left to the reaper, which knows whether it is alive. A row of a worker
    without one is stale when it has not moved for ``stale_after``. ``sending`` rows may have been sent, so they become
    ``uncertain`` and are never sent again automatically. Return ``{campaign id: (uncertain, released)}``.
    """
    cutoff = now - stale_after
    beating = WorkerBeat.objects.values("worker_id")
    stale = Delivery.objects.filter(status__in=[S.SENDING, S.CLAIMED], updated_at__lt=cutoff).exclude(
        claimed_by__in=beating
    )
    if campaign_id is not None:
        stale = stale.filter(campaign_id=campaign_id)
    return _recover_by_campaign(stale, now)
