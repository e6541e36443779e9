"""Authenticate API calls by session (with CSRF) or by bearer token (scoped, and counted for the rate limit)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from breachdesk.api.services import api_token_authenticate
from breachdesk.core import token_scope


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        use = api_token_authenticate(token=token)
        if use is None:
            return None
        token_scope.attach(use.user, use.scope)
        request.user = use.user
        return use.user


class VerifiedSessionAuth(SessionAuth):
    """Accept a browser session (CSRF-checked), but only after the second factor when it is required."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user and settings.BREACHDESK_REQUIRE_2FA and not request.user.is_verified():  # type: ignore[union-attr]
            return None
        return user
