"""Create the timeline events of incidents, members, tasks and stakeholders: one creator per event kind."""

from __future__ import annotations

from typing import Any

from breachdesk.core import timeline
from breachdesk.core.models import TimelineEvent
from breachdesk.incidents.models import Incident, Membership, Stakeholder, Task

INCIDENT_CREATED = "incident.created"
INCIDENT_UPDATED = "incident.updated"
INCIDENT_PHASE_CHANGED = "incident.phase_changed"
MEMBER_ADDED = "member.added"
MEMBER_ROLE_CHANGED = "member.role_changed"
MEMBER_REMOVED = "member.removed"
MEMBER_ENROLMENT_ISSUED = "member.enrolment_issued"
TASK_CREATED = "task.created"
TASK_UPDATED = "task.updated"
TASK_STATUS_CHANGED = "task.status_changed"
STAKEHOLDER_ADDED = "stakeholder.added"
STAKEHOLDER_UPDATED = "stakeholder.updated"
STAKEHOLDER_STATUS_CHANGED = "stakeholder.status_changed"
STAKEHOLDERS_IMPORTED = "stakeholder.imported"


def incident_created_event(*, incident: Incident, actor: Any, tasks: int) -> TimelineEvent:
    return timeline.record(
        incident=incident,
        actor=actor,
        kind=INCIDENT_CREATED,
        data={"code": incident.code, "title": incident.title, "phase": incident.phase, "tasks": tasks},
    )


def incident_updated_event(*, incident: Incident, actor: Any, changes: dict[str, list[Any]]) -> TimelineEvent:
    return timeline.record(incident=incident, actor=actor, kind=INCIDENT_UPDATED, data={"changes": changes})


def incident_phase_changed_event(*, incident: Incident, actor: Any, old: str, new: str) -> TimelineEvent:
    return timeline.record(incident=incident, actor=actor, kind=INCIDENT_PHASE_CHANGED, data={"from": old, "to": new})


def member_added_event(*, membership: Membership, actor: Any) -> TimelineEvent:
    return timeline.record(
        incident=membership.incident,
        actor=actor,
        kind=MEMBER_ADDED,
        data={"user": membership.user.get_username(), "role": membership.role},
    )


def member_role_changed_event(*, membership: Membership, actor: Any, old: str) -> TimelineEvent:
    return timeline.record(
        incident=membership.incident,
        actor=actor,
        kind=MEMBER_ROLE_CHANGED,
        data={"user": membership.user.get_username(), "from": old, "to": membership.role},
    )


def member_removed_event(*, incident: Incident, actor: Any, username: str, role: str) -> TimelineEvent:
    return timeline.record(incident=incident, actor=actor, kind=MEMBER_REMOVED, data={"user": username, "role": role})


def member_enrolment_issued_event(*, membership: Membership, actor: Any, expires_at: str) -> TimelineEvent:
    return timeline.record(
        incident=membership.incident,
        actor=actor,
        kind=MEMBER_ENROLMENT_ISSUED,
        data={"user": membership.user.get_username(), "expires_at": expires_at},
    )


def task_created_event(*, task: Task, actor: Any) -> TimelineEvent:
    return timeline.record(
        incident=task.incident,
        actor=actor,
        kind=TASK_CREATED,
        data={"task": task.pk, "title": task.title, "phase": task.phase},
    )


def task_updated_event(*, task: Task, actor: Any, changes: dict[str, list[Any]]) -> TimelineEvent:
    return timeline.record(
        incident=task.incident, actor=actor, kind=TASK_UPDATED, data={"task": task.pk, "changes": changes}
    )


def task_status_changed_event(*, task: Task, actor: Any, old: str) -> TimelineEvent:
    return timeline.record(
        incident=task.incident,
        actor=actor,
        kind=TASK_STATUS_CHANGED,
        data={"task": task.pk, "title": task.title, "from": old, "to": task.status},
    )


def stakeholder_added_event(*, stakeholder: Stakeholder, actor: Any) -> TimelineEvent:
    return timeline.record(
        incident=stakeholder.incident,
        actor=actor,
        kind=STAKEHOLDER_ADDED,
        data={"stakeholder": stakeholder.pk, "name": stakeholder.name, "kind": stakeholder.kind},
    )


def stakeholder_updated_event(*, stakeholder: Stakeholder, actor: Any, changes: dict[str, list[Any]]) -> TimelineEvent:
    return timeline.record(
        incident=stakeholder.incident,
        actor=actor,
        kind=STAKEHOLDER_UPDATED,
        data={"stakeholder": stakeholder.pk, "changes": changes},
    )


def stakeholder_status_changed_event(*, stakeholder: Stakeholder, actor: Any, old: str) -> TimelineEvent:
    return timeline.record(
        incident=stakeholder.incident,
        actor=actor,
        kind=STAKEHOLDER_STATUS_CHANGED,
        data={"stakeholder": stakeholder.pk, "name": stakeholder.name, "from": old, "to": stakeholder.status},
    )


def stakeholders_imported_event(
    *, incident: Incident, actor: Any, created: list[Stakeholder], skipped: int, encoding: str
) -> TimelineEvent:
    return timeline.record(
        incident=incident,
        actor=actor,
        kind=STAKEHOLDERS_IMPORTED,
        data={"created": len(created), "skipped": skipped, "encoding": encoding},
    )
