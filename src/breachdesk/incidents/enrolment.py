"""Issue and redeem second-factor enrolment grants: a password alone never sets up a TOTP device.

A grant is a one-time code with an expiry, for one user. A superuser issues one from the command line
(``breachdesk otp-grant --user NAME``); a lead issues one for a member of their incident who has no device yet
(never for site staff: those come from a superuser). Only the code's SHA-256 is stored; a new grant for a user
ends that user's earlier unused ones.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop
from django_otp.plugins.otp_totp.models import TOTPDevice

from breachdesk.core.errors import Conflict, PermissionDenied
from breachdesk.core.roles import Capability
from breachdesk.incidents import events
from breachdesk.incidents.models import EnrolmentGrant, Incident, Membership
from breachdesk.incidents.selectors import IncidentAccess

# Letters and digits that cannot be mistaken for one another when read out or typed (no 0/O, 1/I/L).
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16  # about 79 bits


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def _digest(code: str) -> str:
    return hashlib.sha256(_normalise(code).encode("ascii", "replace")).hexdigest()


def _new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def enrolment_grant_issue(
    *, user: User, issued_by: User | None = None, incident: Incident | None = None, hours: int | None = None
) -> tuple[EnrolmentGrant, str]:
    """Issue a grant for ``user`` and return it with its code (shown once, never stored)."""
    code = _new_code()
    now = timezone.now()
    lifetime = timedelta(hours=hours or settings.BREACHDESK_ENROLMENT_GRANT_HOURS)
    with transaction.atomic():
        EnrolmentGrant.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(expires_at=now)
        grant = EnrolmentGrant.objects.create(
            user=user, issued_by=issued_by, incident=incident, digest=_digest(code), expires_at=now + lifetime
        )
    return grant, code


def enrolment_grant_issue_for_member(
    *, access: IncidentAccess, membership: Membership, actor: User
) -> tuple[EnrolmentGrant, str]:
    """Issue a grant, as the incident's lead, for ``membership``'s user, who must not have a device yet."""
    access.require(Capability.MANAGE_MEMBERS)
    user = membership.user
    if user.is_staff or user.is_superuser:
        raise PermissionDenied(
            gettext_noop("Site staff get their enrolment code from an administrator."), code="enrolment.staff_by_admin"
        )
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise Conflict(gettext_noop("This member already has a second factor."), code="enrolment.has_device")
    with transaction.atomic():
        grant, code = enrolment_grant_issue(user=user, issued_by=actor, incident=access.incident)
        events.member_enrolment_issued_event(
            membership=membership, actor=actor, expires_at=grant.expires_at.isoformat()
        )
    return grant, code


def enrolment_grant_find(*, user: User, code: str) -> EnrolmentGrant | None:
    """Return ``user``'s live (unused, unexpired) grant with ``code``, or ``None``."""
    if not code or len(code) > 64:
        return None
    return EnrolmentGrant.objects.filter(
        user=user, digest=_digest(code), used_at__isnull=True, expires_at__gt=timezone.now()
    ).first()


def enrolment_grant_live(*, user: User, grant_id: int | None) -> EnrolmentGrant | None:
    """Return the grant ``grant_id`` when it is ``user``'s and still live."""
    if grant_id is None:
        return None
    return EnrolmentGrant.objects.filter(
        pk=grant_id, user=user, used_at__isnull=True, expires_at__gt=timezone.now()
    ).first()


def enrolment_grant_redeem(*, grant: EnrolmentGrant) -> bool:
    """Use the grant up; return ``False`` when another request used it first or it has expired."""
    now = timezone.now()
    done = EnrolmentGrant.objects.filter(pk=grant.pk, used_at__isnull=True, expires_at__gt=now).update(used_at=now)
    return done == 1
