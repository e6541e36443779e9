"""Authenticate API calls by session (with CSRF) or by bearer token (scoped, and counted for the rate limit)."""

from __future__ import annotations

import math
import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from breachdesk.api.services import api_token_authenticate
from breachdesk.core import token_scope
from breachdesk.core.ratelimit import hashed_key, rate_hit

RATE_WINDOW_SECONDS = 60

# The clock of the rate limit (seconds since the epoch); tests set it instead of sleeping.
now = time.time


class RateLimited(Exception):
    """Refuse a call over the token's limit; ``retry_after`` is the number of seconds until the window ends."""

    def __init__(self, retry_after: int) -> None:
        super().__init__("Too many requests with this API token.")
        self.retry_after = retry_after


def token_rate_check(*, token_id: int) -> None:
    """Count one call of the token in the shared counters; raise ``RateLimited`` past the limit per minute."""
    at = now()
    count = rate_hit(key=hashed_key("api-token", str(token_id)), window_seconds=RATE_WINDOW_SECONDS, now=at)
    if count > settings.BREACHDESK_API_RATE_PER_MINUTE:
        raise RateLimited(max(1, math.ceil(RATE_WINDOW_SECONDS - at % RATE_WINDOW_SECONDS)))


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        use = api_token_authenticate(token=token)
        if use is None:
            return None
        token_rate_check(token_id=use.scope.token_id)
        token_scope.attach(use.user, use.scope)
        request.user = use.user
        return use.user


class VerifiedSessionAuth(SessionAuth):
    """Accept a browser session (CSRF-checked), but only after the second factor when it is required."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if request.headers.get("Authorization"):
            # A call that carries credentials is judged by them alone: a wrong or expired token must not fall back
            # to the browser's session (with the user's full rights and no token limits).
            return None
        user = super().authenticate(request, key)
        if user and settings.BREACHDESK_REQUIRE_2FA and not request.user.is_verified():  # type: ignore[union-attr]
            return None
        return user
