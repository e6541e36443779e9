"""Show the desk's tables to superusers (core/admin_base.py).

The desk settings can be changed here, through ``desk_config_update`` (which writes the timeline event); the IMAP
password is set in the desk only. Inquiries, messages, replies and deletion requests hold personal data, encrypted:
read-only, shown by size only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from breachdesk.core.admin_base import IncidentReadOnlyAdmin, SuperuserOnlyAdmin, binary_placeholder
from breachdesk.inquiries import services
from breachdesk.inquiries.models import (
    Acknowledgment,
    AnswerBlock,
    Attachment,
    ClassifierModel,
    DeletionRequest,
    DeskConfig,
    Inquiry,
    LabelCorrection,
    Message,
    Reply,
)

DESK_SETTINGS = (
    "desk_address",
    "desk_hours",
    "notice_url",
    "first_answer_business_days",
    "public_form_open",
    "ack_per_recipient_day",
    "ack_per_incident_day",
    "link_domains",
    "outbound_charset",
    "imap_host",
    "imap_port",
    "imap_security",
    "imap_username",
    "imap_folder",
    "imap_ca_file",
)


@admin.register(DeskConfig)
class DeskConfigAdmin(SuperuserOnlyAdmin):
    """Configuration: editable by superusers, saved through the desk's service; never added or deleted here."""

    list_display = ("incident", "desk_address", "public_form_open", "imap_host")
    list_select_related = ("incident",)
    fields = ("incident", *DESK_SETTINGS, "imap_password_set", "imap_last_uid", "imap_uidvalidity")
    readonly_fields = ("incident", "imap_password_set", "imap_last_uid", "imap_uidvalidity")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description=_("IMAP password"))
    def imap_password_set(self, obj: DeskConfig) -> str:
        return binary_placeholder(obj.imap_password_enc, encrypted=True)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: DeskConfig, form: Any, change: bool) -> None:
        changed = {name: form.cleaned_data[name] for name in form.changed_data if name in DESK_SETTINGS}
        services.desk_config_update(incident=obj.incident, actor=request.user, **changed)


@admin.register(Inquiry)
class InquiryAdmin(IncidentReadOnlyAdmin):
    list_display = ("token", "incident", "channel", "status", "received_at", "due_at")
    list_filter = ("status", "channel", "incident")
    search_fields = ("token",)


@admin.register(Message)
class MessageAdmin(IncidentReadOnlyAdmin):
    list_display = ("__str__", "incident", "direction", "kind", "at")


@admin.register(Attachment)
class AttachmentAdmin(IncidentReadOnlyAdmin):
    list_display = ("__str__", "incident", "content_type", "size", "dropped_reason")


@admin.register(Acknowledgment)
class AcknowledgmentAdmin(IncidentReadOnlyAdmin):
    """A relay's error may quote the recipient's address: left out."""

    hidden_fields = ("error",)
    list_display = ("__str__", "incident", "status", "due_at", "sent_at", "attempts")


@admin.register(LabelCorrection)
class LabelCorrectionAdmin(IncidentReadOnlyAdmin):
    list_display = ("__str__", "incident", "actor", "created_at")


@admin.register(ClassifierModel)
class ClassifierModelAdmin(IncidentReadOnlyAdmin):
    list_display = ("version", "incident", "active", "eval_macro_f1", "baseline_macro_f1", "created_at")


@admin.register(AnswerBlock)
class AnswerBlockAdmin(IncidentReadOnlyAdmin):
    """Approved answers change only through the four-eyes review in the desk."""

    list_display = ("key", "version", "incident", "title", "status", "approved_at")
    list_filter = ("status", "incident")
    search_fields = ("key", "title")


@admin.register(Reply)
class ReplyAdmin(IncidentReadOnlyAdmin):
    list_display = ("__str__", "incident", "kind", "status", "submitted_at", "sent_at")


@admin.register(DeletionRequest)
class DeletionRequestAdmin(IncidentReadOnlyAdmin):
    """The verification and decision notes are free text about a person: left out."""

    hidden_fields = ("verification_note", "decision_note")
    list_display = ("__str__", "incident", "status", "verified_at", "completed_at")
