"""Re-evaluate an incident's obligations after a change to the incident is committed (wired in ``apps.py``)."""

from __future__ import annotations

from typing import Any

from django.db import transaction


def incident_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """Schedule a re-evaluation once the transaction that changed the incident commits."""
    if raw:  # loading fixtures
        return
    incident_id = instance.pk
    transaction.on_commit(lambda: refresh(incident_id))


def registry_changed(sender: Any, incident: Any, **kwargs: Any) -> None:
    """Re-evaluate once the registry change (new people, a leak match, a rollback) is committed."""
    incident_id = incident.pk
    transaction.on_commit(lambda: refresh(incident_id))


def refresh(incident_id: int) -> None:
    from breachdesk.incidents.models import Incident
    from breachdesk.obligations.services import obligations_evaluate

    incident = Incident.objects.filter(pk=incident_id).first()
    if incident is not None:
        obligations_evaluate(incident=incident, actor=None)
