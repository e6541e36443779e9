"""Assemble an incident's facts: from the incident, the registry's aggregate, and the overrides people set.

``registry_aggregate`` is the one place that reads the registry; it uses SQL aggregates only, so it stays quick on
millions of people.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db.models import Count, Q
from django.utils import timezone

from breachdesk.incidents.models import Incident
from breachdesk.obligations.engine import check_value
from breachdesk.obligations.rules.base import Facts
from breachdesk.obligations.vocabulary import ITEMS, JURISDICTIONS


@dataclass(frozen=True)
class RegistryAggregate:
    """Summarise the affected people of an incident: how many, the union of their items, and how many lack contact."""

    persons: int
    items: frozenset[str]
    without_contact: int
    available: bool = True


def _person_model() -> Any | None:
    try:
        return apps.get_model("registry", "Person")
    except LookupError:
        return None


def _items_of(values: list[Any]) -> frozenset[str]:
    """Return the union of stored item sets: bit masks (the registry's format) or JSON lists of keys."""
    keys: set[str] = set()
    mask = 0
    for value in values:
        if isinstance(value, int):
            mask |= value
        elif isinstance(value, list):
            keys.update(str(v) for v in value)
    if mask:
        from breachdesk.registry.items import keys_of

        keys.update(keys_of(mask))
    # Ignore keys the engine does not know (a newer vocabulary); the facts page shows the known ones.
    return frozenset(keys & ITEMS)


def registry_aggregate(*, incident: Incident) -> RegistryAggregate:
    """Return the registry's aggregate for ``incident``; an empty, unavailable one when there is no registry."""
    person = _person_model()
    if person is None:
        return RegistryAggregate(0, frozenset(), 0, available=False)
    no_email = Q(email_enc__isnull=True) | Q(email_enc=b"")
    no_phone = Q(phone_enc__isnull=True) | Q(phone_enc=b"")
    # One scan: group the affected people by their item set (few distinct sets even among millions of people),
    # counting everyone and those without any contact channel.
    rows = (
        person.objects.filter(incident=incident, affected=True)
        .order_by()
        .values("items")
        .annotate(n=Count("pk"), no_contact=Count("pk", filter=no_email & no_phone))
    )
    persons = without_contact = 0
    item_sets = []
    for row in rows:
        persons += row["n"]
        without_contact += row["no_contact"]
        item_sets.append(row["items"])
    items = _items_of(item_sets)
    return RegistryAggregate(persons, items, without_contact)


@dataclass(frozen=True)
class FactSource:
    """Say where a fact's value comes from: ``incident``, ``registry``, ``default`` or ``override`` (with why)."""

    name: str
    value: Any
    source: str
    reason: str = ""
    assembled: Any = None  # the value before an override


@dataclass(frozen=True)
class FactSheet:
    facts: Facts
    sources: dict[str, FactSource] = field(default_factory=dict)
    registry: RegistryAggregate | None = None


def _local(moment: datetime) -> datetime:
    # A stored datetime reads back in UTC; APPI dates are counted in the site's time zone (Asia/Tokyo by default).
    return timezone.localtime(moment, timezone.get_default_timezone())


def assembled_values(*, incident: Incident, aggregate: RegistryAggregate) -> dict[str, tuple[Any, str]]:
    """Return each fact with its source, before overrides."""
    return {
        "aware_at": (_local(incident.aware_at), "incident"),
        "jurisdictions": (tuple(j for j in JURISDICTIONS if j in (incident.jurisdictions or [])), "incident"),
        "role": (incident.org_role, "incident"),
        "event": (incident.event_kind, "incident"),
        "suspected": (incident.suspected, "incident"),
        "cause": (incident.cause, "incident"),
        "persons": (aggregate.persons, "registry"),
        "items": (aggregate.items, "registry"),
        "without_contact": (aggregate.without_contact, "registry"),
        "encryption": ("none", "default"),
        "recovered_unviewed": (False, "default"),
        "backup_exists": (True, "default"),
        "payment_capable_service": (False, "default"),
    }


def incident_facts(*, incident: Incident) -> FactSheet:
    """Return the incident's facts with their sources; an override replaces the assembled value."""
    from breachdesk.obligations.models import FactOverride

    aggregate = registry_aggregate(incident=incident)
    values = assembled_values(incident=incident, aggregate=aggregate)
    sources = {name: FactSource(name, value, source) for name, (value, source) in values.items()}
    for override in FactOverride.objects.filter(incident=incident):
        if override.fact not in values:
            continue
        value = check_value(override.fact, override.value)
        sources[override.fact] = FactSource(
            override.fact, value, "override", override.reason, assembled=values[override.fact][0]
        )
    facts = Facts(**{name: source.value for name, source in sources.items()})
    return FactSheet(facts=facts, sources=sources, registry=aggregate)
