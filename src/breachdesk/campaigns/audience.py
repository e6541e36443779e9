"""Choose the people a campaign reaches: an item and registry-field filter, minus the registered exclusions.

Other apps take people out of every campaign by registering an audience rule from their ``contributions.py``::

    extensions.audience_rules.register(
        extensions.AudienceRule(
            "deletion_completed",
            completed_deletions,          # fn(incident) -> QuerySet (or iterable) of registry person ids
            label=_("Deletion completed"),
            legal_override=True,          # the lead may include these people by recording a legal reason
        )
    )

An exclusion with ``legal_override=True`` is skipped for a campaign whose lead recorded a legal reason
(``campaign.include_deleted``); any other exclusion always applies.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import BooleanField, ExpressionWrapper, F, Q, QuerySet

from breachdesk.core import extensions
from breachdesk.core.errors import ValidationFailed
from breachdesk.core.extensions import AudienceRule
from breachdesk.registry import items as vocabulary
from breachdesk.registry.models import Person, Source

if TYPE_CHECKING:
    from breachdesk.campaigns.models import Campaign
    from breachdesk.incidents.models import Incident

AUDIENCE_KEYS = ("affected_only", "items_any", "items_all", "sources")


def exclusions() -> list[AudienceRule]:
    return extensions.audience_rules.all()


def audience_clean(raw: dict[str, Any] | None) -> dict[str, Any]:
    """Return an audience filter with known keys and valid values; raise ``ValidationFailed`` otherwise."""
    raw = dict(raw or {})
    unknown = set(raw) - set(AUDIENCE_KEYS)
    if unknown:
        raise ValidationFailed(f"Unknown audience keys: {', '.join(sorted(unknown))}.", code="campaigns.audience")
    clean: dict[str, Any] = {"affected_only": bool(raw.get("affected_only", True))}
    for key in ("items_any", "items_all"):
        values = [str(v) for v in raw.get(key) or []]
        bad = [v for v in values if v not in vocabulary.ITEMS]
        if bad:
            raise ValidationFailed(f"Unknown data items: {', '.join(bad)}.", code="campaigns.audience")
        clean[key] = values
    sources = [str(v) for v in raw.get("sources") or []]
    bad = [v for v in sources if v not in Source.values]
    if bad:
        raise ValidationFailed(f"Unknown sources: {', '.join(bad)}.", code="campaigns.audience")
    clean["sources"] = sources
    return clean


def audience_queryset(*, incident: Incident, audience: dict[str, Any]) -> QuerySet[Person]:
    """Return the people the filter selects, before exclusions."""
    audience = audience_clean(audience)
    qs = Person.objects.filter(incident=incident)
    if audience["affected_only"]:
        qs = qs.filter(affected=True)
    if audience["items_any"]:
        mask = vocabulary.mask_of(audience["items_any"])
        qs = qs.alias(any_bits=F("items").bitand(mask)).exclude(any_bits=0)
    if audience["items_all"]:
        mask = vocabulary.mask_of(audience["items_all"])
        qs = qs.alias(all_bits=F("items").bitand(mask)).filter(all_bits=mask)
    if audience["sources"]:
        qs = qs.filter(source__in=audience["sources"])
    return qs


def excluded_ids(*, campaign: Campaign) -> dict[str, set[int]]:
    """Return, per exclusion that applies to ``campaign``, the ids of the people it leaves out."""
    out: dict[str, set[int]] = {}
    for exclusion in exclusions():
        if exclusion.legal_override and campaign.include_deleted:
            continue
        found = exclusion.fn(campaign.incident)
        if isinstance(found, QuerySet):
            found = found.values_list("pk", flat=True) if found.model is Person else found
        out[exclusion.key] = {int(i) for i in found}
    return out


def audience_ids(*, campaign: Campaign) -> tuple[list[tuple[int, bool]], dict[str, int]]:
    """Return ``(person id, has an email address)`` for each audience person, and the count left out per exclusion."""
    leave_out = excluded_ids(campaign=campaign)
    dropped: set[int] = set().union(*leave_out.values()) if leave_out else set()
    qs = audience_queryset(incident=campaign.incident, audience=campaign.audience)
    people: list[tuple[int, bool]] = []
    counts = dict.fromkeys(leave_out, 0)
    has_email = ExpressionWrapper(Q(email_enc__isnull=False), output_field=BooleanField())
    rows = qs.annotate(has_email=has_email).order_by("id").values_list("id", "has_email")
    for pk, email in rows.iterator(chunk_size=20000):
        if pk in dropped:
            for name, ids in leave_out.items():
                if pk in ids:
                    counts[name] += 1
            continue
        people.append((pk, bool(email)))
    return people, counts


def audience_count(*, campaign: Campaign) -> int:
    """Return how many people the campaign would reach if it started now."""
    people, _ = audience_ids(campaign=campaign)
    return len(people)
