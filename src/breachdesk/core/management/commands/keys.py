"""Manage the keys: make a master key, check and re-wrap the data keys under it, and rotate an incident's data key."""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from breachdesk.core.rekey import BATCH
from breachdesk.core.services import data_keys_rewrap


class Command(BaseCommand):
    help = (
        "Master key rotation. 'generate' prints a new random master key (base64); 'check' counts the data keys that "
        "open with the current key, with BREACHDESK_MASTER_KEY_PREVIOUS, or with neither, without changing anything; "
        "'rotate' re-wraps every data key under the current master key; 'rotate-data --incident CODE' gives one "
        "incident a new data key and re-encrypts its values with it. See docs/operations.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["generate", "check", "rotate", "rotate-data"])
        parser.add_argument("--incident", metavar="CODE", help="The incident whose data key 'rotate-data' replaces.")
        parser.add_argument("--batch-size", type=int, default=BATCH, help="Rows per transaction (rotate-data).")
        parser.add_argument(
            "--settle-seconds",
            type=float,
            default=None,
            help="How long to wait for every process to load the new key before the walk (default: 2 s).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "rotate-data":
            self._rotate_data(options)
            return
        if action == "generate":
            self.stdout.write(base64.b64encode(secrets.token_bytes(32)).decode())
            return
        counts = data_keys_rewrap(actor="cli", dry_run=action == "check")
        report: dict[str, Any] = dict(counts)
        if action == "check":
            report["would_rewrap"] = report.pop("rewrapped")
        report["previous_key_set"] = bool(settings.BREACHDESK_MASTER_KEY_PREVIOUS)
        self.stdout.write(json.dumps(report))
        if counts["unreadable"]:
            raise CommandError(
                f"{counts['unreadable']} data keys open with neither the current nor the previous master key.",
                returncode=2,
            )

    def _rotate_data(self, options: dict[str, Any]) -> None:
        from breachdesk.core.errors import ApplicationError
        from breachdesk.core.rotation import data_key_rotate
        from breachdesk.incidents.models import Incident

        code = options["incident"]
        if not code:
            raise CommandError("rotate-data needs --incident CODE.", returncode=2)
        incident = Incident.objects.filter(code=code).first()
        if incident is None:
            raise CommandError(f"No incident with code {code!r}.", returncode=2)
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.", returncode=2)
        try:
            report = data_key_rotate(
                incident=incident,
                actor="cli",
                batch_size=options["batch_size"],
                settle_seconds=options["settle_seconds"],
            )
        except ApplicationError as exc:
            raise CommandError(str(exc), returncode=1) from exc
        self.stdout.write(json.dumps(report))
