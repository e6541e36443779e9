"""Describe the JSON shapes of the API (kept apart from the ORM models).

Every string a caller sends has a maximum length (the model's column, or a bound for free text), so an overlong value
is refused with 422 naming the field before any service runs; ``test_schemas.py`` walks the OpenAPI document to keep
it so.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import Field

# A choice value (phase, status, role, kind…): every choice in the models fits in 30 characters.
Choice = Annotated[str, Field(max_length=30)]
Code = Annotated[str, Field(max_length=50)]
Name = Annotated[str, Field(max_length=200)]
Title = Annotated[str, Field(max_length=300)]
Username = Annotated[str, Field(max_length=150)]
Email = Annotated[str, Field(max_length=254)]
Phone = Annotated[str, Field(max_length=40)]
# Free text (description, notes): generous, but bounded.
Text = Annotated[str, Field(max_length=20_000)]
Jurisdictions = Annotated[list[Annotated[str, Field(max_length=8)]], Field(max_length=10)]


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
    code: Code
    title: Name
    organisation: Name
    found_at: datetime
    aware_at: datetime
    event_kind: Choice = "leak"
    suspected: bool = False
    cause: Choice = "other"
    affected_systems: Text = ""
    description: Text = ""
    jurisdictions: Jurisdictions = ["JP"]
    org_role: Choice = "controller"
    principal: Name = ""


class IncidentPatch(Schema):
    title: Name | None = None
    organisation: Name | None = None
    found_at: datetime | None = None
    aware_at: datetime | None = None
    event_kind: Choice | None = None
    suspected: bool | None = None
    cause: Choice | None = None
    affected_systems: Text | None = None
    description: Text | None = None
    jurisdictions: Jurisdictions | None = None
    org_role: Choice | None = None
    principal: Name | None = None
    phase: Choice | None = None


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
    title: Title
    phase: Choice
    description: Text = ""
    owner: Username | None = None
    owner_role: Choice = ""
    due_at: datetime | None = None


class TaskPatch(Schema):
    title: Title | None = None
    phase: Choice | None = None
    description: Text | None = None
    owner: Username | None = None
    due_at: datetime | None = None
    status: Choice | None = None


class MemberOut(Schema):
    id: int
    username: str
    role: str
    organisation: str


class MemberIn(Schema):
    username: Username
    role: Choice
    organisation: Name = ""


class MemberPatch(Schema):
    role: Choice


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
    kind: Choice
    name: Name
    contact_name: Name = ""
    contact_email: Email = ""
    contact_phone: Phone = ""
    notes: Text = ""


class StakeholderPatch(Schema):
    kind: Choice | None = None
    name: Name | None = None
    contact_name: Name | None = None
    contact_email: Email | None = None
    contact_phone: Phone | None = None
    notes: Text | None = None
    status: Choice | None = None


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
