"""Record which worker processes are alive, and when shared periodic duties are next due.

A ``WorkerBeat`` row exists while a ``breachdesk db_worker`` process lives: its heartbeat thread refreshes ``beat_at``
every few seconds, and the row is deleted when the process stops cleanly. A row that stopped beating (or whose
process is gone from this machine) belongs to a dead worker: the reaper takes its work back and deletes the row.
"""

from __future__ import annotations

from django.db import models


class WorkerBeat(models.Model):
    """Mark one live worker process: its id (the name on every row it claims), where it runs, and its last beat."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    host = models.CharField(max_length=120)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["worker_id"]

    def __str__(self) -> str:
        return f"worker {self.worker_id} on {self.host} (pid {self.pid})"


class PeriodicDuty(models.Model):
    """Keep when a duty shared by all workers (a mailbox poll) is next due; one worker wins each turn."""

    name = models.CharField(max_length=40, primary_key=True)
    next_at = models.DateTimeField()
    last_by = models.CharField(max_length=64, blank=True)

    def __str__(self) -> str:
        return f"{self.name} next at {self.next_at:%Y-%m-%d %H:%M:%S}"
