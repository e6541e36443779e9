"""Name the roles a member can hold in an incident, and what each role may do."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    LEAD = "lead", _("Incident lead")
    RESPONDER = "responder", _("Desk responder")
    REVIEWER = "reviewer", _("Legal reviewer")
    ENGINEER = "engineer", _("Engineer")
    PR = "pr", _("Public relations")
    VIEWER = "viewer", _("Viewer")


class Capability(models.TextChoices):
    """Name an action that a role may or may not take inside an incident."""

    VIEW = "view", _("See the incident")
    EDIT_INCIDENT = "edit_incident", _("Edit the incident and change its phase")
    MANAGE_MEMBERS = "manage_members", _("Manage members")
    EDIT_TASKS = "edit_tasks", _("Create and edit tasks")
    UPDATE_OWN_TASKS = "update_own_tasks", _("Update tasks assigned to oneself")
    MANAGE_STAKEHOLDERS = "manage_stakeholders", _("Manage stakeholders")
    VIEW_PII = "view_pii", _("See personal data of affected people")
    EXPORT_PII = "export_pii", _("Export unmasked personal data")
    REVIEW = "review", _("Review replies and reports")
    DESTROY_KEY = "destroy_key", _("Destroy the incident's data key")
    VIEW_ACCESS_LOG = "view_access_log", _("See who read which personal data")


_ALL = set(Role)
PERMISSIONS: dict[Capability, set[Role]] = {
    Capability.VIEW: _ALL,
    Capability.EDIT_INCIDENT: {Role.LEAD},
    Capability.MANAGE_MEMBERS: {Role.LEAD},
    Capability.EDIT_TASKS: {Role.LEAD, Role.RESPONDER, Role.ENGINEER},
    Capability.UPDATE_OWN_TASKS: _ALL - {Role.VIEWER},
    Capability.MANAGE_STAKEHOLDERS: {Role.LEAD, Role.PR},
    Capability.VIEW_PII: {Role.LEAD, Role.RESPONDER, Role.ENGINEER},
    Capability.EXPORT_PII: {Role.LEAD},
    Capability.REVIEW: {Role.LEAD, Role.REVIEWER},
    Capability.DESTROY_KEY: {Role.LEAD},
    Capability.VIEW_ACCESS_LOG: {Role.LEAD},
}


def role_can(role: str | None, capability: Capability) -> bool:
    """Return whether ``role`` grants ``capability``."""
    if role is None:
        return False
    return Role(role) in PERMISSIONS[capability]
