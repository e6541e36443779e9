from __future__ import annotations

from django.apps import AppConfig


class WorkConfig(AppConfig):
    """Keep background work alive: worker heartbeats, the reaper, and the standing duties of ``db_worker``."""

    name = "breachdesk.work"
    label = "work"
    verbose_name = "breachdesk background work"
