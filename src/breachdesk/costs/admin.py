"""Show the cost settings, items and executive reports to superusers, read-only (core/admin_base.py).

The JNSA factors and cost items change in the desk's cost screens, whose services check them and write the timeline.
"""

from __future__ import annotations

from django.contrib import admin

from breachdesk.core.admin_base import IncidentReadOnlyAdmin
from breachdesk.costs.models import CostItem, CostSettings, ExecutiveReport


@admin.register(CostSettings)
class CostSettingsAdmin(IncidentReadOnlyAdmin):
    list_display = ("incident", "social_responsibility", "response_evaluation", "daily_report_hour")


@admin.register(CostItem)
class CostItemAdmin(IncidentReadOnlyAdmin):
    list_display = ("incident", "category", "description", "vendor", "planned_amount_yen", "actual_amount_yen")


@admin.register(ExecutiveReport)
class ExecutiveReportAdmin(IncidentReadOnlyAdmin):
    list_display = ("incident", "kind", "status", "for_date", "generated_at", "size")
