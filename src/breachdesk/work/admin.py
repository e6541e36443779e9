"""Show the workers' heartbeats and periodic duties to superusers, read-only (core/admin_base.py)."""

from __future__ import annotations

from django.contrib import admin

from breachdesk.core.admin_base import ReadOnlyAdmin
from breachdesk.work.models import PeriodicDuty, WorkerBeat


@admin.register(WorkerBeat)
class WorkerBeatAdmin(ReadOnlyAdmin):
    list_display = ("worker_id", "host", "pid", "started_at", "beat_at")


@admin.register(PeriodicDuty)
class PeriodicDutyAdmin(ReadOnlyAdmin):
    list_display = ("name", "next_at", "last_by")
