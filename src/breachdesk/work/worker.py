"""Run django-tasks-db's database worker, extended so that background work heals itself.

We keep the library's worker (its claim of a task row, ``run_task``, signals and command-line options) and add, in
its loop:

1. a heartbeat (``work.heartbeat``: a ``WorkerBeat`` row refreshed by a thread);
2. the reaper (``work.reaper``), every ``REAP_EVERY_SECONDS``: work held by dead workers goes back to the queue;
3. standing duties (``work.duties``): campaigns with claimable deliveries, pending acknowledgments and mailbox polls
   are found from the rows, so no lost task can stall them.

django-tasks-db 0.13 has no notion of a dead worker (a ``RUNNING`` row stays so forever) and no periodic tasks; its
``Worker.run`` has no hook between tasks, so ``run`` is re-implemented here with the library's own pieces.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.db import close_old_connections
from django.db.utils import OperationalError
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from breachdesk.work import duties, reaper
from breachdesk.work.heartbeat import Heartbeat

log = logging.getLogger(__name__)
REAP_EVERY_SECONDS = 10.0


class HealingWorker(Worker):
    """Beat, reap and do the standing duties between tasks."""

    def __init__(self, *, standing: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.standing = standing
        self.heartbeat = Heartbeat(self.worker_id)
        self._next_reap = 0.0

    def _claim_task(self) -> tuple[DBTaskResult | None, bool]:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            try:
                task_result = tasks.get_locked()
                if task_result is not None:
                    task_result.claim(self.worker_id)
                return task_result, True
            except OperationalError as exc:
                if is_locked_database_exception(exc):
                    return None, False
                raise

    def reap_if_due(self) -> None:
        if time.monotonic() < self._next_reap:
            return
        self._next_reap = time.monotonic() + REAP_EVERY_SECONDS
        try:
            reaper.reap(me=self.worker_id)
        except Exception:  # a failed sweep is tried again at the next turn
            log.exception("reaper failed")

    def standing_work(self) -> bool:
        if not self.standing:
            return False
        self.running_task = True  # SIGTERM lets the slice finish, as it does a task
        try:
            return duties.standing_work(worker=self.worker_id)
        finally:
            self.running_task = False

    def run(self) -> None:
        log.info("Starting worker worker_id=%s queues=%s", self.worker_id, ",".join(self.queue_names))
        if self.startup_delay and self.interval:
            import random

            time.sleep(random.random())  # noqa: S311 - spreads the start of many workers
        self.heartbeat.start()
        try:
            while self.running:
                close_old_connections()
                self.reap_if_due()
                task_result, retrieved = self._claim_task()
                if task_result is not None:
                    self.run_task(task_result)
                did = self.standing_work() if self.running else False
                if self.batch and retrieved and task_result is None and not did:
                    log.info("No more work for worker_id=%s - exiting gracefully.", self.worker_id)
                    return
                if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                    log.info("Ran maximum tasks (%d) on worker=%s - exiting.", self._run_tasks, self.worker_id)
                    return
                close_old_connections()
                if self.running and task_result is None and not did:
                    time.sleep(self.interval)
        finally:
            self.heartbeat.stop()
