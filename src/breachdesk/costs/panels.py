"""Give the dashboard its response charts and cost panels, and build the Chart.js payloads (data only: JSON)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from breachdesk.costs import charts, selectors
from breachdesk.costs.benchmarks import BENCHMARKS
from breachdesk.incidents.selectors import IncidentAccess

KINDS = {
    "inquiries_per_day": "stacked",
    "notification_progress": "lines",
    "backlog_ages": "bars",
    "deadlines": "deadlines",
}


def chart_payloads(all_charts: dict[str, dict[str, Any] | None]) -> list[dict[str, Any]]:
    """Return one entry per chart: its element id, title, and the data for Chart.js (or ``None``: not available)."""
    out = []
    for key, data in all_charts.items():
        payload = None
        if data is not None:
            payload = {**charts.relabel(data, charts.SERIES_LABELS, charts.BUCKET_LABELS), "kind": KINDS[key]}  # type: ignore[dict-item]
            if key == "deadlines":
                payload["now_label"] = _("now")
                payload["x_title"] = _("days after becoming aware")
        chart_id = f"chart-{key.replace('_', '-')}"
        out.append(
            {
                "key": key,
                "id": chart_id,
                "data_id": f"{chart_id}-data",
                "title": str(charts.CHART_TITLES[key]),
                "data": payload,
            }
        )
    return out


def cost_chart(*, sheet: selectors.CostSheet, estimate: selectors.IncidentEstimate) -> dict[str, Any]:
    """Return per-person costs and the estimate as bars, with the benchmark figures as reference lines."""
    bars = [
        (_("Planned cost per affected person"), sheet.planned_per_person_yen or 0),
        (_("Actual cost per affected person"), sheet.actual_per_person_yen or 0),
        (_("JNSA estimate per person (median)"), estimate.median_yen),
    ]
    return {
        "kind": "costs",
        "labels": [label for label, _value in bars],
        "datasets": [{"key": "yen", "label": _("Yen per person"), "colour": "#1f5fbf", "data": [v for _l, v in bars]}],
        "references": [{"label": str(b.label), "value": b.per_person_yen} for b in BENCHMARKS],
    }


def charts_panel_context(access: IncidentAccess, request: HttpRequest, now: datetime | None = None) -> dict[str, Any]:
    """Return the four response charts for the dashboard at the time of the request (kept up to 10 s)."""
    from breachdesk.obligations.selectors import obligations_get

    now = now or timezone.now()
    incident = access.incident
    clocks = obligations_get(incident=incident, now=now, fresh=False).clocks
    return {"incident": incident, "charts": chart_payloads(charts.all_charts(incident, clocks, now))}


def costs_panel_context(access: IncidentAccess, request: HttpRequest) -> dict[str, Any]:
    """Return the estimate and the costs to date, which every member may see."""
    incident = access.incident
    return {
        "incident": incident,
        "estimate": selectors.incident_estimate(incident=incident),
        "sheet": selectors.cost_sheet(incident=incident),
    }
