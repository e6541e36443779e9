"""Evaluate obligations: ``breachdesk obligations FACTS.json`` or ``breachdesk obligations --incident CODE``.

Prints one JSON object on stdout. Unknown keys or values, or unreadable input, exit with status 2 and a message
naming them on stderr.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from breachdesk.core.errors import ApplicationError
from breachdesk.obligations import engine


class Command(BaseCommand):
    help = (
        "Evaluate breach-notification obligations (APPI, GDPR) and print one JSON object. "
        "FACTS.json holds aware_at, jurisdictions, role, event, suspected, cause, persons, items, encryption, "
        "recovered_unviewed, backup_exists and payment_capable_service ('-' reads stdin); --incident CODE uses the "
        "incident's own facts, with the registry and any overrides."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("facts", nargs="?", metavar="FACTS.json", help="A JSON file of facts, or '-' for stdin.")
        parser.add_argument("--incident", metavar="CODE", help="Evaluate the stored incident CODE.")

    def handle(self, *args: Any, **options: Any) -> None:
        path, code = options["facts"], options["incident"]
        if bool(path) == bool(code):
            raise CommandError("Give either FACTS.json or --incident CODE.", returncode=2)
        try:
            evaluation = self._from_incident(code) if code else engine.evaluate(engine.parse_facts(self._read(path)))
        except ApplicationError as exc:
            raise CommandError(str(exc.message), returncode=2) from None
        self.stdout.write(json.dumps(evaluation.as_contract(), ensure_ascii=False))

    def _read(self, path: str) -> Any:
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}.", returncode=2) from None
        except UnicodeDecodeError as exc:
            raise CommandError(
                f"{path} is not UTF-8 text (byte {exc.start} cannot be read); save it as UTF-8 JSON.", returncode=2
            ) from None
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise CommandError(f"{path} is not valid JSON: {exc}.", returncode=2) from None
        except RecursionError:
            raise CommandError(f"{path} is not usable JSON: it is nested too deeply.", returncode=2) from None
        except ValueError as exc:  # a number with more digits than Python converts
            raise CommandError(f"{path} is not usable JSON: {exc}.", returncode=2) from None

    def _from_incident(self, code: str) -> engine.Evaluation:
        from breachdesk.incidents.models import Incident
        from breachdesk.obligations.facts import incident_facts

        incident = Incident.objects.filter(code=code).first()
        if incident is None:
            raise CommandError(f"No incident with code {code!r}.", returncode=2)
        return engine.evaluate(incident_facts(incident=incident).facts)
