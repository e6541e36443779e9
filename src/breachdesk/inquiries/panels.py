"""Give the dashboard its desk panel and the person page its inquiries section."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.html import format_html_join

from breachdesk.core.roles import Capability
from breachdesk.incidents.selectors import IncidentAccess
from breachdesk.inquiries import selectors
from breachdesk.inquiries.labels import LABELS

CHART_WIDTH = 560
CHART_HEIGHT = 160


def _chart(stats: dict[str, Any]) -> dict[str, Any]:
    """Lay out the labels-per-day chart as SVG rectangles (stacked bars, one per day); no script needed.

    The rectangles are written here with ``format_html`` rather than by the template: a fortnight of eleven labels
    is a few hundred values, and printing them one by one through the template engine cost more than the figures.
    """
    days = stats["chart"]
    if not days:
        return {"svg": "", "width": CHART_WIDTH, "height": CHART_HEIGHT}
    peak = max(sum(d["counts"].values()) for d in days) or 1
    slot = CHART_WIDTH / max(len(days), 1)
    names = [(n, key, str(name)) for n, (key, name) in enumerate(LABELS.items())]
    bars = []
    for index, day in enumerate(days):
        y = float(CHART_HEIGHT)
        for n, key, name in names:
            count = day["counts"].get(key, 0)
            if not count:
                continue
            height = count / peak * (CHART_HEIGHT - 20)
            y -= height
            bars.append(
                (
                    f"lbl-{n}",
                    round(index * slot + 2, 1),
                    round(y, 1),
                    round(max(slot - 4, 2), 1),
                    round(height, 1),
                    f"{day['day']:%m/%d} {name}: {count}",
                )
            )
    labels = [(round(i * slot + 2, 1), CHART_HEIGHT + 14, f"{d['day']:%m/%d}") for i, d in enumerate(days)]
    svg = format_html_join(
        "", '<rect class="{}" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>', bars
    ) + format_html_join("", '<text x="{}" y="{}">{}</text>', labels)
    return {"svg": svg, "width": CHART_WIDTH, "height": CHART_HEIGHT + 14}


def desk_panel_context(access: IncidentAccess, request: HttpRequest) -> dict[str, Any] | None:
    stats = selectors.desk_stats(incident=access.incident)
    legend = [(f"lbl-{n}", name) for n, name in enumerate(LABELS.values())]
    # Cached per role (``web.panels``): the link to the desk is there only for the roles that may open it.
    can_open = access.can(Capability.DESK_OPEN)
    return {"incident": access.incident, "stats": stats, "chart": _chart(stats), "legend": legend, "can_open": can_open}


def person_section_context(person: Any, access: IncidentAccess, request: HttpRequest) -> dict[str, Any] | None:
    if not access.can(Capability.INQUIRY_READ_BODY):
        return None
    inquiries = list(selectors.inquiries_of_person(incident=access.incident, person_id=person.pk)[:50])
    return {"incident": access.incident, "inquiries": inquiries}


def classifier_panel_context(access: IncidentAccess, request: HttpRequest) -> dict[str, Any] | None:
    """Give the dashboard the classifier's per-label precision and recall as the desk's corrections judge it."""
    from breachdesk.inquiries import learning
    from breachdesk.inquiries.models import ClassifierModel, LabelCorrection

    quality = learning.correction_quality(access.incident)
    rows = [(LABELS[key], figures) for key, figures in quality.items() if figures["tp"] + figures["fp"] + figures["fn"]]
    active = (
        ClassifierModel.objects.filter(incident=access.incident, active=True).values("version", "corrections").first()
    )
    return {
        "incident": access.incident,
        "rows": rows,
        "corrections": LabelCorrection.objects.filter(incident=access.incident).count(),
        "model_version": active["version"] if active else learning.default_model().version,
        "own_model": active is not None,
    }
