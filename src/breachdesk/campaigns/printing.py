"""Produce print batches of postal letters (the lead only): the batch's ZIP is the hand-over to the print house.

A batch claims pending postal deliveries like a worker does, composes each person's letter, and only after the PDF
and the mailing CSV are built marks the letters ``sent`` (handed over) and the rest with their failure. If building
fails, nothing left the desk, so the claimed letters go back to the queue.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from breachdesk.campaigns import events
from breachdesk.campaigns.errors import WrongState
from breachdesk.campaigns.lifecycle import campaign_finish_if_done, campaign_pause_by_guard
from breachdesk.campaigns.models import Campaign, CampaignStatus, Delivery, DeliveryChannel, DeliveryStatus, PrintBatch
from breachdesk.campaigns.services import require_capability
from breachdesk.campaigns.transports.base import Outcome, OutcomeKind
from breachdesk.campaigns.transports.postal import Letter, PostalTransport, batch_zip
from breachdesk.campaigns.worker import (
    deliveries_claim,
    deliveries_release,
    delivery_mark_sending,
    delivery_record_outcome,
)
from breachdesk.core.errors import Conflict
from breachdesk.core.roles import Capability

DEFAULT_BATCH = 500


def print_batch_create(
    *, campaign: Campaign, actor: User, limit: int = DEFAULT_BATCH, now: datetime | None = None
) -> tuple[PrintBatch, bytes]:
    """Compose up to ``limit`` pending letters into a new print batch; return it with its ZIP (PDF + CSV)."""
    require_capability(
        incident=campaign.incident, actor=actor, capability=Capability.RUN_CAMPAIGNS, action="produce postal letters"
    )
    campaign = Campaign.objects.select_related("incident", "template_version").get(pk=campaign.pk)
    if campaign.status != CampaignStatus.RUNNING:
        raise WrongState("Letters are produced only while the campaign is running.")
    now = now or timezone.now()
    worker = f"print:{actor.get_username()[:40]}:{secrets.token_hex(4)}"
    ids = deliveries_claim(campaign_id=campaign.pk, channel=DeliveryChannel.POSTAL, worker=worker, limit=limit, now=now)
    if not ids:
        raise Conflict("No letters are waiting to be printed.", code="campaigns.nothing_to_print")
    with transaction.atomic():
        number = (PrintBatch.objects.filter(campaign=campaign).aggregate(n=Max("number"))["n"] or 0) + 1
        batch = PrintBatch.objects.create(campaign=campaign, number=number, created_by=actor)
    transport = PostalTransport(campaign=campaign)
    composed: list[Delivery] = []
    failed = 0
    blocked = False
    for delivery in Delivery.objects.filter(pk__in=ids).select_related("person").order_by("id"):
        delivery.campaign = campaign
        if blocked or not delivery_mark_sending(delivery=delivery, worker=worker, now=now):
            continue
        outcome = transport.notify(delivery)
        if outcome.kind == OutcomeKind.SENT:
            composed.append(delivery)
            continue
        delivery_record_outcome(delivery=delivery, campaign=campaign, outcome=outcome, worker=worker, now=now)
        failed += 1
        blocked = blocked or outcome.blocked
    try:
        archive = batch_zip(transport.letters, sender=campaign.incident.organisation, number=number)
    except Exception:
        for delivery in composed:
            delivery_record_outcome(
                delivery=delivery,
                campaign=campaign,
                outcome=Outcome.temporary("campaigns.print_failed"),
                worker=worker,
                now=now,
            )
        raise
    for delivery in composed:
        delivery_record_outcome(delivery=delivery, campaign=campaign, outcome=Outcome.sent(), worker=worker, now=now)
    Delivery.objects.filter(pk__in=[d.pk for d in composed]).update(print_batch=batch)
    # Rows claimed but not reached (after a guard block) go back to the queue untouched.
    deliveries_release(worker=worker, ids=ids, now=now, campaign_status=CampaignStatus.PAUSED)
    batch.letters = len(composed)
    batch.failed = failed
    batch.downloads = 1
    batch.save(update_fields=["letters", "failed", "downloads", "updated_at"])
    events.print_batch_generated_event(batch=batch, actor=actor)
    if blocked:
        campaign_pause_by_guard(campaign=campaign, worker=worker)
    campaign_finish_if_done(campaign_id=campaign.pk, now=now)
    return batch, archive


def print_batch_download(*, batch: PrintBatch, actor: User) -> bytes:
    """Rebuild a batch's ZIP from its letters (the lead only); each download is recorded."""
    campaign = Campaign.objects.select_related("incident", "template_version").get(pk=batch.campaign_id)
    require_capability(
        incident=campaign.incident, actor=actor, capability=Capability.RUN_CAMPAIGNS, action="download postal letters"
    )
    transport = PostalTransport(campaign=campaign)
    letters: list[Letter] = []
    for delivery in batch.deliveries.filter(status=DeliveryStatus.SENT).select_related("person").order_by("id"):
        delivery.campaign = campaign
        composed = transport.compose(delivery)
        if isinstance(composed, Letter):
            letters.append(composed)
    archive = batch_zip(letters, sender=campaign.incident.organisation, number=batch.number)
    PrintBatch.objects.filter(pk=batch.pk).update(downloads=batch.downloads + 1)
    batch.campaign = campaign
    events.print_batch_downloaded_event(batch=batch, actor=actor)
    return archive
