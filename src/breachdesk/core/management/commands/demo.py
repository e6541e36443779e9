"""Build the OCO demo: ``breachdesk demo``. Deterministic and idempotent.

Each app may add to the demo with a ``demo.py`` module holding ``build(*, log) -> None`` and an integer ``ORDER``;
the command runs them in ascending order. The incidents app builds the incident, the users and the timeline first.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from breachdesk.core.demo_builders import demo_builders


class Command(BaseCommand):
    help = "Load the OCO (オールチケットオンライン) demo incident with users for each role. Safe to run twice."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="Exit 0 when the demo is loaded, 1 when it is not.")
        parser.add_argument("--logins-only", action="store_true", help="Only print the demo logins.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo although DEBUG is off (it creates users with published passwords).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from breachdesk.incidents.demo import DEMO_CODE, print_logins

        if options["check"]:
            from breachdesk.incidents.models import Incident

            raise SystemExit(0 if Incident.objects.filter(code=DEMO_CODE).exists() else 1)
        if options["logins_only"]:
            print_logins(self.stdout)
            return
        if not settings.DEBUG and not options["force"]:
            raise CommandError(
                "Refusing to load the demo with DEBUG off: it creates a staff user and other users whose passwords"
                " are published. Use a development machine (DEBUG=true), or pass --force on a machine no one else"
                " can reach.",
                returncode=2,
            )
        for name, module in demo_builders():
            started = time.monotonic()
            module.build(log=lambda msg: self.stderr.write(msg))
            self.stderr.write(f"demo: {name} ready in {time.monotonic() - started:.1f}s")
        print_logins(self.stdout)
