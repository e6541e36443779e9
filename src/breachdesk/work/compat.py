"""Name the task statuses of django-tasks in one place (the enum moved between releases)."""

from __future__ import annotations

from django_tasks_db.compat import TaskResultStatus

READY = TaskResultStatus.READY
RUNNING = TaskResultStatus.RUNNING
FAILED = TaskResultStatus.FAILED
