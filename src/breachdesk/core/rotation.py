"""Rotate an incident's data key: a new key, every value and blind index re-made with it, the old key retired.

The steps, each safe to interrupt (running the command again resumes where it stopped):

1. **Start** (one transaction): a new random data key becomes ``wrapped_key`` with ``generation + 1``; the old one
   moves to ``previous_wrapped_key``. The key generation (``core.crypto``) moves, so every process drops its cached
   cipher and loads both keys at its next key use. New values are encrypted with the new key from then on; values
   name their generation, so old ones keep decrypting; blind-index lookups of the registry ask for both generations.
2. **Settle**: wait until every process has seen the new key (``GENERATION_CHECK_SECONDS``, twice over), so that no
   process can still write a value with the old key after the walk has passed its row.
3. **Walk** (``core.rekey``): each table, in batches, each batch a transaction with its rows locked: every value not
   yet under the new generation is decrypted and encrypted again (attachment files too), and the row's blind indexes
   are computed again from the plaintext (they are keyed by the data key too). Walks repeat until one finds nothing.
4. **Retire** (one transaction): the previous key is erased, the key generation moves again, and a timeline event
   ``crypto.data_key_rotated`` records the generations and the rows rewritten.

A shred at any point wins: the walk re-reads the cipher for every batch and stops with ``KeyDestroyed``. An import
job holds the cipher it started with for its whole run, so a rotation does not start while one runs, and does not
retire the old key while one (started in the settle window) still does: it stops, both keys stay, and running the
command again after the import finishes completes it.
"""

from __future__ import annotations

import os
import time
from typing import Any

from django.db import transaction

from breachdesk.core import crypto, timeline
from breachdesk.core.errors import Conflict
from breachdesk.core.models import IncidentKey
from breachdesk.core.rekey import BATCH, incident_reencrypt

# An incident (``incidents.models.Incident``): core names no other app's models.
Incident = Any
DATA_KEY_ROTATED = "crypto.data_key_rotated"
MAX_WALKS = 5


def _import_running(incident: Incident) -> bool:
    """Tell whether work that encrypts with the cipher it started with (an import) runs for the incident."""
    from breachdesk.core import extensions

    return any(hold.fn(incident) for hold in extensions.key_use_holds.all())


def _start(*, incident: Incident) -> tuple[int, bool]:
    """Put a new data key in place (or find the rotation already under way); return its generation, and if new."""
    with transaction.atomic():
        key = IncidentKey.objects.select_for_update().get(incident=incident)
        if key.destroyed_at is not None or key.wrapped_key is None:
            raise Conflict("The incident's data key was destroyed: there is nothing to rotate.", code="crypto.shredded")
        if key.previous_wrapped_key is not None:
            return key.generation, False  # an earlier run stopped half-way: finish it
        if _import_running(incident):
            raise Conflict(
                "An import is running for this incident; rotate its data key when the import has finished.",
                code="crypto.import_running",
            )
        old = crypto.unwrap_data_key(incident_id=incident.pk, wrapped=bytes(key.wrapped_key), generation=key.generation)
        new_generation = key.generation + 1
        key.previous_wrapped_key = crypto.wrap_data_key(
            incident_id=incident.pk, data_key=old, generation=key.generation
        )
        key.previous_generation = key.generation
        key.wrapped_key = crypto.wrap_data_key(
            incident_id=incident.pk, data_key=os.urandom(32), generation=new_generation
        )
        key.generation = new_generation
        key.save(
            update_fields=["wrapped_key", "previous_wrapped_key", "previous_generation", "generation", "updated_at"]
        )
        crypto.key_generation_bump()
    crypto.forget_cipher(incident.pk)
    return new_generation, True


def data_key_rotate(
    *, incident: Incident, actor: Any, batch_size: int = BATCH, settle_seconds: float | None = None
) -> dict[str, Any]:
    """Rotate ``incident``'s data key (see the module) and return what was done.

    Raise ``Conflict`` for a shredded incident, and ``KeyDestroyed`` when a shred happens during the walk.
    """
    generation, started = _start(incident=incident)
    if started:
        wait = settle_seconds if settle_seconds is not None else 2 * crypto.GENERATION_CHECK_SECONDS
        time.sleep(wait)

    def cipher() -> crypto.IncidentCipher:
        return crypto.cipher_for(incident.pk)

    crypto.check_key_generation(force=True)
    totals: dict[str, int] = {}
    for _walk in range(MAX_WALKS):
        counts = incident_reencrypt(incident_id=incident.pk, cipher=cipher, reindex=True, batch_size=batch_size)
        for table, count in counts.items():
            totals[table] = totals.get(table, 0) + count
        if not any(counts.values()):
            break
    else:
        raise Conflict(
            "Values under the previous key kept appearing; run the rotation again.", code="crypto.rotation_unsettled"
        )
    if _import_running(incident):
        # An import that started in the moment before the new key was seen may still write with the old one: keep
        # both keys until it ends (everything reads meanwhile), then run the command again to finish.
        raise Conflict(
            "An import started during the rotation is still running; run the rotation again when it has finished.",
            code="crypto.import_running",
        )
    with transaction.atomic():
        key = IncidentKey.objects.select_for_update().get(incident=incident)
        previous = key.previous_generation
        key.previous_wrapped_key = None
        key.previous_generation = None
        key.save(update_fields=["previous_wrapped_key", "previous_generation", "updated_at"])
        crypto.key_generation_bump()
        report = {"from_generation": previous, "to_generation": generation, "rows": totals, "resumed": not started}
        timeline.record(incident=incident, actor=actor, kind=DATA_KEY_ROTATED, data=report)
    crypto.forget_cipher(incident.pk)
    return report
