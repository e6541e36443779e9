"""Show the registry to superusers, read-only and encrypted: no value is decrypted (core/admin_base.py)."""

from __future__ import annotations

from django.contrib import admin

from breachdesk.core.admin_base import IncidentReadOnlyAdmin, ReadOnlyAdmin
from breachdesk.registry.models import ImportJob, Person, PersonUndo


@admin.register(ImportJob)
class ImportJobAdmin(IncidentReadOnlyAdmin):
    list_display = ("incident", "kind", "status", "file_name", "rows", "imported", "rejected", "finished_at")
    list_filter = ("status", "kind")


@admin.register(Person)
class PersonAdmin(IncidentReadOnlyAdmin):
    """Every personal column is encrypted: shown by size only, and not searchable."""

    list_display = ("__str__", "incident", "affected", "source", "created_at")


@admin.register(PersonUndo)
class PersonUndoAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "job", "updated_at")
