"""Manage the master key: make a new one, check which key opens each incident's data key, and re-wrap them all."""

from __future__ import annotations

import base64
import json
import secrets
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from breachdesk.core.services import data_keys_rewrap


class Command(BaseCommand):
    help = (
        "Master key rotation. 'generate' prints a new random master key (base64); 'check' counts the data keys that "
        "open with the current key, with BREACHDESK_MASTER_KEY_PREVIOUS, or with neither, without changing anything; "
        "'rotate' re-wraps every data key under the current master key. See docs/operations.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["generate", "check", "rotate"])

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
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
