"""Look a person up in an incident's registry by email, phone or member ID, through the blind index."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from breachdesk.core.errors import ApplicationError
from breachdesk.registry import selectors
from breachdesk.registry.management.commands._common import bad_input, incident_or_exit


class Command(BaseCommand):
    help = "Find a person by --email, --phone or --member-id. Prints {found, affected, items}."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--incident", required=True, metavar="CODE")
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--email")
        group.add_argument("--phone")
        group.add_argument("--member-id", dest="member_id")

    def handle(self, *args: Any, **options: Any) -> None:
        incident = incident_or_exit(options["incident"])
        try:
            person = selectors.person_lookup(
                incident=incident, email=options["email"], phone=options["phone"], member_id=options["member_id"]
            )
        except ApplicationError as exc:
            raise bad_input(exc) from None
        result = {
            "found": person is not None,
            "affected": bool(person and person.affected),
            "items": person.item_keys if person and person.affected else [],
        }
        self.stdout.write(json.dumps(result))
