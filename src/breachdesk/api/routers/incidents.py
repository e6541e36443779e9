"""Expose incidents, tasks, members, stakeholders and the timeline; every route goes through membership."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from ninja import Query, Router, Status

from breachdesk.api import schemas
from breachdesk.core import timeline as core_timeline
from breachdesk.core import token_scope
from breachdesk.core.errors import NotFound, PermissionDenied, ValidationFailed
from breachdesk.core.models import TimelineEvent
from breachdesk.core.roles import Capability
from breachdesk.core.types import AuthedRequest
from breachdesk.incidents import selectors, services
from breachdesk.incidents.models import Incident, Membership, Stakeholder, Task

router = Router(tags=["incidents"])


def _incident_out(incident: Incident, role: str | None) -> dict[str, Any]:
    data = {name: getattr(incident, name) for name in schemas.IncidentOut.model_fields if name != "role"}
    return {**data, "role": role}


def _task_out(task: Task) -> dict[str, Any]:
    return {
        "id": task.pk,
        "phase": task.phase,
        "title": task.title,
        "description": task.description,
        "owner": task.owner.get_username() if task.owner else None,
        "owner_role": task.owner_role,
        "due_at": task.due_at,
        "status": task.status,
        "playbook_key": task.playbook_key,
        "completed_at": task.completed_at,
    }


def _member_out(m: Membership) -> dict[str, Any]:
    return {"id": m.pk, "username": m.user.get_username(), "role": m.role, "organisation": m.organisation}


def _event_out(e: TimelineEvent) -> dict[str, Any]:
    return {
        "id": e.pk,
        "seq": e.seq,
        "at": e.at,
        "actor": e.actor_label,
        "kind": e.kind,
        "data": e.data,
        "hash": e.hash,
    }


def _member_user(incident: Incident, username: str | None) -> Any:
    if username is None:
        return None
    user = get_user_model().objects.filter(username=username, memberships__incident=incident).first()
    if user is None:
        raise ValidationFailed(f"{username!r} is not a member of this incident.", code="task.owner_not_member")
    return user


@router.get("", response=list[schemas.IncidentOut], summary="List the incidents you are a member of")
def incident_list(request: AuthedRequest) -> list[dict[str, Any]]:
    roles = dict(Membership.objects.filter(user_id=request.user.pk).values_list("incident_id", "role"))
    return [_incident_out(i, roles.get(i.pk)) for i in selectors.incident_list_visible(user=request.user)]


@router.post("", response={201: schemas.IncidentOut}, summary="Open an incident (site staff)")
def incident_create(request: AuthedRequest, payload: schemas.IncidentIn) -> Status:
    if not request.user.is_staff:
        raise PermissionDenied("Only site staff can open an incident.")
    if token_scope.scope_of(request.user) is not None:
        # A token is issued for incidents that exist; opening a new one takes a signed-in (two-factor) session.
        raise PermissionDenied("An API token cannot open an incident.", code="permission.token.open_incident")
    incident = services.incident_create(actor=request.user, **payload.dict())
    return Status(201, _incident_out(incident, "lead"))


@router.get("/{code}", response=schemas.IncidentOut)
def incident_get(request: AuthedRequest, code: str) -> dict[str, Any]:
    access = selectors.incident_access(user=request.user, code=code)
    return _incident_out(access.incident, access.role)


@router.patch("/{code}", response=schemas.IncidentOut, summary="Change the incident's facts or phase (lead)")
def incident_patch(request: AuthedRequest, code: str, payload: schemas.IncidentPatch) -> dict[str, Any]:
    access = selectors.incident_access(user=request.user, code=code, capability=Capability.EDIT_INCIDENT)
    fields = payload.dict(exclude_unset=True)
    phase = fields.pop("phase", None)
    incident = services.incident_update(incident=access.incident, actor=request.user, **fields)
    if phase is not None:
        incident = services.incident_set_phase(incident=incident, actor=request.user, phase=phase)
    return _incident_out(incident, access.role)


@router.get("/{code}/tasks", response=list[schemas.TaskOut])
def task_list(
    request: AuthedRequest,
    code: str,
    status: str | None = Query(None, max_length=30),
    phase: str | None = Query(None, max_length=30),
) -> list[dict[str, Any]]:
    access = selectors.incident_access(user=request.user, code=code)
    return [_task_out(t) for t in selectors.task_list(incident=access.incident, status=status, phase=phase)]


@router.post("/{code}/tasks", response={201: schemas.TaskOut})
def task_create(request: AuthedRequest, code: str, payload: schemas.TaskIn) -> Status:
    access = selectors.incident_access(user=request.user, code=code, capability=Capability.EDIT_TASKS)
    fields = payload.dict()
    fields["owner"] = _member_user(access.incident, fields.pop("owner"))
    task = services.task_create(incident=access.incident, actor=request.user, **fields)
    return Status(201, _task_out(task))


@router.get("/{code}/tasks/{task_id}", response=schemas.TaskOut)
def task_get(request: AuthedRequest, code: str, task_id: int) -> dict[str, Any]:
    access = selectors.incident_access(user=request.user, code=code)
    return _task_out(selectors.task_get(incident=access.incident, task_id=task_id))


@router.patch("/{code}/tasks/{task_id}", response=schemas.TaskOut)
def task_patch(request: AuthedRequest, code: str, task_id: int, payload: schemas.TaskPatch) -> dict[str, Any]:
    access = selectors.incident_access(user=request.user, code=code)
    task = selectors.task_get(incident=access.incident, task_id=task_id)
    fields = payload.dict(exclude_unset=True)
    status = fields.pop("status", None)
    own_status_only = not fields and task.owner_id == request.user.pk and access.can(Capability.UPDATE_OWN_TASKS)
    if not own_status_only:
        access.require(Capability.EDIT_TASKS)
    if "owner" in fields:
        fields["owner"] = _member_user(access.incident, fields["owner"])
    task = services.task_update(task=task, actor=request.user, **fields)
    if status is not None:
        task = services.task_set_status(task=task, actor=request.user, status=status)
    return _task_out(task)


@router.get("/{code}/members", response=list[schemas.MemberOut])
def member_list(request: AuthedRequest, code: str) -> list[dict[str, Any]]:
    access = selectors.incident_access(user=request.user, code=code)
    return [_member_out(m) for m in selectors.member_list(incident=access.incident)]


@router.post("/{code}/members", response={201: schemas.MemberOut})
def member_add(request: AuthedRequest, code: str, payload: schemas.MemberIn) -> Status:
    access = selectors.incident_access(user=request.user, code=code, capability=Capability.MANAGE_MEMBERS)
    user = get_user_model().objects.filter(username=payload.username, is_active=True).first()
    if user is None:
        raise NotFound("No active user has this username.", code="member.user_not_found")
    membership = services.membership_add(
        incident=access.incident,
        actor=request.user,
        user=user,
        role=payload.role,
        organisation=payload.organisation,
    )
    return Status(201, _member_out(membership))


@router.patch("/{code}/members/{member_id}", response=schemas.MemberOut)
def member_patch(request: AuthedRequest, code: str, member_id: int, payload: schemas.MemberPatch) -> dict[str, Any]:
    access = selectors.incident_access(user=request.user, code=code, capability=Capability.MANAGE_MEMBERS)
    membership = selectors.member_get(incident=access.incident, member_id=member_id)
    return _member_out(services.membership_change_role(membership=membership, actor=request.user, role=payload.role))


@router.delete("/{code}/members/{member_id}", response={204: None})
def member_remove(request: AuthedRequest, code: str, member_id: int) -> Status:
    access = selectors.incident_access(user=request.user, code=code, capability=Capability.MANAGE_MEMBERS)
    membership = selectors.member_get(incident=access.incident, member_id=member_id)
    services.membership_remove(membership=membership, actor=request.user)
    return Status(204, None)


@router.get("/{code}/stakeholders", response=list[schemas.StakeholderOut])
def stakeholder_list(request: AuthedRequest, code: str) -> list[Stakeholder]:
    access = selectors.incident_access(user=request.user, code=code)
    return list(selectors.stakeholder_list(incident=access.incident))


@router.post("/{code}/stakeholders", response={201: schemas.StakeholderOut})
def stakeholder_create(request: AuthedRequest, code: str, payload: schemas.StakeholderIn) -> Status:
    access = selectors.incident_access(user=request.user, code=code, capability=Capability.MANAGE_STAKEHOLDERS)
    return Status(201, services.stakeholder_create(incident=access.incident, actor=request.user, **payload.dict()))


@router.patch("/{code}/stakeholders/{stakeholder_id}", response=schemas.StakeholderOut)
def stakeholder_patch(
    request: AuthedRequest, code: str, stakeholder_id: int, payload: schemas.StakeholderPatch
) -> Stakeholder:
    access = selectors.incident_access(user=request.user, code=code, capability=Capability.MANAGE_STAKEHOLDERS)
    stakeholder = selectors.stakeholder_get(incident=access.incident, stakeholder_id=stakeholder_id)
    fields = payload.dict(exclude_unset=True)
    status = fields.pop("status", None)
    stakeholder = services.stakeholder_update(stakeholder=stakeholder, actor=request.user, **fields)
    if status is not None:
        stakeholder = services.stakeholder_set_status(stakeholder=stakeholder, actor=request.user, status=status)
    return stakeholder


@router.get("/{code}/timeline", response=list[schemas.EventOut])
def timeline_list(
    request: AuthedRequest,
    code: str,
    kind: str | None = Query(None, max_length=80),
    limit: int = 100,
    before_seq: int | None = None,
) -> list[dict[str, Any]]:
    access = selectors.incident_access(user=request.user, code=code)
    events = selectors.timeline_list(incident=access.incident, kind=kind)
    if before_seq is not None:
        events = events.filter(seq__lt=before_seq)
    return [_event_out(e) for e in events[: max(1, min(limit, 1000))]]


@router.get("/{code}/audit", response=schemas.AuditOut, summary="Verify the incident's hash chain")
def audit_verify(request: AuthedRequest, code: str) -> dict[str, Any]:
    access = selectors.incident_access(user=request.user, code=code)
    return core_timeline.verify(incident=access.incident).as_dict()
