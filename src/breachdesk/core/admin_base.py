"""Give every breachdesk model the same kind of Django admin: superusers only, and read-only where data is personal.

Scoping: the admin has no incident scoping, so it is for superusers only (``SuperuserAdminSite`` and every
``ModelAdmin`` below require ``is_superuser``). A member of an incident works in the desk, where every queryset goes
through the membership selector; site staff without ``is_superuser`` are refused here (docs/operations.md).

Personal and encrypted data is never decrypted in the admin: an encrypted column (``*_enc``) or any other binary
column (blind indexes, wrapped keys, digests, PDFs) shows only a placeholder with its size, plaintext personal
fields show a masked form, free-text fields that may hold personal data are left out, and nothing is searchable
through them. Rows holding personal data, the hash-chained timeline and access log, work queues and approved texts
are read-only: they change only through the services, which write the timeline event and apply the four-eyes rule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext


def is_superuser(request: HttpRequest) -> bool:
    """Say whether the request comes from an active superuser: the only people the admin serves."""
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_active and user.is_superuser)


def mask_plain(value: object) -> str:
    """Mask a plaintext personal value without keeping more than its start: hanako@example.jp → ha***@example.jp."""
    text = str(value or "").strip()
    if not text:
        return "-"
    local, at, domain = text.partition("@")
    if at:
        return f"{local[:2]}***@{domain}"
    return f"{text[:1]}***"


def binary_placeholder(value: bytes | memoryview | None, *, encrypted: bool) -> str:
    """Describe a binary column by its size only; the admin never decrypts or prints it."""
    if value is None or len(value) == 0:
        return "-"
    if encrypted:
        return gettext("encrypted, %(size)s bytes") % {"size": len(value)}
    return gettext("binary, %(size)s bytes") % {"size": len(value)}


def _binary_cell(field: models.Field[Any, Any]) -> Callable[[models.Model], str]:
    encrypted = field.name.endswith("_enc")

    @admin.display(description=field.verbose_name)
    def cell(obj: models.Model) -> str:
        return binary_placeholder(getattr(obj, field.attname), encrypted=encrypted)

    cell.__name__ = f"{field.name}_placeholder"
    return cell


def _masked_cell(field: models.Field[Any, Any]) -> Callable[[models.Model], str]:
    @admin.display(description=field.verbose_name)
    def cell(obj: models.Model) -> str:
        return mask_plain(getattr(obj, field.attname))

    cell.__name__ = f"{field.name}_masked"
    return cell


class SuperuserOnlyAdmin(admin.ModelAdmin):
    """Serve superusers only: the admin is not scoped by incident, so no other staff may see or change anything."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_superuser(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_superuser(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_superuser(request) and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_superuser(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_superuser(request) and super().has_delete_permission(request, obj)


class ReadOnlyAdmin(SuperuserOnlyAdmin):
    """Show a model to superusers without add, change or delete, and without ever decrypting a value.

    ``masked_fields`` are plaintext personal fields shown masked; ``hidden_fields`` (free text that may hold personal
    data) are left out. Every binary column is shown as a placeholder with its size.
    """

    masked_fields: Sequence[str] = ()
    hidden_fields: Sequence[str] = ()

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def display_fields(self) -> list[str | Callable[[models.Model], str]]:
        """Return what the change page shows: plain fields by name, binary and personal ones as safe cells.

        The list is built once per admin: the change page matches its cells by identity.
        """
        cached: list[str | Callable[[models.Model], str]] | None = self.__dict__.get("_display_fields")
        if cached is not None:
            return cached
        shown: list[str | Callable[[models.Model], str]] = []
        for field in self.model._meta.concrete_fields:
            if field.name in self.hidden_fields:
                continue
            if isinstance(field, models.BinaryField):
                shown.append(_binary_cell(field))
            elif field.name in self.masked_fields:
                shown.append(_masked_cell(field))
            else:
                shown.append(field.name)
        self.__dict__["_display_fields"] = shown
        return shown

    def get_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return self.display_fields()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        return self.display_fields()


class IncidentReadOnlyAdmin(ReadOnlyAdmin):
    """Read-only admin for a model with an ``incident``: list and filter by incident."""

    list_select_related: ClassVar[bool | list[str] | tuple[str, ...]] = ("incident",)
    list_filter: ClassVar[Any] = ("incident",)
