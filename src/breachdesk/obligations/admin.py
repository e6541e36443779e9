"""Show fact overrides, assessments and regulator reports to superusers, read-only (core/admin_base.py).

A report is approved by the four-eyes rule in the desk; rule packs are code (``obligations/rules``), not rows.
"""

from __future__ import annotations

from django.contrib import admin

from breachdesk.core.admin_base import IncidentReadOnlyAdmin
from breachdesk.obligations.models import Assessment, FactOverride, RegulatorReport


@admin.register(FactOverride)
class FactOverrideAdmin(IncidentReadOnlyAdmin):
    list_display = ("incident", "fact", "set_by", "updated_at")


@admin.register(Assessment)
class AssessmentAdmin(IncidentReadOnlyAdmin):
    list_display = ("incident", "evaluated_at")


@admin.register(RegulatorReport)
class RegulatorReportAdmin(IncidentReadOnlyAdmin):
    list_display = ("incident", "jurisdiction", "kind", "status", "approved_at", "submitted_on")
    list_filter = ("status", "jurisdiction")
