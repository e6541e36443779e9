"""Create and destroy incidents' data keys."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from breachdesk.core import crypto, timeline
from breachdesk.core.errors import Conflict
from breachdesk.core.models import IncidentKey

if TYPE_CHECKING:
    from breachdesk.incidents.models import Incident

KEY_DESTROYED = "crypto.key_destroyed"
KEY_REWRAPPED = "crypto.key_rewrapped"
FILES_PURGED = "crypto.files_purged"


def data_key_create(*, incident: Incident) -> IncidentKey:
    """Give ``incident`` a fresh random data key, stored wrapped by the master key."""
    if IncidentKey.objects.filter(incident=incident).exists():
        raise Conflict("This incident already has a data key.", code="crypto.key_exists")
    wrapped = crypto.wrap_data_key(incident_id=incident.pk, data_key=os.urandom(32))
    key = IncidentKey.objects.create(incident=incident, wrapped_key=wrapped)
    # A cipher cached under this id belongs to an earlier incident that had the id (a database restored from a
    # backup, or a rolled-back transaction on SQLite): reading with it would fail to decrypt.
    crypto.forget_cipher(incident.pk)
    return key


def data_key_destroy(*, incident: Incident, actor: Any, reason: str = "") -> IncidentKey:
    """Destroy ``incident``'s data key (crypto-shredding) and delete the incident's files.

    The key generation moves in the same transaction, so every process drops its cached ciphers at its next key use
    (``core.crypto.check_key_generation``). Then every registered cleaner (``core.shred``) deletes the incident's
    uploads, error files, match reports and attachments; the counts go on the timeline.
    """
    with transaction.atomic():
        key = IncidentKey.objects.select_for_update().get(incident=incident)
        if key.destroyed_at is not None:
            raise Conflict("The data key was already destroyed.", code="crypto.key_already_destroyed")
        key.wrapped_key = None
        key.previous_wrapped_key = None  # a rotation under way keeps the previous key here: it goes too
        key.previous_generation = None
        key.destroyed_at = timezone.now()
        key.save(
            update_fields=["wrapped_key", "previous_wrapped_key", "previous_generation", "destroyed_at", "updated_at"]
        )
        crypto.key_generation_bump()
        timeline.record(incident=incident, actor=actor, kind=KEY_DESTROYED, data={"reason": reason})
    crypto.forget_cipher(incident.pk)
    incident_files_purge(incident=incident, actor=actor)
    return key


def incident_files_purge(*, incident: Incident, actor: Any) -> dict[str, int]:
    """Delete a shredded incident's files (safe to repeat) and record what was removed."""
    from breachdesk.core.shred import incident_files_remove

    with transaction.atomic():
        removed = incident_files_remove(incident_id=incident.pk)
        timeline.record(incident=incident, actor=actor, kind=FILES_PURGED, data={"files": removed})
    return removed


def data_keys_rewrap(*, actor: Any, dry_run: bool = False) -> dict[str, int]:
    """Re-wrap every live incident data key under the current master key (the rotation's second step).

    Each key is opened with the current or the previous master key (``BREACHDESK_MASTER_KEY_PREVIOUS``) and sealed
    again with the current one, row by row under a lock, with a timeline event on each incident whose key moved.
    Return the counts: ``current`` (already under the current key), ``rewrapped``, ``destroyed`` (shredded, skipped)
    and ``unreadable`` (opens with neither key: nothing is changed for it).
    """
    counts = {"current": 0, "rewrapped": 0, "destroyed": 0, "unreadable": 0}
    for key_id in IncidentKey.objects.order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            key = IncidentKey.objects.select_for_update().select_related("incident").get(pk=key_id)
            if key.destroyed_at is not None or key.wrapped_key is None:
                counts["destroyed"] += 1
                continue
            try:
                data_key, opened_by = crypto.unwrap_data_key_with(
                    incident_id=key.incident_id, wrapped=bytes(key.wrapped_key), generation=key.generation
                )
                previous = None
                if key.previous_wrapped_key is not None and key.previous_generation is not None:
                    previous = crypto.unwrap_data_key(
                        incident_id=key.incident_id,
                        wrapped=bytes(key.previous_wrapped_key),
                        generation=key.previous_generation,
                    )
            except crypto.DecryptionFailed:
                counts["unreadable"] += 1
                continue
            if opened_by == "current":
                counts["current"] += 1
                continue
            counts["rewrapped"] += 1
            if dry_run:
                continue
            key.wrapped_key = crypto.wrap_data_key(
                incident_id=key.incident_id, data_key=data_key, generation=key.generation
            )
            if previous is not None:  # a data-key rotation is under way: its previous key moves too
                key.previous_wrapped_key = crypto.wrap_data_key(
                    incident_id=key.incident_id, data_key=previous, generation=key.previous_generation or 1
                )
            key.save(update_fields=["wrapped_key", "previous_wrapped_key", "updated_at"])
            timeline.record(incident=key.incident, actor=actor, kind=KEY_REWRAPPED, data={})
        crypto.forget_cipher(key.incident_id)
    return counts
