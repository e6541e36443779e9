"""Queue the day's executive reports whose hour has passed; meant for cron or a systemd timer (every 15 minutes)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone


class Command(BaseCommand):
    help = (
        "Queue today's daily executive report of every incident whose report hour has passed (idempotent: one per "
        "incident and day). The worker (breachdesk db_worker) renders them. Prints {enqueued, reports}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--at", metavar="ISO", help="act as if it were this moment (with a UTC offset); for tests")

    def handle(self, *args: Any, **options: Any) -> None:
        from breachdesk.costs.services import reports_daily_enqueue

        now = timezone.now()
        if options["at"]:
            try:
                now = datetime.fromisoformat(options["at"])
            except ValueError:
                raise CommandError(f"--at {options['at']!r} is not an ISO date-time.", returncode=2) from None
            if now.tzinfo is None:
                raise CommandError("--at needs a UTC offset, e.g. 2026-03-03T09:00:00+09:00.", returncode=2)
        reports = reports_daily_enqueue(now=now)
        self.stdout.write(
            json.dumps(
                {"enqueued": len(reports), "reports": [{"incident": r.incident.code, "id": r.pk} for r in reports]}
            )
        )
