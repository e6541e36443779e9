"""Read the registry: lookups through the blind indexes, the searchable list, counts per item, and jobs."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When

from breachdesk.core.crypto import cipher_for
from breachdesk.core.errors import NotFound, ValidationFailed
from breachdesk.incidents.models import Incident
from breachdesk.registry import items as vocabulary
from breachdesk.registry.models import ImportJob, Person


def _index_filter(*, incident: Incident, email: str | None, phone: str | None, member_id: str | None) -> Q:
    given = [(k, v) for k, v in (("email", email), ("phone", phone), ("member_id", member_id)) if v]
    if len(given) != 1:
        raise ValidationFailed("Give exactly one of email, phone or member ID.", code="registry.lookup_args")
    kind, value = given[0]
    digest = cipher_for(incident.pk).blind_index(kind, value)  # type: ignore[arg-type]
    if digest is None:
        raise ValidationFailed(f"That is not a valid {kind.replace('_', ' ')}.", code="registry.lookup_value")
    column = {"email": "bidx_email", "phone": "bidx_phone", "member_id": "bidx_member"}[kind]
    return Q(**{column: digest})


def person_lookup(
    *, incident: Incident, email: str | None = None, phone: str | None = None, member_id: str | None = None
) -> Person | None:
    """Return the person with this email, phone or member ID (an affected one first), or ``None``.

    Serves the desk, the self-check page and campaigns; raise ``ValidationFailed`` for a value that is not valid.
    """
    condition = _index_filter(incident=incident, email=email, phone=phone, member_id=member_id)
    return Person.objects.filter(condition, incident=incident).order_by("-affected", "id").first()


def person_search(
    *, incident: Incident, query: str = "", affected: bool | None = None, item: str | None = None
) -> QuerySet[Person]:
    """Return the people matching a member ID, email or phone typed in ``query`` (exact, through the index)."""
    qs = Person.objects.filter(incident=incident)
    query = query.strip()
    if query:
        cipher = cipher_for(incident.pk)
        condition = Q(member_id=query)
        for kind, column in (("email", "bidx_email"), ("phone", "bidx_phone"), ("member_id", "bidx_member")):
            digest = cipher.blind_index(kind, query)  # type: ignore[arg-type]
            if digest is not None:
                condition |= Q(**{column: digest})
        qs = qs.filter(condition)
    if affected is not None:
        qs = qs.filter(affected=affected)
    if item and item in vocabulary.BITS:
        bit = vocabulary.BITS[item]
        qs = qs.alias(has=F("items").bitand(bit)).filter(has=bit)
    return qs.order_by("id")


def person_get(*, incident: Incident, person_id: int) -> Person:
    person = Person.objects.filter(incident=incident, pk=person_id).first()
    if person is None:
        raise NotFound("No such person.")
    return person


def registry_counts(*, incident: Incident) -> dict[str, Any]:
    """Return the aggregate counts: people, affected, per source, and affected people per item (one scan)."""
    people = Person.objects.filter(incident=incident)
    aggregates: dict[str, Any] = {"n_total": Count("id"), "n_affected": Count("id", filter=Q(affected=True))}
    for key, bit in vocabulary.BITS.items():
        aggregates[f"item_{key}"] = Sum(
            Case(
                When(affected=True, then=F("items").bitand(bit)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
    row = people.aggregate(**aggregates)
    by_item = []
    for key, bit in vocabulary.BITS.items():
        value = row[f"item_{key}"] or 0
        count = value // bit
        if count:
            by_item.append({"key": key, "label": vocabulary.label(key), "count": count})
    sources = dict(people.values_list("source").annotate(n=Count("id")).values_list("source", "n"))
    return {"total": row["n_total"], "affected": row["n_affected"], "by_item": by_item, "by_source": sources}


def job_list(*, incident: Incident) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(incident=incident).order_by("-created_at", "-id")


def job_get(*, incident: Incident, job_id: int) -> ImportJob:
    job = ImportJob.objects.filter(incident=incident, pk=job_id).first()
    if job is None:
        raise NotFound("No such job.")
    return job
