"""Read the desk: the inquiry list, one inquiry, the review queue, the dashboard figures, and what campaigns need."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta
from typing import Any, cast

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from breachdesk.core.errors import NotFound
from breachdesk.core.memo import memoized
from breachdesk.incidents.models import Incident
from breachdesk.inquiries import events
from breachdesk.inquiries import labels as label_vocabulary
from breachdesk.inquiries.models import (
    Acknowledgment,
    AckStatus,
    AnswerBlock,
    Attachment,
    DeletionRequest,
    DeletionStatus,
    Inquiry,
    InquiryStatus,
    Reply,
    ReplyStatus,
)
from breachdesk.inquiries.sla import AGE_BUCKETS, TOKYO, business_cutoff


def inquiry_list(
    *,
    incident: Incident,
    status: str | None = None,
    label: str | None = None,
    assignee_id: int | None = None,
    unassigned: bool = False,
    overdue: bool = False,
) -> QuerySet[Inquiry]:
    """Return the incident's inquiries, newest first, filtered."""
    qs = Inquiry.objects.filter(incident=incident).select_related("assignee")
    if status:
        qs = qs.filter(status=status)
    if label and label in label_vocabulary.BITS:
        bit = label_vocabulary.BITS[label]
        qs = qs.alias(has=F("label_bits").bitand(bit)).filter(has=bit)
    if assignee_id:
        qs = qs.filter(assignee_id=assignee_id)
    if unassigned:
        qs = qs.filter(assignee__isnull=True)
    if overdue:
        qs = qs.filter(status=InquiryStatus.OPEN, answered_at__isnull=True, due_at__lt=timezone.now())
    return qs.order_by("-received_at", "-id")


def inquiry_list_count(
    *,
    incident: Incident,
    status: str | None = None,
    label: str | None = None,
    assignee_id: int | None = None,
    unassigned: bool = False,
    overdue: bool = False,
) -> int:
    """Return how many inquiries ``inquiry_list`` gives for these filters, cached under the desk stamp.

    A change (new inquiry, status, labels, assignee, answer) gives a new stamp, so the count is never stale after a
    change; the "past the SLA" count moves with the clock too, so every count also expires after ``STATS_SECONDS``.
    """
    from django.core.cache import cache

    shape_of = (status, label, assignee_id, unassigned, overdue)
    shape = hashlib.sha256(repr(shape_of).encode()).hexdigest()[:16]
    key = f"inquiries:list_count:{incident.pk}:{desk_stamp(incident=incident)}:{shape}"
    cached = cache.get(key)
    if cached is not None:
        return int(cached)
    qs = inquiry_list(
        incident=incident,
        status=status,
        label=label,
        assignee_id=assignee_id,
        unassigned=unassigned,
        overdue=overdue,
    )
    count = qs.order_by().count()
    cache.set(key, count, STATS_SECONDS)
    return count


def inquiry_get(*, incident: Incident, inquiry_id: int) -> Inquiry:
    inquiry = (
        Inquiry.objects.filter(incident=incident, pk=inquiry_id)
        .select_related("person", "assignee", "acknowledgment")
        .first()
    )
    if inquiry is None:
        raise NotFound("No such inquiry.")
    inquiry.incident = incident  # the same row: services and events read it without another query
    return inquiry


def reply_get(*, incident: Incident, reply_id: int) -> Reply:
    reply = Reply.objects.filter(incident=incident, pk=reply_id).select_related("inquiry", "author").first()
    if reply is None:
        raise NotFound("No such reply.")
    reply.incident = incident  # the same row: services and events read it without another query
    reply.inquiry.incident = incident
    return reply


def block_get(*, incident: Incident, block_id: int) -> AnswerBlock:
    block = AnswerBlock.objects.filter(incident=incident, pk=block_id).first()
    if block is None:
        raise NotFound("No such answer block.")
    return block


def block_list(*, incident: Incident) -> QuerySet[AnswerBlock]:
    return (
        AnswerBlock.objects.filter(incident=incident)
        .select_related("author", "approved_by")
        .order_by("key", "-version")
    )


def attachment_get(*, incident: Incident, attachment_id: int) -> Attachment:
    attachment = Attachment.objects.filter(incident=incident, pk=attachment_id).first()
    if attachment is None:
        raise NotFound("No such attachment.")
    return attachment


def deletion_get(*, incident: Incident, deletion_id: int) -> DeletionRequest:
    deletion = DeletionRequest.objects.filter(incident=incident, pk=deletion_id).select_related("inquiry").first()
    if deletion is None:
        raise NotFound("No such deletion request.")
    return deletion


def deletion_list(*, incident: Incident) -> QuerySet[DeletionRequest]:
    return DeletionRequest.objects.filter(incident=incident).select_related("inquiry", "task").order_by("-created_at")


def person_in_own_deletion_task(*, incident: Incident, person_id: int, user: Any) -> bool:
    """Return whether ``person_id`` is the verified subject of an open deletion whose task is assigned to ``user``.

    This is the engineer's object-level grant (``Capability.PII_READ_ASSIGNED``): an unverified suggestion names
    nobody, and a finished deletion needs no more reading.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    return DeletionRequest.objects.filter(
        incident=incident,
        person_id=person_id,
        verified_at__isnull=False,
        status=DeletionStatus.OPEN,
        task__owner_id=user.pk,
    ).exists()


def inquiry_in_review_by(*, inquiry: Inquiry, user: Any) -> bool:
    """Return whether ``user`` reviews a reply to ``inquiry``: one is in review, or they reviewed one.

    This is the legal reviewer's object-level grant (``Capability.INQUIRY_READ_IN_REVIEW``).
    """
    replies = Reply.objects.filter(inquiry=inquiry)
    return replies.filter(Q(status=ReplyStatus.IN_REVIEW) | Q(reviewer_id=user.pk)).exists()


def reply_in_review_by(*, reply: Reply, user: Any) -> bool:
    """Return whether ``user`` may review ``reply`` now, or reviewed it (the reviewer's object-level grant)."""
    return reply.status == ReplyStatus.IN_REVIEW or reply.reviewer_id == user.pk


def review_queue(*, incident: Incident) -> QuerySet[Reply]:
    """Return the replies waiting for review, oldest first."""
    return (
        Reply.objects.filter(incident=incident, status=ReplyStatus.IN_REVIEW)
        .select_related("inquiry", "author")
        .order_by("submitted_at", "id")
    )


def person_ids_with_completed_deletion(*, incident: Incident, legally_required: bool = False) -> QuerySet[Any]:
    """Return the registry person ids whose data was deleted on request: campaigns must not mail them.

    With ``legally_required=True`` (a notice the law requires), a completed deletion removes nobody unless the lead
    recorded a reason to leave the person out of such notices too (a decision with a note, not cleared).
    """
    qs = DeletionRequest.objects.filter(incident=incident, status=DeletionStatus.DONE, person__isnull=False)
    if legally_required:
        qs = qs.filter(decided_at__isnull=False, legal_notices_allowed=False).exclude(decision_note="")
    return qs.values_list("person_id", flat=True).distinct()


def inquiries_of_person(*, incident: Incident, person_id: int) -> QuerySet[Inquiry]:
    """Return the inquiries linked to the person, and those that only suggest them (shown as unverified)."""
    return Inquiry.objects.filter(
        Q(person_id=person_id) | Q(suggested_person_id=person_id), incident=incident
    ).order_by("-received_at")


def unacknowledged_count(*, incident: Incident) -> int:
    """Return the threads with an address whose acknowledgment has not gone out (the dashboard keeps this at 0)."""
    return Acknowledgment.objects.filter(incident=incident).exclude(status=AckStatus.SENT).count()


STATS_SECONDS = 10

# Timeline kinds that change none of the desk's figures; every other event of the incident is taken as a change.
_STAMP_NOISE = (events.REPLY_DRAFTED, events.REPLY_EDITED, events.MAILBOX_POLLED)
# The same condition as SQL with its values written out: the partial index of migration 0004 (which repeats it) is
# used only for a query whose condition matches its own, and SQLite cannot match one whose values are parameters.
STAMP_CONDITION = 'NOT ("kind" IN ({}))'.format(", ".join(f"'{kind}'" for kind in _STAMP_NOISE))


def desk_stamp(*, incident: Incident) -> str:
    """Return a stamp that changes whenever the desk's figures may have changed, in any process.

    Every change of an inquiry, acknowledgment or reply that moves a figure records a timeline event in the same
    transaction, so the hash of the incident's latest such event is the stamp: one lookup in the partial index of
    those events (a desk that saves drafts all day would otherwise walk back over every draft). The hash is unique
    over all incidents and times, so a recreated incident never meets an old stamp. Made once per page inside
    ``page_memo()``.
    """
    return memoized(("desk_stamp", incident.pk), lambda: _desk_stamp(incident=incident))


def _desk_stamp(*, incident: Incident) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT "hash" FROM "core_timelineevent" WHERE "incident_id" = %s AND {STAMP_CONDITION} '  # noqa: S608 - our constants
            'ORDER BY "seq" DESC LIMIT 1',
            [incident.pk],
        )
        row = cursor.fetchone()
    latest = row[0] if row else None
    return latest or f"new-{incident.pk}-{incident.created_at.timestamp()}"


def desk_stats(
    *, incident: Incident, now: datetime | None = None, days: int = 14, fresh: bool = False
) -> dict[str, Any]:
    """Return the dashboard figures: unacknowledged, backlog by age, review queue, labels per day, load, breaches.

    Many people watch the same dashboard at once, so the figures are cached per process under the desk stamp: a
    change anywhere (any process) gives a new stamp and so a fresh count at once. The cache also expires after
    ``STATS_SECONDS``, because the age buckets and SLA breaches move with the clock alone.
    """
    from django.core.cache import cache

    if now is not None or fresh:
        return _desk_stats(incident=incident, now=now or timezone.now(), days=days)
    key = f"inquiries:desk_stats:{incident.pk}:{days}:{desk_stamp(incident=incident)}"
    cached = cache.get(key)
    if cached is not None:
        return cast(dict[str, Any], cached)
    stats = _desk_stats(incident=incident, now=timezone.now(), days=days)
    cache.set(key, stats, STATS_SECONDS)
    return stats


def _desk_stats(*, incident: Incident, now: datetime, days: int) -> dict[str, Any]:
    open_qs = Inquiry.objects.filter(incident=incident, status=InquiryStatus.OPEN, answered_at__isnull=True)
    # Holidays are not in SQL: turn each bucket's limit in business hours into a received-before moment instead.
    cutoffs = {name: business_cutoff(now, limit) for name, limit in AGE_BUCKETS if limit != float("inf")}
    bucket_counts = open_qs.aggregate(
        **{
            f"b{n}": Count(
                "id", filter=Q(received_at__gt=cutoffs[name]) & (Q(received_at__lte=cutoffs[prev]) if prev else Q())
            )
            for n, (name, prev) in enumerate(_bucket_pairs(cutoffs))
        },
        total=Count("id"),
    )
    since = (timezone.localtime(now, TOKYO) - timedelta(days=days - 1)).replace(hour=0, minute=0, second=0)
    # Per-day counts are summed here rather than in SQL: on SQLite a time-zone-aware date truncation runs a Python
    # function per row anyway, and two weeks of (time, bits) pairs are small.
    days_counts: dict[Any, dict[str, int]] = {}
    totals_per_day: dict[Any, int] = {}
    recent = Inquiry.objects.filter(incident=incident, received_at__gte=since).values_list("received_at", "label_bits")
    for received, bits in recent.iterator(chunk_size=5000):
        day = received.astimezone(TOKYO).date()
        counts = days_counts.setdefault(day, dict.fromkeys(label_vocabulary.BITS, 0))
        totals_per_day[day] = totals_per_day.get(day, 0) + 1
        for key, bit in label_vocabulary.BITS.items():
            if bits & bit:
                counts[key] += 1
    chart = [{"day": day, "total": totals_per_day[day], "counts": days_counts[day]} for day in sorted(days_counts)]
    peak = max([1, *(max(d["counts"].values()) for d in chart)])
    load = list(
        open_qs.exclude(assignee__isnull=True)
        .values("assignee__username")
        .annotate(n=Count("id"))
        .order_by("-n", "assignee__username")
    )
    unassigned = open_qs.filter(assignee__isnull=True).count()
    totals = Inquiry.objects.filter(incident=incident).aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(status=InquiryStatus.OPEN)),
        breached=Count("id", filter=Q(answered_at__isnull=True, due_at__lt=now, status=InquiryStatus.OPEN))
        + Count("id", filter=Q(answered_at__isnull=False, answered_at__gt=F("due_at"))),
        breached_open=Count("id", filter=Q(answered_at__isnull=True, due_at__lt=now, status=InquiryStatus.OPEN)),
    )
    return {
        "unacknowledged": unacknowledged_count(incident=incident),
        "backlog": _backlog(bucket_counts, cutoffs),
        "waiting_review": Reply.objects.filter(incident=incident, status=ReplyStatus.IN_REVIEW).count(),
        "chart": chart,
        "chart_peak": peak,
        "load": load,
        "unassigned": unassigned,
        **totals,
    }


def _bucket_pairs(cutoffs: dict[str, datetime]) -> list[tuple[str, str | None]]:
    """Return (bucket, younger bucket) for the bounded buckets: a row is in a bucket when received after its cutoff
    and not after the younger bucket's cutoff."""
    names = list(cutoffs)
    return [(name, names[i - 1] if i else None) for i, name in enumerate(names)]


def _backlog(counts: dict[str, int], cutoffs: dict[str, datetime]) -> list[tuple[str, int]]:
    rows = [(name, counts[f"b{n}"]) for n, (name, _prev) in enumerate(_bucket_pairs(cutoffs))]
    rows.append((AGE_BUCKETS[-1][0], counts["total"] - sum(v for _n, v in rows)))
    return rows


def reply_editors(*, reply: Any) -> list[Any]:
    """Return the users who edited ``reply`` after its author, in the order they first edited it."""
    from django.contrib.auth import get_user_model

    ids = [i for i in (reply.editor_ids or []) if isinstance(i, int)]
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=ids)}
    return [users[i] for i in ids if i in users]
