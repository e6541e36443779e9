"""Issue, check and revoke API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone

from breachdesk.api.models import ApiToken

TOKEN_PREFIX = "bd_"  # noqa: S105 - a marker, not a secret


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def api_token_create(*, user: User, name: str, days: int | None = None) -> tuple[ApiToken, str]:
    """Issue a token for ``user`` and return it with its secret, which is shown once and never stored."""
    prefix = secrets.token_hex(4)
    token = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    lifetime = timedelta(days=days or settings.BREACHDESK_API_TOKEN_DAYS)
    row = ApiToken.objects.create(
        user=user, name=name, prefix=prefix, digest=_digest(token), expires_at=timezone.now() + lifetime
    )
    return row, token


def api_token_authenticate(*, token: str) -> User | None:
    """Return the active user owning ``token`` when it is valid, unexpired and unrevoked."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = ApiToken.objects.select_related("user").filter(digest=_digest(token)).first()
    now = timezone.now()
    if row is None or row.revoked_at is not None or row.expires_at <= now or not row.user.is_active:
        return None
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


def api_token_revoke(*, token_row: ApiToken) -> None:
    """Revoke a token at once."""
    if token_row.revoked_at is None:
        token_row.revoked_at = timezone.now()
        token_row.save(update_fields=["revoked_at", "updated_at"])
