"""Share the costs test helpers: registry people by item combination, and fake metrics of the other apps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from breachdesk.core import extensions
from breachdesk.incidents.models import Incident
from breachdesk.registry import items as vocabulary
from breachdesk.registry.models import Person, Source


def add_people(incident: Incident, groups: list[tuple[list[str], int]], *, affected: bool = True) -> None:
    """Add ``n`` registry rows per item combination (no personal data: the estimate reads only ``items``)."""
    now = timezone.now()
    rows = [
        Person(
            incident=incident,
            affected=affected,
            items=vocabulary.mask_of(keys),
            source=Source.AFFECTED_LIST,
            created_at=now,
            updated_at=now,
        )
        for keys, n in groups
        for _ in range(n)
    ]
    Person.objects.bulk_create(rows, batch_size=2000)


FAKE_LABELS = [("affected_check", "Am I affected?"), ("compensation", "Compensation"), ("deletion", "Deletion")]


def fake_values(start: date | None = None, days: int = 7) -> dict[str, Any]:
    """Return a value of every metric, as the desk, campaigns and notices apps will provide them."""
    start = start or date(2026, 3, 2)
    dates = [(start + timedelta(days=n)).isoformat() for n in range(days)]
    return {
        "letters_sent": 1_200,
        "emails_sent": 88_000,
        "inquiries_answered": 640,
        "staff_hours": 212.5,
        "notification_progress": {
            "total": 90_000,
            "sent": 86_500,
            "failed": 900,
            "uncertain": 400,
            "postal": 1_200,
            "pending": 1_000,
        },
        "notification_progress_over_time": [
            {"date": d, "sent": 12_000 * (n + 1), "failed": 120 * n, "uncertain": 50 * n, "postal": 150 * n}
            for n, d in enumerate(dates)
        ],
        "inquiry_backlog": {"open": 37, "overdue": 5, "sla_hours": 48, "answered_within_sla_percent": 91.5},
        "inquiry_backlog_ages": [
            {"bucket": "<1d", "count": 20},
            {"bucket": "1-2d", "count": 9},
            {"bucket": "2-7d", "count": 6},
            {"bucket": ">7d", "count": 2},
        ],
        "inquiries_per_day_by_label": [
            {"date": d, "label": key, "name": name, "count": 10 + 7 * n + 3 * m}
            for n, d in enumerate(dates)
            for m, (key, name) in enumerate(FAKE_LABELS)
        ],
        "deletion_requests": {"received": 55, "done": 40, "open": 15},
        "notices_published": [
            {
                "number": 1,
                "title": "不正アクセスによる個人情報漏えいのお知らせ",
                "published_at": "2026-03-06T10:00:00+09:00",
            }
        ],
    }


def _constant(value: Any) -> Callable[[Incident], Any]:
    return lambda incident: value


@contextmanager
def fake_metrics(values: dict[str, Any] | None = None) -> Iterator[dict[str, Any]]:
    """Register every metric for the duration of the block, then restore the ones the apps registered."""
    values = values or fake_values()
    fakes = [extensions.Metric(name, _constant(values[name])) for name in values if name != "affected_persons"]
    with extensions.metrics.replaced(fakes):
        yield values


@contextmanager
def no_metrics() -> Iterator[None]:
    """Remove every provider the other apps registered for the duration of the block."""
    with extensions.metrics.replaced(keep=False):
        yield
