"""Issue, check and revoke API tokens; each token reaches only the incidents and capabilities it was issued for."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from breachdesk.api.models import ApiToken
from breachdesk.core.errors import ValidationFailed
from breachdesk.core.roles import Capability, role_can
from breachdesk.core.token_scope import TokenScope
from breachdesk.incidents.models import Incident, Membership

TOKEN_PREFIX = "bd_"  # noqa: S105 - a marker, not a secret


@dataclass(frozen=True)
class TokenUse:
    """Carry the user a valid token belongs to, and what the token may reach."""

    user: User
    scope: TokenScope


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def api_token_create(
    *,
    user: User,
    name: str,
    incidents: Sequence[Incident] = (),
    capabilities: Iterable[str] = (),
    days: int | None = None,
) -> tuple[ApiToken, str]:
    """Issue a token for ``user`` on ``incidents`` with ``capabilities``; return it with its secret (shown once).

    Refuse a capability that is not a ``Capability`` value, an incident the user is not a member of, and a
    capability the user's role there does not grant today. At each use the membership is checked again.
    """
    caps = sorted({str(c) for c in capabilities})
    unknown = [c for c in caps if c not in Capability.values]
    if unknown:
        raise ValidationFailed(
            f"Unknown capability: {', '.join(unknown)} (known: {', '.join(Capability.values)}).",
            code="api_token.unknown_capability",
        )
    roles = dict(
        Membership.objects.filter(user_id=user.pk, incident__in=list(incidents)).values_list("incident_id", "role")
    )
    for incident in incidents:
        role = roles.get(incident.pk)
        if role is None:
            raise ValidationFailed(
                f"{user.get_username()!r} is not a member of incident {incident.code!r}.",
                code="api_token.not_member",
            )
        lacking = [c for c in caps if not role_can(role, Capability(c))]
        if lacking:
            raise ValidationFailed(
                f"The role {role!r} in {incident.code!r} does not grant: {', '.join(lacking)}.",
                code="api_token.capability_not_granted",
            )
    prefix = secrets.token_hex(4)
    token = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    lifetime = timedelta(days=days or settings.BREACHDESK_API_TOKEN_DAYS)
    with transaction.atomic():
        row = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=prefix,
            digest=_digest(token),
            expires_at=timezone.now() + lifetime,
            capabilities=caps,
        )
        row.incidents.set(incidents)
    return row, token


def api_token_authenticate(*, token: str) -> TokenUse | None:
    """Return the active user owning ``token`` and its scope, when it is valid, unexpired and unrevoked."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = ApiToken.objects.select_related("user").filter(digest=_digest(token)).first()
    now = timezone.now()
    if row is None or row.revoked_at is not None or row.expires_at <= now or not row.user.is_active:
        return None
    if row.last_used_at is None or now - row.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    scope = TokenScope(
        token_id=row.pk,
        incident_ids=frozenset(row.incidents.values_list("pk", flat=True)),
        capabilities=frozenset(str(c) for c in row.capabilities or ()),
    )
    return TokenUse(user=row.user, scope=scope)


def api_token_revoke(*, token_row: ApiToken) -> None:
    """Revoke a token at once."""
    if token_row.revoked_at is None:
        token_row.revoked_at = timezone.now()
        token_row.save(update_fields=["revoked_at", "updated_at"])
