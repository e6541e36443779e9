"""Show templates, campaigns and deliveries to superusers (core/admin_base.py).

A template's name (its metadata) can be changed here, through ``template_rename`` (which writes the timeline event).
Its versions, the campaigns and the deliveries are read-only: they change only through the desk, where the four-eyes
rule and the guards apply. A relay's error may quote the recipient's address: left out.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from breachdesk.campaigns import services
from breachdesk.campaigns.models import Campaign, Delivery, DeliveryEvent, NoticeTemplate, PrintBatch, TemplateVersion
from breachdesk.core.admin_base import IncidentReadOnlyAdmin, ReadOnlyAdmin, SuperuserOnlyAdmin


@admin.register(NoticeTemplate)
class NoticeTemplateAdmin(SuperuserOnlyAdmin):
    """Configuration: the name is editable, saved through the campaigns' service; never added or deleted here."""

    list_display = ("name", "incident", "created_by", "created_at")
    list_select_related = ("incident", "created_by")
    list_filter = ("incident",)
    search_fields = ("name",)
    fields = ("incident", "name", "created_by", "created_at", "updated_at")
    readonly_fields = ("incident", "created_by", "created_at", "updated_at")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: NoticeTemplate, form: Any, change: bool) -> None:
        stored = NoticeTemplate.objects.get(pk=obj.pk)
        services.template_rename(template=stored, actor=request.user, name=form.cleaned_data["name"])


@admin.register(TemplateVersion)
class TemplateVersionAdmin(ReadOnlyAdmin):
    list_display = ("template", "number", "subject", "author", "approved_by", "approved_at")
    list_select_related = ("template", "author", "approved_by")


@admin.register(Campaign)
class CampaignAdmin(IncidentReadOnlyAdmin):
    list_display = ("name", "incident", "channel", "status", "audience_size", "started_at", "finished_at")
    list_filter = ("status", "channel", "incident")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    hidden_fields = ("last_error",)
    list_display = ("id", "campaign", "channel", "status", "attempts", "sent_at")
    list_select_related = ("campaign",)
    list_filter = ("status", "channel")


@admin.register(DeliveryEvent)
class DeliveryEventAdmin(ReadOnlyAdmin):
    """Append-only: every transition of a delivery."""

    hidden_fields = ("reason",)
    list_display = ("delivery", "at", "from_status", "to_status", "actor_label", "code")


@admin.register(PrintBatch)
class PrintBatchAdmin(ReadOnlyAdmin):
    list_display = ("campaign", "number", "letters", "failed", "downloads", "created_at")
