"""Write and verify the hash-chained timeline of an incident.

``record`` is the only writer of ``TimelineEvent``. Each event stores the SHA-256 of its own content together with the
hash of the incident's previous event, so changing, inserting or deleting a row breaks the chain from that row on.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone

from breachdesk.core.hashchain import GENESIS, ChainReport, chain_digest, chain_time, chain_verify
from breachdesk.core.models import TimelineEvent

if TYPE_CHECKING:
    from breachdesk.incidents.models import Incident


def _canonical(data: Any) -> Any:
    """Return ``data`` as it reads back from a JSON column, so hashing before and after storage agrees."""
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False))


def event_hash(
    *,
    incident_id: int,
    seq: int,
    at: datetime,
    actor_id: int | None,
    actor_label: str,
    kind: str,
    data: Any,
    prev_hash: str,
) -> str:
    """Return the SHA-256 (hex) of an event's content and the previous event's hash."""
    return chain_digest(
        {
            "incident": incident_id,
            "seq": seq,
            "at": chain_time(at),
            "actor": actor_id,
            "actor_label": actor_label,
            "kind": kind,
            "data": data,
            "prev": prev_hash,
        }
    )


def _actor_label(actor: Any) -> str:
    if actor is None:
        return "system"
    if isinstance(actor, str):
        return actor
    return actor.get_username()


def record(*, incident: Incident, actor: Any, kind: str, data: dict[str, Any] | None = None) -> TimelineEvent:
    """Append an event to ``incident``'s timeline and return it.

    ``actor`` is a user, a string naming a system actor (``"worker"``, ``"cli"``), or ``None``. ``data`` must be JSON
    serialisable and must never hold plaintext personal data.
    """
    from breachdesk.incidents.models import Incident

    payload = _canonical(data or {})
    # No savepoint inside the caller's transaction: the event belongs to the change it records, and a failure here
    # must undo that change too (the caller's transaction is marked for rollback), not only the event.
    with transaction.atomic(savepoint=False):
        # Lock the incident row so two writers cannot take the same sequence number (PostgreSQL); SQLite serialises
        # writers through its IMMEDIATE transactions.
        Incident.objects.select_for_update().filter(pk=incident.pk).values_list("pk", flat=True).first()
        last = TimelineEvent.objects.filter(incident_id=incident.pk).order_by("-seq").values("seq", "hash").first()
        seq = last["seq"] + 1 if last else 1
        prev = last["hash"] if last else GENESIS
        at = timezone.now()
        actor_id = actor.pk if actor is not None and not isinstance(actor, str) else None
        label = _actor_label(actor)
        digest = event_hash(
            incident_id=incident.pk,
            seq=seq,
            at=at,
            actor_id=actor_id,
            actor_label=label,
            kind=kind,
            data=payload,
            prev_hash=prev,
        )
        return TimelineEvent.objects.create(
            incident_id=incident.pk,
            seq=seq,
            at=at,
            actor_id=actor_id,
            actor_label=label,
            kind=kind,
            data=payload,
            prev_hash=prev,
            hash=digest,
        )


def verify(*, incident: Incident) -> ChainReport:
    """Recompute every hash of ``incident``'s timeline and return where, if anywhere, the chain breaks."""
    rows = TimelineEvent.objects.filter(incident_id=incident.pk).order_by("seq").iterator(chunk_size=2000)
    return chain_verify(
        rows,
        lambda event: event_hash(
            incident_id=event.incident_id,
            seq=event.seq,
            at=event.at,
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            kind=event.kind,
            data=event.data,
            prev_hash=event.prev_hash,
        ),
    )
