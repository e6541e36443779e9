"""Issue or revoke API tokens: ``breachdesk api-token create --user NAME --incident CODE [--capability CAP ...]``."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from breachdesk.api.models import ApiToken
from breachdesk.api.services import api_token_create, api_token_revoke
from breachdesk.core.errors import ApplicationError
from breachdesk.core.roles import Capability
from breachdesk.incidents.models import Incident


class Command(BaseCommand):
    help = (
        "Issue (create) or revoke (revoke) an API token. A token reaches only the incidents named with --incident "
        "and, besides seeing them, only the capabilities named with --capability, as far as its user's role there "
        "grants them at each use. The token is printed once and never stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("--user", required=True)
        create.add_argument("--name", default="cli")
        create.add_argument("--days", type=int, default=None)
        create.add_argument(
            "--incident", action="append", required=True, metavar="CODE", help="an incident it reaches (repeatable)"
        )
        create.add_argument(
            "--capability",
            action="append",
            default=[],
            choices=Capability.values,
            help="a capability it carries besides 'view' (repeatable)",
        )
        revoke = sub.add_parser("revoke")
        revoke.add_argument("--prefix", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create":
            self._create(options)
            return
        rows = ApiToken.objects.filter(prefix=options["prefix"], revoked_at__isnull=True)
        if not rows.exists():
            raise CommandError(f"No active token with prefix {options['prefix']!r}.", returncode=2)
        for row in rows:
            api_token_revoke(token_row=row)
        self.stdout.write(json.dumps({"revoked": options["prefix"]}))

    def _create(self, options: dict[str, Any]) -> None:
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']!r}.", returncode=2)
        codes = list(dict.fromkeys(options["incident"]))
        incidents = list(Incident.objects.filter(code__in=codes))
        missing = sorted(set(codes) - {i.code for i in incidents})
        if missing:
            raise CommandError(f"No incident {', '.join(missing)}.", returncode=2)
        try:
            row, token = api_token_create(
                user=user,
                name=options["name"],
                days=options["days"],
                incidents=incidents,
                capabilities=options["capability"],
            )
        except ApplicationError as exc:
            raise CommandError(str(exc.message), returncode=2) from exc
        self.stdout.write(
            json.dumps(
                {
                    "token": token,
                    "prefix": row.prefix,
                    "expires_at": row.expires_at.isoformat(),
                    "incidents": sorted(i.code for i in incidents),
                    "capabilities": sorted({"view", *row.capabilities}),
                }
            )
        )
