"""Show core's tables to superusers, read-only: the hash-chained logs, keys, counters (core/admin_base.py)."""

from __future__ import annotations

from django.contrib import admin

from breachdesk.core.admin_base import IncidentReadOnlyAdmin, ReadOnlyAdmin
from breachdesk.core.models import AccessEvent, AccessLogAnchor, IncidentKey, KeyGeneration, RateCounter, TimelineEvent


@admin.register(TimelineEvent)
class TimelineEventAdmin(IncidentReadOnlyAdmin):
    """Append-only and hash-chained: never changed, never deleted here."""

    list_display = ("incident", "seq", "at", "kind", "actor_label")
    search_fields = ("kind",)


@admin.register(AccessEvent)
class AccessEventAdmin(IncidentReadOnlyAdmin):
    """Append-only and hash-chained: who opened which personal data."""

    list_display = ("incident", "seq", "at", "actor_label", "object", "route")


@admin.register(AccessLogAnchor)
class AccessLogAnchorAdmin(IncidentReadOnlyAdmin):
    """Where an incident's access log starts after a retention prune (``breachdesk access-log --prune``)."""

    list_display = ("incident", "seq", "pruned", "pruned_at")


@admin.register(IncidentKey)
class IncidentKeyAdmin(IncidentReadOnlyAdmin):
    """The wrapped data key is shown by size only; shredding is ``breachdesk shred``."""

    list_display = ("incident", "created_at", "destroyed_at")


@admin.register(RateCounter)
class RateCounterAdmin(ReadOnlyAdmin):
    """A counter's key is an HMAC (``core.ratelimit.hashed_key``), never a raw address."""

    list_display = ("key", "window", "count")


@admin.register(KeyGeneration)
class KeyGenerationAdmin(ReadOnlyAdmin):
    list_display = ("id", "value")
