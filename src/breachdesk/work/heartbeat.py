"""Say that this worker process is alive: one ``WorkerBeat`` row, refreshed by a thread while the process runs.

The beat comes from a thread, not from the worker loop, because one task (an import, a campaign slice waiting on a
slow relay) may hold the loop longer than the death bound. A hung loop is still seen: ``health`` reports a task
``RUNNING`` past its bound. A worker whose row was deleted by a reaper (it was declared dead, say after a long pause)
has lost its claims, so it ends its process at once and its supervisor starts a fresh one (fencing).
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from breachdesk.work.models import WorkerBeat

log = logging.getLogger(__name__)
_current: str | None = None


def host_id() -> str:
    """Return this machine and PID namespace: a PID means the same process only under the same ``host_id``."""
    try:
        namespace = os.stat("/proc/self/ns/pid").st_ino
    except OSError:
        namespace = 0
    return f"{socket.gethostname()[:100]}/{namespace}"


def new_worker_id() -> str:
    """Return a worker id unique to this process run (host, pid, random), at most 64 characters."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{secrets.token_hex(4)}"


def current_worker_id() -> str | None:
    """Return the id of the worker beating in this process, if any (the name its claims carry)."""
    return _current


def beat_register(*, worker_id: str, now: datetime | None = None) -> WorkerBeat:
    """Create (or refresh) this process's heartbeat row."""
    now = now or timezone.now()
    beat, _created = WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"host": host_id(), "pid": os.getpid(), "beat_at": now},
        create_defaults={"host": host_id(), "pid": os.getpid(), "beat_at": now, "started_at": now},
    )
    return beat


def beat_refresh(*, worker_id: str, now: datetime | None = None) -> bool:
    """Refresh the heartbeat; return False when the row is gone (a reaper declared this worker dead)."""
    return WorkerBeat.objects.filter(pk=worker_id).update(beat_at=now or timezone.now()) == 1


def beat_remove(*, worker_id: str) -> None:
    """Delete the heartbeat row of a worker that stops cleanly (it holds nothing any more)."""
    WorkerBeat.objects.filter(pk=worker_id).delete()


class Heartbeat:
    """Beat every ``BREACHDESK_WORKER_BEAT_SECONDS`` from a daemon thread with its own database connection."""

    def __init__(self, worker_id: str, *, fence: bool = True) -> None:
        self.worker_id = worker_id
        self.fence = fence
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{worker_id}", daemon=True)

    def start(self) -> None:
        global _current
        beat_register(worker_id=self.worker_id)
        _current = self.worker_id
        self._thread.start()

    def stop(self, *, remove: bool = True) -> None:
        global _current
        self._stop.set()
        self._thread.join(timeout=10)
        if remove:
            try:
                beat_remove(worker_id=self.worker_id)
            except Exception:  # the database may be gone at shutdown; the row then goes stale and is reaped
                log.warning("could not remove the heartbeat of worker %s", self.worker_id)
        if _current == self.worker_id:
            _current = None

    def _run(self) -> None:
        seconds = settings.BREACHDESK_WORKER_BEAT_SECONDS
        try:
            while not self._stop.wait(seconds):
                try:
                    close_old_connections()
                    alive = beat_refresh(worker_id=self.worker_id)
                except Exception as exc:  # a database hiccup: try again at the next beat
                    log.warning("heartbeat of worker %s failed: %s", self.worker_id, type(exc).__name__)
                    continue
                if not alive and self.fence:
                    log.error("worker %s was declared dead by a reaper; exiting so a fresh one starts", self.worker_id)
                    os._exit(3)
        finally:
            connection.close()


@contextmanager
def beating(worker_id: str | None = None) -> Iterator[str]:
    """Beat for the duration of the block (``breachdesk campaigns work`` outside ``db_worker``); yield the id."""
    heart = Heartbeat(worker_id or new_worker_id())
    heart.start()
    try:
        yield heart.worker_id
    finally:
        heart.stop()
