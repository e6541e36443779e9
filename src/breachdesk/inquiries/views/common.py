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
    """Let in the roles that work on inquiries: desk (VIEW_PII: lead, responder, engineer) and reviewers."""
    if not (access.can(Capability.VIEW_PII) or access.can(Capability.REVIEW)):
        raise PermissionDenied(
            gettext_noop("Your role does not open the inquiry desk."), code="inquiries.no_desk_access"
        )


def require_staff(access: IncidentAccess) -> None:
    """Let in the desk staff who write and send (VIEW_PII)."""
    access.require(Capability.VIEW_PII)


def to(name: str, access: IncidentAccess, **kwargs: Any) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse(f"inquiries:{name}", kwargs={"code": access.incident.code, **kwargs}))


def context(access: IncidentAccess, **extra: Any) -> dict[str, Any]:
    return {
        "access": access,
        "incident": access.incident,
        "can_pii": access.can(Capability.VIEW_PII),
        "can_review": access.can(Capability.REVIEW),
        **extra,
    }
