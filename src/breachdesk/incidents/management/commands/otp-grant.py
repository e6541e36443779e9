"""Issue a second-factor enrolment code: ``breachdesk otp-grant --user NAME [--hours N]`` (an administrator's act)."""

from __future__ import annotations

import json
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from breachdesk.incidents.enrolment import enrolment_grant_issue


class Command(BaseCommand):
    help = (
        "Issue a one-time code that lets a user set up their TOTP second factor (a password alone cannot). "
        "The code is printed once, only its digest is stored, and it ends the user's earlier unused codes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="the username")
        parser.add_argument("--hours", type=int, default=None, help="how long the code is valid (default: setting)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = get_user_model().objects.filter(username=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active user {options['user']!r}.", returncode=2)
        hours = options["hours"]
        if hours is not None and not 1 <= hours <= 24 * 30:
            raise CommandError("--hours must be between 1 and 720.", returncode=2)
        grant, code = enrolment_grant_issue(user=user, hours=hours)
        self.stdout.write(
            json.dumps({"user": user.get_username(), "code": code, "expires_at": grant.expires_at.isoformat()})
        )
