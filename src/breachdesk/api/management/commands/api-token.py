"""Issue or revoke API tokens: ``breachdesk api-token create --user NAME``."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from breachdesk.api.models import ApiToken
from breachdesk.api.services import api_token_create, api_token_revoke


class Command(BaseCommand):
    help = "Issue (create) or revoke (revoke) an API token. The token is printed once and never stored."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create")
        create.add_argument("--user", required=True)
        create.add_argument("--name", default="cli")
        create.add_argument("--days", type=int, default=None)
        revoke = sub.add_parser("revoke")
        revoke.add_argument("--prefix", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "create":
            user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
            if user is None:
                raise CommandError(f"No active user {options['user']!r}.", returncode=2)
            row, token = api_token_create(user=user, name=options["name"], days=options["days"])
            self.stdout.write(
                json.dumps({"token": token, "prefix": row.prefix, "expires_at": row.expires_at.isoformat()})
            )
            return
        rows = ApiToken.objects.filter(prefix=options["prefix"], revoked_at__isnull=True)
        if not rows.exists():
            raise CommandError(f"No active token with prefix {options['prefix']!r}.", returncode=2)
        for row in rows:
            api_token_revoke(token_row=row)
        self.stdout.write(json.dumps({"revoked": options["prefix"]}))
