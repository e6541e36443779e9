"""Show incidents, members, tasks and stakeholders to superusers, read-only (core/admin_base.py).

Changes go through the desk, whose services write the timeline.
"""

from __future__ import annotations

from django.contrib import admin

from breachdesk.core.admin_base import IncidentReadOnlyAdmin, ReadOnlyAdmin
from breachdesk.incidents.models import EnrolmentGrant, Incident, Membership, Stakeholder, Task


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "organisation", "phase", "found_at", "closed_at")
    list_filter = ("phase",)
    search_fields = ("code", "title")


@admin.register(Membership)
class MembershipAdmin(IncidentReadOnlyAdmin):
    list_display = ("incident", "user", "role", "organisation")
    list_select_related = ("incident", "user")


@admin.register(Task)
class TaskAdmin(IncidentReadOnlyAdmin):
    list_display = ("incident", "phase", "title", "status", "due_at")


@admin.register(Stakeholder)
class StakeholderAdmin(IncidentReadOnlyAdmin):
    """A contact person's name, address and phone are personal data: masked; the notes are left out."""

    masked_fields = ("contact_name", "contact_email", "contact_phone")
    hidden_fields = ("notes",)
    list_display = ("incident", "kind", "name", "status")


@admin.register(EnrolmentGrant)
class EnrolmentGrantAdmin(ReadOnlyAdmin):
    """Show who may enrol a second factor until when; the digest of the code is left out (`otp-grant` issues it)."""

    hidden_fields = ("digest",)
    list_display = ("user", "issued_by", "incident", "expires_at", "used_at")
    list_select_related = ("user", "issued_by", "incident")
