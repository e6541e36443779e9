"""Verify an incident's hash-chained timeline: ``breachdesk audit verify --incident CODE``."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from breachdesk.core import timeline
from breachdesk.incidents.models import Incident


class Command(BaseCommand):
    help = 'Check the audit chain. Prints {"ok": true, "events": N} or names the first bad event and exits 1.'

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Recompute every hash of the incident's timeline.")
        verify.add_argument("--incident", required=True, metavar="CODE")

    def handle(self, *args: Any, **options: Any) -> None:
        incident = Incident.objects.filter(code=options["incident"]).first()
        if incident is None:
            raise CommandError(f"No incident with code {options['incident']!r}.", returncode=2)
        report = timeline.verify(incident=incident)
        self.stdout.write(json.dumps(report.as_dict()))
        if not report.ok:
            raise SystemExit(1)
