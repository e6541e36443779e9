"""Let templates ask for a capability, as views do, instead of comparing role names: ``access|can:"edit_incident"``."""

from __future__ import annotations

from typing import Any

from django import template

from breachdesk.core.roles import Capability

register = template.Library()


@register.filter
def can(access: Any, capability: str) -> bool:
    """Return whether ``access`` (an ``IncidentAccess``) grants ``capability``, named by its value."""
    if access is None or not hasattr(access, "can"):
        return False
    return bool(access.can(Capability(capability)))
