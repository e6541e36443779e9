"""Authenticate API calls by session (with CSRF) or by bearer token."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from breachdesk.api.services import api_token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token=token)
        if user is not None:
            request.user = user
        return user


class VerifiedSessionAuth(SessionAuth):
    """Accept a browser session (CSRF-checked), but only after the second factor when it is required."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user and settings.BREACHDESK_REQUIRE_2FA and not request.user.is_verified():  # type: ignore[union-attr]
            return None
        return user
