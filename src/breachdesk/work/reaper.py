"""Take back the work of dead workers: run by every ``db_worker`` in its loop, so no person has to.

A worker is dead when its heartbeat is older than ``BREACHDESK_WORKER_DEAD_AFTER`` seconds, or at once when it ran on
this machine (same PID namespace) and its process is gone (a restarted worker thus reaps its predecessor within its
first loop). For each dead worker, in one transaction per kind of work:

- its ``RUNNING`` task rows go back to ``READY`` (every task here is a resumable "do what is due" task); a task that
  has already been taken by ``POISON_AFTER`` workers that all died is marked ``FAILED`` instead (it kills workers);
- its campaign deliveries: ``sending`` → ``uncertain`` (may have left; a person decides), ``claimed`` → ``pending``
  (never attempted);
- its acknowledgments: ``claimed`` → ``uncertain``;
- its heartbeat row is deleted.

Rows of a live worker are never touched: every update is filtered by the dead worker's id.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from breachdesk.core import extensions
from breachdesk.work.heartbeat import host_id
from breachdesk.work.models import WorkerBeat

log = logging.getLogger(__name__)
POISON_AFTER = 5
LOST_EXCEPTION = "breachdesk.work.reaper.WorkerLost"


class WorkerLost(Exception):
    """Stand for the death of every worker that took a task (recorded on a task given up as poison)."""


@dataclass
class Reaped:
    workers: list[str] = field(default_factory=list)
    tasks_requeued: int = 0
    tasks_failed: int = 0
    # What each app's recovery (``core.extensions.worker_recoveries``) took back, by its key: the campaigns'
    # ``deliveries`` ({campaign id: (uncertain, released)}), the desk's ``acks_uncertain`` (a count).
    recovered: dict[str, Any] = field(default_factory=dict)

    @property
    def deliveries(self) -> dict[int, tuple[int, int]]:
        return dict(self.recovered.get("deliveries") or {})

    @property
    def acks_uncertain(self) -> int:
        return int(self.recovered.get("acks_uncertain") or 0)

    def as_dict(self) -> dict[str, Any]:
        report: dict[str, Any] = {
            "workers": self.workers,
            "tasks_requeued": self.tasks_requeued,
            "tasks_failed": self.tasks_failed,
        }
        for recovery in extensions.worker_recoveries.all():
            report[recovery.key] = recovery.as_json(self.recovered.get(recovery.key, recovery.empty))
        return report


def dead_after() -> timedelta:
    return timedelta(seconds=settings.BREACHDESK_WORKER_DEAD_AFTER)


def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def dead_workers(*, now: datetime, me: str | None = None) -> list[str]:
    """Return the ids of workers known dead: heartbeat too old, or a process of this machine that is gone."""
    cutoff = now - dead_after()
    here = host_id()
    dead = []
    for worker_id, host, pid, beat_at in WorkerBeat.objects.values_list("worker_id", "host", "pid", "beat_at"):
        if worker_id == me:
            continue
        if beat_at < cutoff or (host == here and pid != os.getpid() and _process_gone(pid)):
            dead.append(worker_id)
    return dead


def _tasks_take_back(*, owners: set[str] | None, now: datetime, result: Reaped) -> None:
    """Requeue RUNNING task rows last claimed by ``owners`` (None: by a worker without any heartbeat row)."""
    from django_tasks_db.models import DBTaskResult

    from breachdesk.work.compat import FAILED, READY, RUNNING

    live = set(WorkerBeat.objects.values_list("worker_id", flat=True))
    with transaction.atomic():
        rows = list(
            DBTaskResult.objects.select_for_update()
            .filter(status=RUNNING)
            .values_list("id", "worker_ids", "started_at")
        )
        for task_id, worker_ids, started_at in rows:
            last = worker_ids[-1] if worker_ids else ""
            if owners is not None:
                if last not in owners:
                    continue
            elif last in live or (started_at is not None and started_at > now - dead_after()):
                continue
            if len(worker_ids) >= POISON_AFTER:
                DBTaskResult.objects.filter(pk=task_id, status=RUNNING).update(
                    status=FAILED,
                    finished_at=now,
                    exception_class_path=LOST_EXCEPTION,
                    traceback=f"{LOST_EXCEPTION}: {len(worker_ids)} workers died running this task",
                )
                result.tasks_failed += 1
                log.error("task %s failed: %s workers died running it", task_id, len(worker_ids))
            else:
                DBTaskResult.objects.filter(pk=task_id, status=RUNNING).update(status=READY, started_at=None)
                result.tasks_requeued += 1


def reap(*, now: datetime | None = None, me: str | None = None) -> Reaped:
    """Take back everything dead workers held; return what was done."""
    now = now or timezone.now()
    result = Reaped()
    dead = dead_workers(now=now, me=me)
    if dead:
        owners = set(dead)
        for recovery in extensions.worker_recoveries.all():
            result.recovered[recovery.key] = recovery.fn(workers=owners, now=now)
        _tasks_take_back(owners=owners, now=now, result=result)
        WorkerBeat.objects.filter(pk__in=dead).delete()
        result.workers = sorted(dead)
        log.warning("reaped dead workers %s: %s", ", ".join(dead), result.as_dict())
    # Tasks claimed by a worker that never beat (an older release, or a plain django-tasks worker).
    _tasks_take_back(owners=None, now=now, result=result)
    return result
