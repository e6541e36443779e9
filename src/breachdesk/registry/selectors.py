"""Read the registry: lookups through the blind indexes, the searchable list, counts per item, and jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django.db.models import Count, F, Q, QuerySet

from breachdesk.core.crypto import cipher_for
from breachdesk.core.errors import NotFound, ValidationFailed
from breachdesk.core.memo import memoized
from breachdesk.incidents.models import Incident
from breachdesk.registry import items as vocabulary
from breachdesk.registry.models import ImportJob, JobStatus, Person


def _index_filter(*, incident: Incident, email: str | None, phone: str | None, member_id: str | None) -> Q:
    given = [(k, v) for k, v in (("email", email), ("phone", phone), ("member_id", member_id)) if v]
    if len(given) != 1:
        raise ValidationFailed("Give exactly one of email, phone or member ID.", code="registry.lookup_args")
    kind, value = given[0]
    # Every live key generation's index: during a data-key rotation some rows still carry the previous one.
    digests = cipher_for(incident.pk).blind_indexes(kind, value)  # type: ignore[arg-type]
    if not digests:
        raise ValidationFailed(f"That is not a valid {kind.replace('_', ' ')}.", code="registry.lookup_value")
    column = {"email": "bidx_email", "phone": "bidx_phone", "member_id": "bidx_member"}[kind]
    return Q(**{f"{column}__in": digests})


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
        condition = Q(pk__in=[])
        for kind, column in (("email", "bidx_email"), ("phone", "bidx_phone"), ("member_id", "bidx_member")):
            digests = cipher.blind_indexes(kind, query)  # type: ignore[arg-type]
            if digests:
                condition |= Q(**{f"{column}__in": digests})
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
    return _counts_labelled(_registry_tally(incident=incident))


def registry_counts_cached(*, incident: Incident) -> dict[str, Any]:
    """Return ``registry_counts``, computed once per registry stamp and process (the dashboard's panel).

    The stamp changes with every import, rollback, leak match or manual entry, in any process, so the counts are
    never stale after a change; the signal ``registry_changed`` also clears this process's copy at once.
    """
    return _counts_labelled(_registry_tally_cached(incident=incident))


def affected_item_distribution_cached(*, incident: Incident) -> dict[int, int]:
    """Return {items bit mask: affected people}, from the same cached scan as ``registry_counts_cached``."""
    return dict(_registry_tally_cached(incident=incident)["masks"])


def _registry_tally_cached(*, incident: Incident) -> dict[str, Any]:
    from django.core.cache import cache

    key = f"registry:counts:{incident.pk}:{registry_stamp(incident=incident)}:{_generation.get(incident.pk, 0)}"
    tally = cache.get(key)
    if tally is None:
        tally = _registry_tally(incident=incident)
        cache.set(key, tally, COUNTS_SECONDS)
    return cast(dict[str, Any], tally)


COUNTS_SECONDS = 3600
# Per process: bumped by ``registry_changed`` (see ``registry_changed_clear``).
_generation: dict[int, int] = {}


def registry_changed_clear(sender: Any, incident: Incident, **kwargs: Any) -> None:
    """Forget this process's cached counts of ``incident`` (receiver of ``registry_changed``)."""
    _generation[incident.pk] = _generation.get(incident.pk, 0) + 1


def _changing_kinds() -> tuple[str, ...]:
    """Return the registry's timeline kinds that record a change of people or items (all but the export)."""
    from breachdesk.registry import events

    return tuple(
        value
        for name, value in vars(events).items()
        if name.isupper() and isinstance(value, str) and value.startswith("registry.") and value != events.EXPORTED
    )


def registry_stamp(*, incident: Incident) -> str:
    """Return a stamp that changes whenever the registry of ``incident`` may have changed, in any process.

    Made of the latest registry event (every import, rollback, leak match and manual entry records one in the same
    transaction; its hash is unique over incidents and times) and the latest job update (a running or failed
    import commits rows before its event). Two index lookups, made once per page inside ``page_memo()``.
    """
    return memoized(("registry_stamp", incident.pk), lambda: _registry_stamp(incident=incident))


def _registry_stamp(*, incident: Incident) -> str:
    from breachdesk.core.models import TimelineEvent

    event = (
        TimelineEvent.objects.filter(incident=incident, kind__in=_changing_kinds())
        .order_by("-seq")
        .values_list("hash", flat=True)
        .first()
    )
    job = (
        ImportJob.objects.filter(incident=incident)
        .order_by("-updated_at", "-id")
        .values_list("id", "updated_at")
        .first()
    )
    job_part = f"{job[0]}@{job[1].timestamp()}" if job else "-"
    return f"{event or incident.created_at.timestamp()}:{job_part}"


def registry_written_by_others(*, job: ImportJob, since: datetime) -> bool:
    """Say whether anyone but ``job`` may have written the people of its incident since ``since``.

    True while another job runs, or once another job has changed since then (a queued or pending one has written
    nothing), or a registry change (a manual entry, a rollback, a leak match) was recorded on the timeline.
    """
    from breachdesk.core.models import TimelineEvent

    others = (
        ImportJob.objects.filter(incident_id=job.incident_id)
        .exclude(pk=job.pk)
        .exclude(status__in=[JobStatus.PENDING, JobStatus.QUEUED])
    )
    if others.filter(Q(status=JobStatus.RUNNING) | Q(updated_at__gte=since)).exists():
        return True
    return TimelineEvent.objects.filter(incident_id=job.incident_id, kind__in=_changing_kinds(), at__gte=since).exists()


def _registry_tally(*, incident: Incident) -> dict[str, Any]:
    """Count people by (affected, items, source) in one GROUP BY: every figure of the panel is a sum of these."""
    rows = (
        Person.objects.filter(incident=incident)
        .values_list("affected", "items", "source")
        .annotate(n=Count("id"))
        .order_by()
    )
    total = affected = 0
    per_item = dict.fromkeys(vocabulary.BITS, 0)
    sources: dict[str, int] = {}
    masks: dict[int, int] = {}
    for is_affected, items, source, n in rows:
        total += n
        sources[source] = sources.get(source, 0) + n
        if is_affected:
            affected += n
            masks[items or 0] = masks.get(items or 0, 0) + n
            for key, bit in vocabulary.BITS.items():
                if (items or 0) & bit:
                    per_item[key] += n
    return {"total": total, "affected": affected, "per_item": per_item, "by_source": sources, "masks": masks}


def _counts_labelled(tally: dict[str, Any]) -> dict[str, Any]:
    """Add the item labels (in the active language) to a tally."""
    by_item = [
        {"key": key, "label": vocabulary.label(key), "count": count}
        for key, count in tally["per_item"].items()
        if count
    ]
    return {
        "total": tally["total"],
        "affected": tally["affected"],
        "by_item": by_item,
        "by_source": dict(tally["by_source"]),
    }


def job_list(*, incident: Incident) -> QuerySet[ImportJob]:
    return ImportJob.objects.filter(incident=incident).order_by("-created_at", "-id")


def job_get(*, incident: Incident, job_id: int) -> ImportJob:
    job = ImportJob.objects.filter(incident=incident, pk=job_id).first()
    if job is None:
        raise NotFound("No such job.")
    return job
