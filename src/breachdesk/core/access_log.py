"""Write, read and verify the access log: every read of personal data, hash-chained per incident.

``record`` (and ``record_many`` for a list page) is the only writer of ``AccessEvent``. Like the timeline, each row
holds the SHA-256 of its content and of the incident's previous row, so changing, inserting or deleting a row breaks
the chain from there on (``verify``). The rows name objects by id and fields by label: never a value.

Retention: ``prune`` removes the reads older than the incident's ``access_log_retention_days``, oldest first, and
moves the incident's ``AccessLogAnchor`` to the last read it removed (its seq and hash). The chain then starts at the
anchor: ``verify`` checks the remaining reads from it, and checks the anchor itself against the ``access_log.pruned``
timeline event that each prune batch writes (the timeline is hash-chained too), so a row deleted outside a prune
still shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from breachdesk.core import timeline
from breachdesk.core.errors import Conflict
from breachdesk.core.hashchain import GENESIS, ChainReport, chain_digest, chain_time, chain_verify
from breachdesk.core.models import AccessEvent, AccessLogAnchor, TimelineEvent

if TYPE_CHECKING:
    from breachdesk.incidents.models import Incident


@dataclass(frozen=True)
class Read:
    """Describe one read: ``object`` such as ``person:12``, and the fields (or the file) it showed."""

    object: str
    fields: tuple[str, ...] = ()


def read_hash(
    *,
    incident_id: int,
    seq: int,
    at: datetime,
    actor_id: int | None,
    actor_label: str,
    obj: str,
    fields: list[str],
    route: str,
    prev_hash: str,
) -> str:
    """Return the SHA-256 (hex) of a read's content and the previous read's hash."""
    return chain_digest(
        {
            "incident": incident_id,
            "seq": seq,
            "at": chain_time(at),
            "actor": actor_id,
            "actor_label": actor_label,
            "object": obj,
            "fields": fields,
            "route": route,
            "prev": prev_hash,
        }
    )


def _actor(actor: Any) -> tuple[int | None, str]:
    if actor is None:
        return None, "system"
    if isinstance(actor, str):
        return None, actor
    return actor.pk, actor.get_username()


def record_many(*, incident: Incident, actor: Any, reads: Iterable[Read], route: str) -> int:
    """Append reads of ``incident``'s personal data by ``actor`` on ``route``; return how many were written."""
    from breachdesk.incidents.models import Incident

    items = list(reads)
    if not items:
        return 0
    actor_id, label = _actor(actor)
    with transaction.atomic():
        Incident.objects.select_for_update().filter(pk=incident.pk).values_list("pk", flat=True).first()
        last = AccessEvent.objects.filter(incident_id=incident.pk).order_by("-seq").values("seq", "hash").first()
        if last is None:  # nothing yet, or every read was pruned: go on from the anchor
            last = AccessLogAnchor.objects.filter(incident_id=incident.pk).values("seq", "hash").first()
        seq = last["seq"] if last else 0
        prev = last["hash"] if last else GENESIS
        at = timezone.now()
        rows = []
        for read in items:
            seq += 1
            fields = list(read.fields)
            digest = read_hash(
                incident_id=incident.pk,
                seq=seq,
                at=at,
                actor_id=actor_id,
                actor_label=label,
                obj=read.object,
                fields=fields,
                route=route[:200],
                prev_hash=prev,
            )
            rows.append(
                AccessEvent(
                    incident_id=incident.pk,
                    seq=seq,
                    at=at,
                    actor_id=actor_id,
                    actor_label=label,
                    object=read.object,
                    fields=fields,
                    route=route[:200],
                    prev_hash=prev,
                    hash=digest,
                )
            )
            prev = digest
        AccessEvent.objects.bulk_create(rows)
    return len(rows)


def record(*, incident: Incident, actor: Any, obj: str, fields: Iterable[str] = (), route: str) -> None:
    """Append one read (``obj`` such as ``person:12``; ``fields`` the labels shown, or the file's kind)."""
    record_many(incident=incident, actor=actor, reads=[Read(obj, tuple(fields))], route=route)


def route_of(request: Any) -> str:
    """Return the route a request came through: the URL name (``registry:person_detail``) and the method."""
    match = getattr(request, "resolver_match", None)
    name = match.view_name if match is not None and match.view_name else request.path
    return f"{request.method} {name}"


def api_route_of(request: Any) -> str:
    """Return the route of an API call: the method and the path called (``GET /api/v1/incidents/c-1/inquiries``)."""
    return f"{request.method} {request.path}"


def as_dict(event: AccessEvent) -> dict[str, Any]:
    """Return a read in the command's JSON shape."""
    return {
        "at": event.at.astimezone(UTC).isoformat(),
        "actor": event.actor_label,
        "incident": event.incident.code if hasattr(event, "incident") else event.incident_id,
        "object": event.object,
        "fields": list(event.fields),
        "route": event.route,
        "seq": event.seq,
        "hash": event.hash,
    }


def reads(*, incident: Incident, since: datetime | None = None) -> Iterator[AccessEvent]:
    """Yield ``incident``'s reads in order, from ``since`` on when given."""
    qs = AccessEvent.objects.filter(incident=incident).select_related("incident").order_by("seq")
    if since is not None:
        qs = qs.filter(at__gte=since)
    yield from qs.iterator(chunk_size=2000)


PRUNED = "access_log.pruned"
PRUNE_BATCH = 5000


def _anchor_checked(incident: Incident) -> tuple[int, str, str | None]:
    """Return where the chain starts (seq, hash) and, when the anchor disagrees with the timeline, why."""
    anchor = AccessLogAnchor.objects.filter(incident_id=incident.pk).first()
    event = TimelineEvent.objects.filter(incident_id=incident.pk, kind=PRUNED).order_by("-seq").first()
    if anchor is None:
        if event is not None:
            return 0, GENESIS, "the timeline records a prune but the anchor is missing"
        return 0, GENESIS, None
    if event is None or event.data.get("through_seq") != anchor.seq or event.data.get("hash") != anchor.hash:
        return anchor.seq, anchor.hash, "the anchor does not match the timeline's last prune"
    return anchor.seq, anchor.hash, None


def verify(*, incident: Incident) -> ChainReport:
    """Recompute every hash of ``incident``'s access log and return where, if anywhere, the chain breaks.

    After a retention prune the chain starts at the anchor (the last removed read), which must agree with the
    timeline's last ``access_log.pruned`` event.
    """
    start_seq, start_hash, problem = _anchor_checked(incident)
    if problem is not None:
        return ChainReport(False, 0, None, start_seq, problem)
    rows = AccessEvent.objects.filter(incident_id=incident.pk).order_by("seq").iterator(chunk_size=2000)
    return chain_verify(
        rows,
        lambda event: read_hash(
            incident_id=event.incident_id,
            seq=event.seq,
            at=event.at,
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            obj=event.object,
            fields=list(event.fields),
            route=event.route,
            prev_hash=event.prev_hash,
        ),
        start_seq=start_seq,
        start_hash=start_hash,
    )


def prune(
    *, incident: Incident, actor: Any, now: datetime | None = None, batch_size: int = PRUNE_BATCH
) -> dict[str, Any]:
    """Remove ``incident``'s reads older than its retention period, keeping the rest verifiable; return a report.

    Reads go oldest first, up to the newest read older than the cutoff (the chain is cut at one point, never in the
    middle). Each batch is one transaction that deletes the reads, moves the anchor to the last of them and records
    an ``access_log.pruned`` timeline event with the anchor's seq and hash. A chain that does not verify is left as it
    is (``Conflict``): a prune must not remove the evidence of tampering.
    """
    from breachdesk.incidents.models import Incident

    days = incident.access_log_retention_days
    if days is None:
        return {"incident": incident.code, "retention_days": None, "removed": 0}
    cutoff = (now or timezone.now()) - timedelta(days=days)
    through = (
        AccessEvent.objects.filter(incident_id=incident.pk, at__lt=cutoff)
        .order_by("-seq")
        .values_list("seq", flat=True)
        .first()
    )
    report: dict[str, Any] = {"incident": incident.code, "retention_days": days, "removed": 0}
    if through is None:
        return report
    check = verify(incident=incident)
    if not check.ok:
        raise Conflict(
            f"The access log of {incident.code} does not verify (sequence {check.seq}: {check.reason}); nothing was"
            " pruned.",
            code="access_log.chain_broken",
        )
    while True:
        with transaction.atomic():
            Incident.objects.select_for_update().filter(pk=incident.pk).values_list("pk", flat=True).first()
            rows = list(
                AccessEvent.objects.filter(incident_id=incident.pk, seq__lte=through)
                .order_by("seq")
                .values_list("pk", "seq", "hash")[:batch_size]
            )
            if not rows:
                break
            _pk, last_seq, last_hash = rows[-1]
            AccessEvent.objects.filter(pk__in=[r[0] for r in rows]).delete()
            anchor = AccessLogAnchor.objects.select_for_update().filter(incident_id=incident.pk).first()
            if anchor is None:
                anchor = AccessLogAnchor(incident_id=incident.pk, seq=0, hash=GENESIS)
            anchor.seq, anchor.hash = last_seq, last_hash
            anchor.pruned += len(rows)
            anchor.pruned_at = timezone.now()
            anchor.save()
            timeline.record(
                incident=incident,
                actor=actor,
                kind=PRUNED,
                data={"through_seq": last_seq, "hash": last_hash, "removed": len(rows), "retention_days": days},
            )
            report["removed"] += len(rows)
    report["through_seq"] = through
    return report
