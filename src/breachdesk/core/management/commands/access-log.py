"""Print an incident's access log: ``breachdesk access-log --incident CODE [--since ISO] [--json]``."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from breachdesk.core import access_log
from breachdesk.incidents.models import Incident


class Command(BaseCommand):
    help = "Print every read of an incident's personal data (one JSON object per read with --json)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--incident", required=True, metavar="CODE")
        parser.add_argument("--since", metavar="ISO", help="Only reads at or after this time (ISO 8601).")
        parser.add_argument("--json", action="store_true", help="One JSON object per line.")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["incident"]
        incident = Incident.objects.filter(code=code).first()
        if incident is None:
            raise CommandError(f"No incident with code {code!r}.", returncode=2)
        since = None
        if options["since"]:
            try:
                since = datetime.fromisoformat(options["since"])
            except ValueError:
                raise CommandError(f"--since {options['since']!r} is not an ISO 8601 time.", returncode=2) from None
            if timezone.is_naive(since):
                since = timezone.make_aware(since)
        for event in access_log.reads(incident=incident, since=since):
            row = access_log.as_dict(event)
            if options["json"]:
                self.stdout.write(json.dumps(row, ensure_ascii=False))
            else:
                fields = ",".join(row["fields"])
                self.stdout.write(f"{row['at']}  {row['actor']:<16} {row['object']:<18} {fields:<40} {row['route']}")
