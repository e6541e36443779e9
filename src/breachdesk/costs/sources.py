"""Read the live figures other apps give the costs and the executive summary, without this app knowing them.

The app that owns the data registers a metric from its ``contributions.py``::

    extensions.metrics.register(extensions.Metric("letters_sent", letters_sent))

``fn(incident)`` returns the value in the shape listed in ``METRICS`` (and in docs/costs.md), or ``None`` when it
has nothing yet. A metric nobody registered reads as unavailable and the pages say "not available yet". A provider
that raises is logged and read as unavailable, so one broken app cannot take the executive summary down.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.core import checks

from breachdesk.core import extensions

if TYPE_CHECKING:
    from breachdesk.incidents.models import Incident

logger = logging.getLogger(__name__)


# name → the shape the value must have (documentation, checked loosely by ``metric``).
METRICS: dict[str, str] = {
    "affected_persons": "int: people marked affected in the registry (built in)",
    "letters_sent": "int: postal notices handed to the print house or post",
    "emails_sent": "int: notification emails accepted by the SMTP relay",
    "inquiries_answered": "int: inquiries with a sent reply",
    "staff_hours": "float: staff hours logged on replies",
    "notification_progress": "dict: {total, sent, failed, uncertain, postal, pending} (ints)",
    "notification_progress_over_time": "list: [{date: 'YYYY-MM-DD', sent, failed, uncertain, postal}] cumulative",
    "inquiry_backlog": "dict: {open, overdue, sla_hours, answered_within_sla_percent (float|None)}",
    "inquiry_backlog_ages": "list: [{bucket: str, count: int}] in display order",
    "inquiries_per_day_by_label": "list: [{date: 'YYYY-MM-DD', label: str, count: int}]",
    "deletion_requests": "dict: {received, done, open} (ints)",
    "notices_published": "list: [{number: int, title: str, published_at: ISO datetime}]",
}
_TYPES: dict[str, type | tuple[type, ...]] = {
    "affected_persons": int,
    "letters_sent": int,
    "emails_sent": int,
    "inquiries_answered": int,
    "staff_hours": (int, float),
    "notification_progress": dict,
    "notification_progress_over_time": list,
    "inquiry_backlog": dict,
    "inquiry_backlog_ages": list,
    "inquiries_per_day_by_label": list,
    "deletion_requests": dict,
    "notices_published": list,
}


def registered() -> set[str]:
    return extensions.metrics.keys()


def check_metric_names(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Report a registered metric that ``METRICS`` does not list (a typo, or a figure nobody documented)."""
    return [
        checks.Error(
            f"Unknown metric {name!r} is registered.",
            hint=f"Expected one of {', '.join(METRICS)}; document a new one in costs.sources.METRICS.",
            id="costs.E001",
        )
        for name in sorted(registered() - set(METRICS))
    ]


def metric(name: str, incident: Incident) -> Any:
    """Return the value of metric ``name`` for ``incident``, or ``None`` when it is not available."""
    registered_metric = extensions.metrics.get(name)
    if registered_metric is None or name not in METRICS:
        return None
    try:
        value = registered_metric.fn(incident)
    except Exception:
        logger.exception("costs: metric provider %s failed", name)
        return None
    if value is not None and not isinstance(value, _TYPES[name]):
        logger.error("costs: metric %s returned %s, expected %s", name, type(value).__name__, METRICS[name])
        return None
    return value
