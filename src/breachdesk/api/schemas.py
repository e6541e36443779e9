"""Describe the JSON shapes of the API (kept apart from the ORM models)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    error: str
    message: str


class IncidentOut(Schema):
    code: str
    title: str
    organisation: str
    found_at: datetime
    aware_at: datetime
    event_kind: str
    suspected: bool
    cause: str
    affected_systems: str
    description: str
    phase: str
    jurisdictions: list[str]
    org_role: str
    principal: str
    role: str | None = None


class IncidentIn(Schema):
    code: str
    title: str
    organisation: str
    found_at: datetime
    aware_at: datetime
    event_kind: str = "leak"
    suspected: bool = False
    cause: str = "other"
    affected_systems: str = ""
    description: str = ""
    jurisdictions: list[str] = ["JP"]
    org_role: str = "controller"
    principal: str = ""


class IncidentPatch(Schema):
    title: str | None = None
    organisation: str | None = None
    found_at: datetime | None = None
    aware_at: datetime | None = None
    event_kind: str | None = None
    suspected: bool | None = None
    cause: str | None = None
    affected_systems: str | None = None
    description: str | None = None
    jurisdictions: list[str] | None = None
    org_role: str | None = None
    principal: str | None = None
    phase: str | None = None


class TaskOut(Schema):
    id: int
    phase: str
    title: str
    description: str
    owner: str | None
    owner_role: str
    due_at: datetime | None
    status: str
    playbook_key: str
    completed_at: datetime | None


class TaskIn(Schema):
    title: str
    phase: str
    description: str = ""
    owner: str | None = None
    owner_role: str = ""
    due_at: datetime | None = None


class TaskPatch(Schema):
    title: str | None = None
    phase: str | None = None
    description: str | None = None
    owner: str | None = None
    due_at: datetime | None = None
    status: str | None = None


class MemberOut(Schema):
    id: int
    username: str
    role: str
    organisation: str


class MemberIn(Schema):
    username: str
    role: str
    organisation: str = ""


class MemberPatch(Schema):
    role: str


class StakeholderOut(Schema):
    id: int
    kind: str
    name: str
    contact_name: str
    contact_email: str
    contact_phone: str
    status: str
    briefed_at: datetime | None
    notes: str


class StakeholderIn(Schema):
    kind: str
    name: str
    contact_name: str = ""
    contact_email: str = ""
    contact_phone: str = ""
    notes: str = ""


class StakeholderPatch(Schema):
    kind: str | None = None
    name: str | None = None
    contact_name: str | None = None
    contact_email: str | None = None
    contact_phone: str | None = None
    notes: str | None = None
    status: str | None = None


class EventOut(Schema):
    id: int
    seq: int
    at: datetime
    actor: str
    kind: str
    data: dict[str, Any]
    hash: str


class AuditOut(Schema):
    ok: bool
    events: int
    first_bad_event: int | None = None
    seq: int | None = None
    reason: str | None = None
