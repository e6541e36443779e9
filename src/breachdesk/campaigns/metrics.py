"""Compute the campaigns' aggregate figures (metrics registered in ``contributions.py``): counts, never people."""

from __future__ import annotations

from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Q

from breachdesk.campaigns.models import Delivery, DeliveryChannel, DeliveryEvent, DeliveryStatus
from breachdesk.incidents.models import Incident

TOKYO = ZoneInfo("Asia/Tokyo")
FAILED = (DeliveryStatus.FAILED_PERMANENT, DeliveryStatus.BOUNCED)
PENDING = (DeliveryStatus.PENDING, DeliveryStatus.CLAIMED, DeliveryStatus.SENDING, DeliveryStatus.FAILED_TEMPORARY)


def _deliveries(incident: Incident) -> Any:
    return Delivery.objects.filter(campaign__incident=incident)


def letters_sent(incident: Incident) -> int:
    """Return the postal notices handed over to the print house."""
    return _deliveries(incident).filter(channel=DeliveryChannel.POSTAL, status=DeliveryStatus.SENT).count()


def emails_sent(incident: Incident) -> int:
    """Return the notice mails the relay accepted."""
    return _deliveries(incident).filter(channel=DeliveryChannel.EMAIL, status=DeliveryStatus.SENT).count()


def notification_progress(incident: Incident) -> dict[str, int]:
    """Return the deliveries of all campaigns by outcome; the parts add up to ``total`` less cancelled ones."""
    counts = _deliveries(incident).aggregate(
        total=Count("id", filter=~Q(status=DeliveryStatus.CANCELLED)),
        sent=Count("id", filter=Q(status=DeliveryStatus.SENT, channel=DeliveryChannel.EMAIL)),
        postal=Count("id", filter=Q(status=DeliveryStatus.SENT, channel=DeliveryChannel.POSTAL)),
        failed=Count("id", filter=Q(status__in=FAILED)),
        uncertain=Count("id", filter=Q(status=DeliveryStatus.UNCERTAIN)),
        pending=Count("id", filter=Q(status__in=PENDING)),
    )
    return {key: int(value) for key, value in counts.items()}


def notification_progress_over_time(incident: Incident) -> list[dict[str, Any]]:
    """Return cumulative outcomes per day (Tokyo time), from the deliveries' recorded transitions."""
    daily: dict[str, dict[str, int]] = defaultdict(lambda: {"sent": 0, "failed": 0, "uncertain": 0, "postal": 0})
    events = (
        DeliveryEvent.objects.filter(delivery__campaign__incident=incident)
        .filter(to_status__in=[DeliveryStatus.SENT, *FAILED, DeliveryStatus.UNCERTAIN])
        .values_list("at", "to_status", "delivery__channel")
    )
    for at, status, channel in events.iterator(chunk_size=20000):
        day = at.astimezone(TOKYO).date().isoformat()
        if status == DeliveryStatus.SENT:
            daily[day]["postal" if channel == DeliveryChannel.POSTAL else "sent"] += 1
        elif status == DeliveryStatus.UNCERTAIN:
            daily[day]["uncertain"] += 1
        else:
            daily[day]["failed"] += 1
    running = {"sent": 0, "failed": 0, "uncertain": 0, "postal": 0}
    series = []
    for day in sorted(daily):
        for key, value in daily[day].items():
            running[key] += value
        series.append({"date": day, **running})
    return series
