"""Share the desk views' helpers: who may open the desk, redirects, masking."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_noop

from breachdesk.core.errors import PermissionDenied
from breachdesk.core.roles import Capability
from breachdesk.incidents.selectors import IncidentAccess


def require_desk(access: IncidentAccess) -> None:
    """Let in the roles that work around inquiries (``DESK_OPEN``: desk, reviewers, engineers); no personal data."""
    if not access.can(Capability.DESK_OPEN):
        raise PermissionDenied(
            gettext_noop("Your role does not open the inquiry desk."), code="inquiries.no_desk_access"
        )


def require_staff(access: IncidentAccess) -> None:
    """Let in the desk staff who triage, draft and log (``DESK_WORK``)."""
    access.require(Capability.DESK_WORK)


def to(name: str, access: IncidentAccess, **kwargs: Any) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse(f"inquiries:{name}", kwargs={"code": access.incident.code, **kwargs}))


def context(access: IncidentAccess, **extra: Any) -> dict[str, Any]:
    return {
        "access": access,
        "incident": access.incident,
        "can_read": access.can(Capability.INQUIRY_READ_BODY),
        "can_work": access.can(Capability.DESK_WORK),
        "can_send": access.can(Capability.REPLY_SEND),
        "can_complete": access.can(Capability.DELETION_COMPLETE),
        "can_decide": access.can(Capability.DELETION_DECIDE),
        "can_preapprove": access.can(Capability.BLOCK_PREAPPROVE),
        "can_review": access.can(Capability.REVIEW),
        **extra,
    }
