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


def data_key_create(*, incident: Incident) -> IncidentKey:
    """Give ``incident`` a fresh random data key, stored wrapped by the master key."""
    if IncidentKey.objects.filter(incident=incident).exists():
        raise Conflict("This incident already has a data key.", code="crypto.key_exists")
    wrapped = crypto.wrap_data_key(incident_id=incident.pk, data_key=os.urandom(32))
    return IncidentKey.objects.create(incident=incident, wrapped_key=wrapped)


def data_key_destroy(*, incident: Incident, actor: Any, reason: str = "") -> IncidentKey:
    """Destroy ``incident``'s data key (crypto-shredding); its registry can never be decrypted again."""
    with transaction.atomic():
        key = IncidentKey.objects.select_for_update().get(incident=incident)
        if key.destroyed_at is not None:
            raise Conflict("The data key was already destroyed.", code="crypto.key_already_destroyed")
        key.wrapped_key = None
        key.destroyed_at = timezone.now()
        key.save(update_fields=["wrapped_key", "destroyed_at", "updated_at"])
        timeline.record(incident=incident, actor=actor, kind=KEY_DESTROYED, data={"reason": reason})
    crypto.forget_cipher(incident.pk)
    return key
