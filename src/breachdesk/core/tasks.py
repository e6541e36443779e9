"""Run core work in the background worker."""

from __future__ import annotations

from django_tasks import task

from breachdesk.core import timeline

AUDIT_VERIFIED = "audit.verified"


@task()
def timeline_verify(*, incident_id: int, requested_by: str) -> dict[str, object]:
    """Check an incident's hash chain and record the result as a new event."""
    from breachdesk.incidents.models import Incident

    incident = Incident.objects.get(pk=incident_id)
    report = timeline.verify(incident=incident).as_dict()
    timeline.record(
        incident=incident, actor="worker", kind=AUDIT_VERIFIED, data={**report, "requested_by": requested_by}
    )
    return report
