"""Build the data of the four response charts once, as plain JSON, for Chart.js (web) and the SVG renderer (PDF).

Each builder returns ``None`` when its source is not available yet, and the page says so instead of drawing an
empty chart.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from breachdesk.costs import sources
from breachdesk.incidents.models import Incident

# One palette for both media, so the web and the PDF read the same.
PALETTE = ["#1f5fbf", "#e07b00", "#1e7a3c", "#b3261e", "#7b4fb3", "#0f8a8a", "#8a6d00", "#5b6575", "#c2185b", "#3949ab"]
STATE_COLOURS = {"ok": "#1e7a3c", "amber": "#e0a000", "red": "#b3261e", "done": "#8a94a6"}
PROGRESS_SERIES = [
    ("sent", "#1e7a3c"),
    ("postal", "#1f5fbf"),
    ("uncertain", "#e0a000"),
    ("failed", "#b3261e"),
]


def inquiries_per_day(incident: Incident) -> dict[str, Any] | None:
    """Return stacked daily counts by label from the ``inquiries_per_day_by_label`` metric."""
    rows = sources.metric("inquiries_per_day_by_label", incident)
    if not rows:
        return None
    days = sorted({str(r["date"]) for r in rows})
    labels: dict[str, str] = {}
    counts: dict[tuple[str, str], int] = {}
    for row in rows:
        key = str(row["label"])
        labels.setdefault(key, str(row.get("name") or key))
        counts[(str(row["date"]), key)] = counts.get((str(row["date"]), key), 0) + int(row["count"])
    datasets = [
        {
            "key": key,
            "label": name,
            "colour": PALETTE[n % len(PALETTE)],
            "data": [counts.get((day, key), 0) for day in days],
        }
        for n, (key, name) in enumerate(labels.items())
    ]
    return {"labels": days, "datasets": datasets}


def notification_progress(incident: Incident) -> dict[str, Any] | None:
    """Return the cumulative notification outcomes per day from ``notification_progress_over_time``."""
    rows = sources.metric("notification_progress_over_time", incident)
    if not rows:
        return None
    rows = sorted(rows, key=lambda r: str(r["date"]))
    return {
        "labels": [str(r["date"]) for r in rows],
        "datasets": [
            {"key": key, "label": key, "colour": colour, "data": [int(r.get(key, 0)) for r in rows]}
            for key, colour in PROGRESS_SERIES
        ],
    }


def backlog_ages(incident: Incident) -> dict[str, Any] | None:
    """Return the open inquiries per age bucket from ``inquiry_backlog_ages``."""
    rows = sources.metric("inquiry_backlog_ages", incident)
    if not rows:
        return None
    return {
        "labels": [str(r["bucket"]) for r in rows],
        "datasets": [{"key": "open", "label": "open", "colour": "#e07b00", "data": [int(r["count"]) for r in rows]}],
    }


def deadline_timeline(incident: Incident, clocks: list[Any], now: datetime) -> dict[str, Any] | None:
    """Return each deadline as a range in days from the moment of awareness, with "now" on the same axis."""
    if not clocks:
        return None
    start = incident.aware_at

    def days(moment: datetime) -> float:
        return round((moment - start).total_seconds() / 86400, 2)

    return {
        "labels": [str(c.label) for c in clocks],
        "ranges": [[0, days(c.due)] for c in clocks],
        "due": [c.due.isoformat() for c in clocks],
        "states": [c.state for c in clocks],
        "colours": [STATE_COLOURS.get(c.state, "#5b6575") for c in clocks],
        "now": days(now),
        "aware_at": start.isoformat(),
    }


# Stored data keeps keys; the words are made at display: gettext for the web, Japanese always for the PDF.
SERIES_LABELS = {
    "sent": _("Sent"),
    "postal": _("Postal"),
    "uncertain": _("Uncertain"),
    "failed": _("Failed"),
    "open": _("Open inquiries"),
}
SERIES_LABELS_JA = {"sent": "送信済み", "postal": "郵送", "uncertain": "不確定", "failed": "失敗", "open": "未対応"}
CHART_TITLES = {
    "inquiries_per_day": _("Inquiries per day by label"),
    "notification_progress": _("Notification progress over time"),
    "backlog_ages": _("Inquiry backlog by age"),
    "deadlines": _("Deadlines (days from awareness)"),
}
# The backlog buckets of inquiries.sla.AGE_BUCKETS, in business days.
BUCKET_LABELS = {
    "<1d": _("under 1 business day"),
    "1–2d": _("1–2 business days"),
    "2–5d": _("2–5 business days"),
    ">5d": _("over 5 business days"),
}
BUCKET_LABELS_JA = {"<1d": "1営業日未満", "1–2d": "1〜2営業日", "2–5d": "2〜5営業日", ">5d": "5営業日超"}


def relabel(
    chart: dict[str, Any] | None, names: dict[str, Any], buckets: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    """Return ``chart`` with its series keys named through ``names`` and its bucket labels through ``buckets``.

    Pass the lazy translated labels for the web, or the Japanese ones for the PDF; unknown keys keep their text.
    """
    if chart is None or "datasets" not in chart:
        return chart
    datasets = [{**d, "label": str(names.get(d["key"], d["label"]))} for d in chart["datasets"]]
    out = {**chart, "datasets": datasets}
    if buckets is not None:
        out["labels"] = [str(buckets.get(label, label)) for label in chart["labels"]]
    return out


def all_charts(incident: Incident, clocks: list[Any], now: datetime) -> dict[str, dict[str, Any] | None]:
    """Return the four charts by key, in display order."""
    return {
        "inquiries_per_day": inquiries_per_day(incident),
        "notification_progress": notification_progress(incident),
        "backlog_ages": backlog_ages(incident),
        "deadlines": deadline_timeline(incident, clocks, now),
    }
