"""Report what an operator watches: the database, the task queue, and work that needs a person (stuck or unsure).

``health_report()`` is read by ``breachdesk health`` (full JSON, for monitoring agents on the server) and by
``/healthz`` (status only, for load balancers: it names no incident and counts no people).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.apps import apps
from django.db import connection
from django.utils import timezone

# A ready task older than this means the workers are down or too few.
QUEUE_LAG_LIMIT = timedelta(minutes=2)
# An acknowledgment still waiting after this broke the "acknowledge at once" promise.
ACK_LATE_AFTER = timedelta(minutes=5)


def _model(app_label: str, name: str) -> Any:
    try:
        return apps.get_model(app_label, name)
    except LookupError:
        return None


def _database() -> dict[str, Any]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means the same thing here: the database is not usable
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "vendor": connection.vendor}


def _queue(now: Any) -> dict[str, Any]:
    model = _model("django_tasks_database", "DBTaskResult")
    if model is None:
        return {"ok": True, "ready": 0}
    ready = model.objects.ready()
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    lag = (now - oldest).total_seconds() if oldest else 0.0
    failed = model.objects.filter(status="FAILED", finished_at__gte=now - timedelta(hours=24)).count()
    return {
        "ok": lag <= QUEUE_LAG_LIMIT.total_seconds(),
        "ready": ready.count(),
        "oldest_ready_seconds": round(lag, 1),
        "failed_last_24h": failed,
    }


def _needs_a_person(now: Any) -> dict[str, Any]:
    found: dict[str, Any] = {}
    ack = _model("inquiries", "Acknowledgment")
    if ack is not None:
        found["acks_late"] = ack.objects.filter(status="pending", created_at__lt=now - ACK_LATE_AFTER).count()
        found["acks_failed_or_uncertain"] = ack.objects.filter(status__in=["failed", "uncertain"]).count()
    delivery = _model("campaigns", "Delivery")
    if delivery is not None:
        found["deliveries_uncertain"] = delivery.objects.filter(status="uncertain").count()
    found["ok"] = not any(v for k, v in found.items() if k != "ok")
    return found


def health_report() -> dict[str, Any]:
    """Return the checks and an overall ``status``: ``ok``, ``attention`` (a person must look) or ``down``."""
    now = timezone.now()
    database = _database()
    if not database["ok"]:
        return {"status": "down", "database": database}
    queue = _queue(now)
    people = _needs_a_person(now)
    status = "ok" if queue["ok"] and people["ok"] else "attention"
    return {"status": status, "checked_at": now.isoformat(), "database": database, "queue": queue, "work": people}
