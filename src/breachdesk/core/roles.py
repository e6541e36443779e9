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
    """Name an action that a role may or may not take inside an incident.

    Views and services ask for these, never for role names: ``PERMISSIONS`` below is the one map from roles to what
    they may do (docs/security.md shows it as a table). Capabilities marked "object-level" grant a read only for the
    objects the member works on; the view checks the object as well.
    """

    VIEW = "view", _("See the incident")
    EDIT_INCIDENT = "edit_incident", _("Edit the incident and change its phase")
    MANAGE_MEMBERS = "manage_members", _("Manage members")
    EDIT_TASKS = "edit_tasks", _("Create and edit tasks")
    UPDATE_OWN_TASKS = "update_own_tasks", _("Update tasks assigned to oneself")
    MANAGE_STAKEHOLDERS = "manage_stakeholders", _("Manage stakeholders")
    # Personal data in the registry (issue 19: one capability per kind of work, no longer one VIEW_PII for all).
    PII_READ_RECORD = "pii_read_record", _("Read one affected person's record")
    PII_READ_ASSIGNED = "pii_read_assigned", _("Read the record of a person named in one's own deletion task")
    PII_LIST = "pii_list", _("List and search the registry of affected people")
    PII_EXPORT_MASKED = "pii_export_masked", _("Export the registry masked")
    EXPORT_PII = "export_pii", _("Export unmasked personal data")
    PII_IMPORT = "pii_import", _("Import, match and roll back registry files")
    # The inquiry desk.
    DESK_OPEN = "desk_open", _("Open the inquiry desk (answer blocks, deletion list, settings)")
    INQUIRY_READ_BODY = "inquiry_read_body", _("Read inquiries, their senders and attachments")
    INQUIRY_READ_IN_REVIEW = "inquiry_read_in_review", _("Read, masked, the inquiries whose replies one reviews")
    DESK_WORK = "desk_work", _("Triage inquiries, draft replies, log calls and record deletion requests")
    REPLY_SEND = "reply_send", _("Send an approved reply")
    DELETION_COMPLETE = "deletion_complete", _("Mark a verified deletion done")
    DELETION_DECIDE = "deletion_decide", _("Decide whether notices required by law still reach a deleted person")
    BLOCK_PREAPPROVE = "block_preapprove", _("Pre-approve answer blocks for identical use")
    # Notices, FAQ and campaigns (issue 18: these were role sets in the notices and campaigns apps).
    DRAFT_NOTICES = "draft_notices", _("Draft notices and FAQ entries")
    PUBLISH_NOTICES = "publish_notices", _("Publish notices")
    EDIT_CAMPAIGNS = "edit_campaigns", _("Create and edit notice templates and campaigns, and pause them")
    TEST_SEND_TEMPLATES = "test_send_templates", _("Send a test of a notice template to members")
    RUN_CAMPAIGNS = "run_campaigns", _("Start, resume and cancel campaigns, review deliveries, print letters")
    REVIEW = "review", _("Review and approve replies, reports, notices, templates and campaigns")
    DESTROY_KEY = "destroy_key", _("Destroy the incident's data key")
    VIEW_ACCESS_LOG = "view_access_log", _("See who read which personal data")


_ALL = set(Role)
_DESK = {Role.LEAD, Role.RESPONDER}
PERMISSIONS: dict[Capability, set[Role]] = {
    Capability.VIEW: _ALL,
    Capability.EDIT_INCIDENT: {Role.LEAD},
    Capability.MANAGE_MEMBERS: {Role.LEAD},
    Capability.EDIT_TASKS: {Role.LEAD, Role.RESPONDER, Role.ENGINEER},
    Capability.UPDATE_OWN_TASKS: _ALL - {Role.VIEWER},
    Capability.MANAGE_STAKEHOLDERS: {Role.LEAD, Role.PR},
    Capability.PII_READ_RECORD: _DESK,
    Capability.PII_READ_ASSIGNED: {Role.ENGINEER},  # object-level: registry.selectors.person_assigned_to
    Capability.PII_LIST: _DESK,
    Capability.PII_EXPORT_MASKED: {Role.LEAD},
    Capability.EXPORT_PII: {Role.LEAD},
    Capability.PII_IMPORT: {Role.LEAD},
    Capability.DESK_OPEN: {Role.LEAD, Role.RESPONDER, Role.REVIEWER, Role.ENGINEER},
    Capability.INQUIRY_READ_BODY: _DESK,
    Capability.INQUIRY_READ_IN_REVIEW: {Role.REVIEWER},  # object-level: inquiries.selectors.inquiry_in_review_by
    Capability.DESK_WORK: _DESK,
    Capability.REPLY_SEND: _DESK,
    Capability.DELETION_COMPLETE: {Role.LEAD, Role.ENGINEER},
    Capability.DELETION_DECIDE: {Role.LEAD},
    Capability.BLOCK_PREAPPROVE: {Role.LEAD},
    Capability.DRAFT_NOTICES: {Role.LEAD, Role.PR},
    Capability.PUBLISH_NOTICES: {Role.LEAD},
    Capability.EDIT_CAMPAIGNS: {Role.LEAD, Role.PR},
    Capability.TEST_SEND_TEMPLATES: {Role.LEAD, Role.PR, Role.REVIEWER},
    Capability.RUN_CAMPAIGNS: {Role.LEAD},
    Capability.REVIEW: {Role.LEAD, Role.REVIEWER},
    Capability.DESTROY_KEY: {Role.LEAD},
    Capability.VIEW_ACCESS_LOG: {Role.LEAD},
}


def role_can(role: str | None, capability: Capability) -> bool:
    """Return whether ``role`` grants ``capability``."""
    if role is None:
        return False
    return Role(role) in PERMISSIONS[capability]
