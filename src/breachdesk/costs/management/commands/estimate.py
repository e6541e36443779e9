"""Print the JNSA damages estimate: of an incident's registry, or of a list of items (no database needed)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from breachdesk.costs import jnsa


class Command(BaseCommand):
    help = (
        "JNSA damages estimate. --incident CODE prints {persons, per_person_yen {min, median, max}, total_yen, "
        "factors, by_items}; --items k1,k2 [--social 1|2] [--response 1|2] prints {items, sensitivity, "
        "identifiability, base_yen, factors, per_person_yen} without touching the database. Exit 2 on bad input."
    )
    # The --items path must work without a database: no system checks (some read the database), no migrations check.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument("--incident", metavar="CODE")
        group.add_argument("--items", metavar="KEYS", help="comma-separated data-item keys, e.g. name,address")
        parser.add_argument("--social", type=int, choices=(1, 2), help="social responsibility (default 1)")
        parser.add_argument("--response", type=int, choices=(1, 2), help="response evaluation (default 1)")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["items"] is not None:
            self.stdout.write(json.dumps(self._items(options)))
            return
        if options["social"] is not None or options["response"] is not None:
            raise CommandError("--social and --response go with --items; an incident keeps its own factors.", 2)
        from breachdesk.costs.selectors import incident_estimate
        from breachdesk.incidents.models import Incident

        incident = Incident.objects.filter(code=options["incident"]).first()
        if incident is None:
            raise CommandError(f"No incident with code {options['incident']!r}.", returncode=2)
        estimate = incident_estimate(incident=incident)
        if estimate.without_items:
            self.stderr.write(f"note: {estimate.without_items} affected people have no recorded items; not estimated")
        self.stdout.write(json.dumps(estimate.as_contract(), ensure_ascii=False))

    def _items(self, options: dict[str, Any]) -> dict[str, Any]:
        keys = [part.strip() for part in options["items"].split(",") if part.strip()]
        if not keys:
            raise CommandError("--items needs at least one data-item key.", returncode=2)
        try:
            result = jnsa.estimate(
                keys,
                social_responsibility=options["social"] or 1,
                response_evaluation=options["response"] or 1,
            )
        except jnsa.UnknownItemKey as exc:
            raise CommandError(f"Unknown data item key: {exc.key!r} (costs.unknown_item).", returncode=2) from None
        return {
            "items": list(result.items),
            "sensitivity": result.sensitivity,
            "identifiability": result.identifiability,
            "base_yen": result.base_yen,
            "factors": {
                "social_responsibility": result.social_responsibility,
                "response_evaluation": result.response_evaluation,
            },
            "per_person_yen": result.per_person_yen,
        }
