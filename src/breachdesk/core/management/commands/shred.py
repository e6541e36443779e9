"""Destroy an incident's data key so that its personal data can never be decrypted again."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from breachdesk.core.errors import ApplicationError
from breachdesk.core.services import data_key_destroy
from breachdesk.incidents.models import Incident


class Command(BaseCommand):
    help = (
        "Crypto-shred an incident: destroy its data key and delete its files (uploads, error files, match reports,"
        " attachments) after a confirmation prompt (--yes skips the prompt)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--incident", required=True, metavar="CODE")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        parser.add_argument("--reason", default="", help="Why the key is destroyed (recorded on the timeline).")

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["incident"]
        incident = Incident.objects.filter(code=code).first()
        if incident is None:
            raise CommandError(f"No incident with code {code!r}.", returncode=2)
        if not options["yes"]:
            if not sys.stdin.isatty():
                raise CommandError("Refusing to shred without a terminal to confirm; pass --yes.", returncode=2)
            self.stderr.write(
                f"This destroys the data key of {code}. Its registry can never be decrypted again.\n"
                f"Type the incident code to confirm: "
            )
            if input().strip() != code:
                raise CommandError("Not confirmed; nothing was changed.", returncode=2)
        try:
            key = data_key_destroy(incident=incident, actor="cli", reason=options["reason"])
        except ApplicationError as exc:
            raise CommandError(str(exc.message), returncode=2) from None
        self.stdout.write(
            json.dumps({"incident": code, "destroyed_at": key.destroyed_at.isoformat() if key.destroyed_at else None})
        )
