"""Show notices, FAQ, the public page and the self-check's rows to superusers, read-only (core/admin_base.py).

Published and approved texts change only through the four-eyes review in the desk.
"""

from __future__ import annotations

from django.contrib import admin

from breachdesk.core.admin_base import IncidentReadOnlyAdmin
from breachdesk.notices.models import (
    BlockFlag,
    DailyCount,
    FaqEntry,
    Notice,
    PressStatement,
    PublicPage,
    ReadinessConfirmation,
    SelfCheckRequest,
    StakeholderBriefing,
)


@admin.register(Notice)
class NoticeAdmin(IncidentReadOnlyAdmin):
    list_display = ("incident", "number", "title", "status", "approved_at", "published_at")
    list_filter = ("status", "incident")


@admin.register(FaqEntry)
class FaqEntryAdmin(IncidentReadOnlyAdmin):
    list_display = ("incident", "key", "version", "question", "status")


@admin.register(BlockFlag)
class BlockFlagAdmin(IncidentReadOnlyAdmin):
    list_display = ("incident", "block_key", "faq", "reason", "resolved_at")


@admin.register(PublicPage)
class PublicPageAdmin(IncidentReadOnlyAdmin):
    list_display = ("incident", "version", "first_published_at")


@admin.register(ReadinessConfirmation)
class ReadinessConfirmationAdmin(IncidentReadOnlyAdmin):
    list_display = ("incident", "notice", "check_key", "confirmed_by", "created_at")


@admin.register(SelfCheckRequest)
class SelfCheckRequestAdmin(IncidentReadOnlyAdmin):
    """Only blind indexes and digests are stored: shown by size."""

    list_display = ("id", "incident", "method", "state", "created_at")


@admin.register(DailyCount)
class DailyCountAdmin(IncidentReadOnlyAdmin):
    list_display = ("incident", "day", "kind", "count")


@admin.register(StakeholderBriefing)
class StakeholderBriefingAdmin(IncidentReadOnlyAdmin):
    list_display = ("incident", "stakeholder", "kind", "title", "status", "sent_at")


@admin.register(PressStatement)
class PressStatementAdmin(IncidentReadOnlyAdmin):
    list_display = ("incident", "notice", "title", "title_decided_at")
