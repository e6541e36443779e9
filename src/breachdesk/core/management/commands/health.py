"""Print the health report as JSON; exit 1 when a person must look, 2 when the database is down."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand

from breachdesk.core.health import health_report


class Command(BaseCommand):
    help = (
        "Check the database, the task queue lag and work that needs a person (late or uncertain acknowledgments, "
        "uncertain deliveries). Prints JSON; exit status 0 ok, 1 attention, 2 down. For cron or a monitoring agent."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        report = health_report()
        self.stdout.write(json.dumps(report))
        code = {"ok": 0, "attention": 1}.get(report["status"], 2)
        if code:
            sys.exit(code)
