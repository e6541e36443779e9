"""Report what an operator watches: the database, the workers, the task queue, work that stalls, and work that needs a
person (stuck or unsure).

``health_report()`` is read by ``breachdesk health`` (full JSON, for monitoring agents on the server), by ``/healthz``
(status only, for load balancers: it names no incident and counts no people) and by the dashboard's banner.

- ``down``: the database does not answer, or no worker is alive while work is due (ready tasks, claimable campaign
  deliveries, pending acknowledgments).
- ``attention``: no worker has a fresh heartbeat; a ready task waited more than ``QUEUE_LAG_LIMIT``; a task has been
  ``RUNNING`` longer than ``BREACHDESK_TASK_RUNNING_LIMIT``; a running campaign with due deliveries, or a pending
  acknowledgment, has not moved for ``BREACHDESK_STALL_AFTER``; a campaign is paused because its relay is down; or
  something needs a person (failed or uncertain acknowledgments, uncertain deliveries).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone

from breachdesk.core import extensions

# A ready task older than this means the workers are down or too few.
QUEUE_LAG_LIMIT = timedelta(minutes=2)


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


def _workers(now: datetime) -> dict[str, Any]:
    beat = _model("work", "WorkerBeat")
    if beat is None:
        return {"ok": False, "alive": 0, "silent": 0}
    fresh = now - timedelta(seconds=settings.BREACHDESK_WORKER_DEAD_AFTER)
    beats = list(beat.objects.values_list("beat_at", flat=True))
    alive = sum(1 for at in beats if at >= fresh)
    return {"ok": alive > 0, "alive": alive, "silent": len(beats) - alive}


def _queue(now: datetime) -> dict[str, Any]:
    model = _model("django_tasks_database", "DBTaskResult")
    if model is None:
        return {"ok": True, "ready": 0, "running_too_long": 0}
    ready = model.objects.ready()
    oldest = ready.order_by("enqueued_at").values_list("enqueued_at", flat=True).first()
    lag = (now - oldest).total_seconds() if oldest else 0.0
    failed = model.objects.filter(status="FAILED", finished_at__gte=now - timedelta(hours=24)).count()
    bound = now - timedelta(seconds=settings.BREACHDESK_TASK_RUNNING_LIMIT)
    too_long = model.objects.filter(status="RUNNING", started_at__lt=bound).count()
    return {
        "ok": lag <= QUEUE_LAG_LIMIT.total_seconds() and not too_long,
        "ready": ready.count(),
        "oldest_ready_seconds": round(lag, 1),
        "running_too_long": too_long,
        "failed_last_24h": failed,
    }


def _progress(now: datetime) -> tuple[dict[str, Any], bool]:
    """Ask every app for work that is due but does not move (``core.extensions.health_probes``); return the
    figures and whether any work waits for a worker."""
    stall = now - timedelta(seconds=settings.BREACHDESK_STALL_AFTER)
    figures: dict[str, Any] = {}
    due = problem = False
    for probe in extensions.health_probes.all():
        part = dict(probe.progress(now, stall))
        due = bool(part.pop("due", False)) or due
        problem = bool(part.pop("problem", False)) or problem
        figures.update(part)
    return {"ok": not problem, **figures}, due


def _needs_a_person() -> dict[str, Any]:
    found: dict[str, Any] = {}
    for probe in extensions.health_probes.all():
        found.update(probe.needs_a_person())
    found["ok"] = not any(v for k, v in found.items() if k != "ok")
    return found


def health_report() -> dict[str, Any]:
    """Return the checks and an overall ``status``: ``ok``, ``attention`` (a person must look) or ``down``."""
    now = timezone.now()
    database = _database()
    if not database["ok"]:
        return {"status": "down", "database": database}
    workers = _workers(now)
    queue = _queue(now)
    progress, work_due = _progress(now)
    people = _needs_a_person()
    work_due = bool(queue["ready"]) or work_due
    if not workers["alive"] and work_due:
        status = "down"
    elif all(part["ok"] for part in (workers, queue, progress, people)):
        status = "ok"
    else:
        status = "attention"
    return {
        "status": status,
        "checked_at": now.isoformat(),
        "database": database,
        "workers": workers,
        "queue": queue,
        "progress": progress,
        "work": people,
        "work_due": work_due,
    }


BANNER_SECONDS = 10


def health_banner() -> dict[str, Any] | None:
    """Return what the dashboard's banner shows (status and reason codes), or None when all is well.

    The report is read at most every ``BANNER_SECONDS`` per process. The banner names no incident and counts no
    people: it is the same for every member of every incident.
    """
    from django.core.cache import cache

    banner = cache.get("health-banner")
    if banner is None:
        report = health_report()
        reasons = []
        if report["status"] != "ok":
            workers, queue = report.get("workers", {}), report.get("queue", {})
            progress, work = report.get("progress", {}), report.get("work", {})
            if report["status"] == "down" and not report["database"]["ok"]:
                reasons.append("database")
            if not workers.get("alive", 1):
                reasons.append("no_worker")
            if queue.get("running_too_long") or queue.get("oldest_ready_seconds", 0) > QUEUE_LAG_LIMIT.total_seconds():
                reasons.append("tasks_stuck")
            if progress.get("campaigns_stalled") or progress.get("acks_late"):
                reasons.append("stalled")
            if progress.get("campaigns_paused_relay_down"):
                reasons.append("relay_down")
            if not work.get("ok", True):
                reasons.append("needs_a_person")
        banner = {"status": report["status"], "reasons": reasons}
        cache.set("health-banner", banner, BANNER_SECONDS)
    return None if banner["status"] == "ok" else banner
