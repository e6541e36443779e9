"""Show API tokens to superusers, read-only: the digest is never shown (core/admin_base.py)."""

from __future__ import annotations

from django.contrib import admin

from breachdesk.api.models import ApiToken
from breachdesk.core.admin_base import ReadOnlyAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """A token is issued and revoked by its owner in the desk; its digest stays out of every page."""

    hidden_fields = ("digest",)
    list_display = ("name", "user", "prefix", "expires_at", "last_used_at", "revoked_at")
    list_select_related = ("user",)
