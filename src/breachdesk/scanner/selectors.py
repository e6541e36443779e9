"""Read scan evidence back from incidents' timelines."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from breachdesk.core.models import TimelineEvent
from breachdesk.scanner.detectors import TYPES
from breachdesk.scanner.services import SCAN_SUMMARY

if TYPE_CHECKING:
    from django.http import HttpRequest

    from breachdesk.incidents.models import Incident
    from breachdesk.incidents.selectors import IncidentAccess


def scan_summaries_list(*, incident: Incident, limit: int = 5) -> list[TimelineEvent]:
    """Return the incident's latest scan summaries, newest first."""
    return list(TimelineEvent.objects.filter(incident=incident, kind=SCAN_SUMMARY).order_by("-seq")[:limit])


def scan_panel_context(access: IncidentAccess, request: HttpRequest) -> dict[str, Any] | None:
    """Return the dashboard panel's context: the latest scans with their non-zero counts and top files."""
    scans = []
    for event in scan_summaries_list(incident=access.incident):
        data = event.data or {}
        counts = data.get("counts", {})
        scans.append(
            {
                "at": event.at,
                "actor": event.actor_label,
                "roots": data.get("roots", []),
                "files": data.get("files", 0),
                "bytes": data.get("bytes", 0),
                "counts": [(kind, counts[kind]) for kind in TYPES if counts.get(kind)],
                "total": sum(counts.get(kind, 0) for kind in TYPES),
                "paths": data.get("paths", [])[:10],
                "paths_total": data.get("paths_total", 0),
                "skipped_total": data.get("skipped_total", 0),
            }
        )
    return {"scans": scans}
