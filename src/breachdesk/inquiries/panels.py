"""Give the dashboard its desk panel and the person page its inquiries section."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from breachdesk.core.roles import Capability
from breachdesk.incidents.selectors import IncidentAccess
from breachdesk.inquiries import selectors
from breachdesk.inquiries.labels import LABELS

CHART_WIDTH = 560
CHART_HEIGHT = 160


def _chart(stats: dict[str, Any]) -> dict[str, Any]:
    """Lay out the labels-per-day chart as SVG rectangles (stacked bars, one per day); no script needed."""
    days = stats["chart"]
    if not days:
        return {"bars": [], "width": CHART_WIDTH, "height": CHART_HEIGHT}
    peak = max(sum(d["counts"].values()) for d in days) or 1
    slot = CHART_WIDTH / max(len(days), 1)
    keys = list(LABELS)
    bars = []
    for index, day in enumerate(days):
        y = float(CHART_HEIGHT)
        for n, key in enumerate(keys):
            count = day["counts"].get(key, 0)
            if not count:
                continue
            height = count / peak * (CHART_HEIGHT - 20)
            y -= height
            bars.append(
                {
                    "x": round(index * slot + 2, 1),
                    "y": round(y, 1),
                    "w": round(max(slot - 4, 2), 1),
                    "h": round(height, 1),
                    "cls": f"lbl-{n}",
                    "title": f"{day['day']:%m/%d} {LABELS[key]}: {count}",
                }
            )
    labels = [{"x": round(i * slot + 2, 1), "text": f"{d['day']:%m/%d}"} for i, d in enumerate(days)]
    return {"bars": bars, "labels": labels, "width": CHART_WIDTH, "height": CHART_HEIGHT + 14}


def desk_panel_context(access: IncidentAccess, request: HttpRequest) -> dict[str, Any] | None:
    stats = selectors.desk_stats(incident=access.incident)
    legend = [(f"lbl-{n}", name) for n, name in enumerate(LABELS.values())]
    return {"incident": access.incident, "stats": stats, "chart": _chart(stats), "legend": legend}


def person_section_context(person: Any, access: IncidentAccess, request: HttpRequest) -> dict[str, Any] | None:
    if not access.can(Capability.VIEW_PII):
        return None
    inquiries = list(selectors.inquiries_of_person(incident=access.incident, person_id=person.pk)[:50])
    return {"incident": access.incident, "inquiries": inquiries}
