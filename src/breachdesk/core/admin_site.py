"""Serve Django's admin to superusers only (docs/operations.md "Django admin")."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class SuperuserAdminSite(admin.AdminSite):
    """Let only active superusers in: the admin is not scoped by incident, unlike the desk."""

    site_header = _("breachdesk administration (superusers only)")
    site_title = _("breachdesk administration")

    def has_permission(self, request: HttpRequest) -> bool:
        user = request.user
        return bool(user.is_active and user.is_superuser)


class BreachdeskAdminConfig(AdminConfig):
    """Install Django's admin with ``SuperuserAdminSite`` as ``admin.site``."""

    default_site = "breachdesk.core.admin_site.SuperuserAdminSite"
