"""Compute the desk's aggregate figures (metrics registered in ``contributions.py``); no personal data leaves."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, Q

from breachdesk.incidents.models import Incident
from breachdesk.inquiries import labels as label_vocabulary
from breachdesk.inquiries.models import DeletionRequest, DeletionStatus, Inquiry
from breachdesk.inquiries.selectors import desk_stats


def inquiries_answered(incident: Incident) -> int:
    """Return the inquiries that received a sent answer."""
    return Inquiry.objects.filter(incident=incident, answered_at__isnull=False).count()


def inquiry_backlog(incident: Incident) -> dict[str, Any]:
    """Return the open backlog, what is past its SLA, and the share answered within the SLA."""
    from breachdesk.inquiries.mailer import desk_config

    totals = Inquiry.objects.filter(incident=incident).aggregate(
        answered=Count("id", filter=Q(answered_at__isnull=False)),
        in_time=Count("id", filter=Q(answered_at__isnull=False, answered_at__lte=F("due_at"))),
    )
    stats = desk_stats(incident=incident)
    answered = totals["answered"]
    business_days = desk_config(incident).first_answer_business_days
    return {
        "open": stats["open"],
        "overdue": stats["breached_open"],
        "sla_hours": business_days * 9,
        "answered_within_sla_percent": round(100 * totals["in_time"] / answered, 1) if answered else None,
    }


def inquiry_backlog_ages(incident: Incident) -> list[dict[str, Any]]:
    """Return the open inquiries per age bucket (business hours), in display order."""
    return [{"bucket": name, "count": count} for name, count in desk_stats(incident=incident)["backlog"]]


def inquiries_per_day_by_label(incident: Incident) -> list[dict[str, Any]]:
    """Return the last two weeks' inquiries per day and label."""
    rows = []
    for day in desk_stats(incident=incident)["chart"]:
        for key, count in day["counts"].items():
            if count:
                rows.append(
                    {
                        "date": day["day"].isoformat(),
                        "label": key,
                        "name": label_vocabulary.label_name(key),
                        "count": count,
                    }
                )
    return rows


def deletion_requests(incident: Incident) -> dict[str, int]:
    """Return the deletion requests received, done and still open."""
    counts = DeletionRequest.objects.filter(incident=incident).aggregate(
        received=Count("id"),
        done=Count("id", filter=Q(status=DeletionStatus.DONE)),
        open=Count("id", filter=Q(status=DeletionStatus.OPEN)),
    )
    return {k: int(v) for k, v in counts.items()}
