"""Print an incident's access log, or prune it under the retention rules.

``breachdesk access-log --incident CODE [--since ISO] [--json]`` prints the reads; ``breachdesk access-log --prune
[--incident CODE]`` removes the reads older than each incident's ``access_log_retention_days`` (run it daily);
``breachdesk access-log --incident CODE --set-retention DAYS`` sets that period (0 keeps every read).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from breachdesk.core import access_log
from breachdesk.incidents.models import Incident


class Command(BaseCommand):
    help = (
        "Print every read of an incident's personal data (one JSON object per read with --json); with --prune, remove "
        "the reads older than the incident's retention period (every incident that has one, without --incident)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--incident", metavar="CODE")
        parser.add_argument(
            "--prune",
            action="store_true",
            help="Remove reads older than the retention period; the chain stays verifiable.",
        )
        parser.add_argument("--since", metavar="ISO", help="Only reads at or after this time (ISO 8601).")
        parser.add_argument("--json", action="store_true", help="One JSON object per line.")

        parser.add_argument(
            "--set-retention",
            type=int,
            metavar="DAYS",
            help="Set how many days the incident's reads are kept (0: keep them all); recorded on the timeline.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["incident"]
        if options["set_retention"] is not None:
            self._set_retention(code, options["set_retention"])
            return
        if options["prune"]:
            self._prune(code)
            return
        if not code:
            raise CommandError("Give --incident CODE (or --prune).", returncode=2)
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

    def _prune(self, code: str | None) -> None:
        from breachdesk.core.errors import ApplicationError

        incidents = Incident.objects.order_by("pk")
        if code:
            incidents = incidents.filter(code=code)
            if not incidents.exists():
                raise CommandError(f"No incident with code {code!r}.", returncode=2)
        else:
            incidents = incidents.exclude(access_log_retention_days=None)
        failed = 0
        for incident in incidents:
            try:
                report = access_log.prune(incident=incident, actor="cli")
            except ApplicationError as exc:
                failed += 1
                self.stderr.write(str(exc))
                continue
            self.stdout.write(json.dumps(report, ensure_ascii=False))
        if failed:
            raise CommandError(f"{failed} access logs were not pruned (see above).", returncode=1)

    def _set_retention(self, code: str | None, days: int) -> None:
        from django.db import transaction

        from breachdesk.core import timeline

        if days < 0:
            raise CommandError("--set-retention takes a number of days (0 keeps every read).", returncode=2)
        incident = Incident.objects.filter(code=code).first() if code else None
        if incident is None:
            raise CommandError("--set-retention needs --incident CODE of an existing incident.", returncode=2)
        value = days or None
        with transaction.atomic():
            incident.access_log_retention_days = value
            incident.save(update_fields=["access_log_retention_days", "updated_at"])
            timeline.record(
                incident=incident, actor="cli", kind="access_log.retention_set", data={"retention_days": value}
            )
        self.stdout.write(json.dumps({"incident": incident.code, "retention_days": value}))
