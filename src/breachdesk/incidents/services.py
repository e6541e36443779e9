"""Change incidents, memberships, tasks and stakeholders (one by one or from a CSV list); each change is an event."""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from breachdesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from breachdesk.core.roles import Capability, Role, role_can
from breachdesk.core.services import data_key_create
from breachdesk.incidents import events
from breachdesk.incidents.models import (
    Incident,
    Jurisdiction,
    Membership,
    Phase,
    Stakeholder,
    StakeholderKind,
    StakeholderStatus,
    Task,
    TaskStatus,
)
from breachdesk.incidents.playbook import load_playbook
from breachdesk.incidents.selectors import membership_role, stakeholder_names

INCIDENT_EDITABLE = (
    "title",
    "organisation",
    "found_at",
    "aware_at",
    "event_kind",
    "suspected",
    "cause",
    "affected_systems",
    "description",
    "jurisdictions",
    "org_role",
    "principal",
)
TASK_EDITABLE = ("title", "description", "phase", "owner", "owner_role", "due_at")
STAKEHOLDER_EDITABLE = ("kind", "name", "contact_name", "contact_email", "contact_phone", "notes")


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, User):
        return value.get_username()
    return value


def _apply(obj: Any, fields: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, list[Any]]:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationFailed(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    changes: dict[str, list[Any]] = {}
    for name, value in fields.items():
        old = getattr(obj, name)
        if old != value:
            changes[name] = [_jsonable(old), _jsonable(value)]
            setattr(obj, name, value)
    return changes


def _full_clean(obj: Any, exclude: list[str] | None = None, *, validate_unique: bool = True) -> None:
    from django.core.exceptions import ValidationError

    try:
        obj.full_clean(exclude=exclude, validate_unique=validate_unique)
    except ValidationError as exc:
        raise ValidationFailed(
            "; ".join(f"{field}: {' '.join(str(m) for m in msgs)}" for field, msgs in exc.message_dict.items()),
            extra={"fields": {k: [str(m) for m in v] for k, v in exc.message_dict.items()}},
        ) from None


def _check_times(*, found_at: datetime, aware_at: datetime) -> None:
    if timezone.is_naive(found_at) or timezone.is_naive(aware_at):
        raise ValidationFailed("found_at and aware_at must carry a time zone.")
    if aware_at < found_at:
        raise ValidationFailed("aware_at cannot be before found_at.", code="incident.aware_before_found")


def _check_jurisdictions(values: list[str]) -> list[str]:
    unknown = [v for v in values if v not in Jurisdiction.values]
    if unknown:
        raise ValidationFailed(f"Unknown jurisdictions: {', '.join(unknown)}.")
    return sorted(set(values))


def incident_create(
    *,
    actor: User,
    code: str,
    title: str,
    organisation: str,
    found_at: datetime,
    aware_at: datetime,
    event_kind: str = "leak",
    suspected: bool = False,
    cause: str = "other",
    affected_systems: str = "",
    description: str = "",
    jurisdictions: list[str] | None = None,
    org_role: str = "controller",
    principal: str = "",
    playbook: str = "default",
) -> Incident:
    """Open an incident: its data key, its creator as lead, the playbook's starting tasks, and the first event."""
    _check_times(found_at=found_at, aware_at=aware_at)
    incident = Incident(
        code=code,
        title=title,
        organisation=organisation,
        found_at=found_at,
        aware_at=aware_at,
        event_kind=event_kind,
        suspected=suspected,
        cause=cause,
        affected_systems=affected_systems,
        description=description,
        jurisdictions=_check_jurisdictions(jurisdictions or ["JP"]),
        org_role=org_role,
        principal=principal,
    )
    # Uniqueness is left to the database, which answers races correctly; the IntegrityError becomes a Conflict.
    _full_clean(incident, validate_unique=False)
    with transaction.atomic():
        try:
            incident.save()
        except IntegrityError:
            raise Conflict(f"An incident with code {code!r} already exists.", code="incident.code_taken") from None
        data_key_create(incident=incident)
        Membership.objects.create(incident=incident, user=actor, role=Role.LEAD)
        tasks = playbook_apply(incident=incident, name=playbook)
        events.incident_created_event(incident=incident, actor=actor, tasks=len(tasks))
    return incident


def playbook_apply(*, incident: Incident, name: str = "default", language: str | None = None) -> list[Task]:
    """Create the playbook tasks that ``incident`` does not have yet, and return the new ones."""
    language = language or translation.get_language() or "ja"
    existing = set(Task.objects.filter(incident=incident).values_list("playbook_key", flat=True))
    created = []
    for order, item in enumerate(load_playbook(name)):
        if item.key in existing or not item.applies_to(incident):
            continue
        created.append(
            Task(
                incident=incident,
                phase=item.phase,
                title=item.title_for(language),
                owner_role=item.owner_role,
                due_at=incident.aware_at + item.due if item.due is not None else None,
                playbook_key=item.key,
                order=(order + 1) * 10,
            )
        )
    return Task.objects.bulk_create(created)


def incident_update(*, incident: Incident, actor: User, **fields: Any) -> Incident:
    """Change the incident's facts and record what changed."""
    if "jurisdictions" in fields:
        fields["jurisdictions"] = _check_jurisdictions(fields["jurisdictions"])
    with transaction.atomic():
        changes = _apply(incident, fields, INCIDENT_EDITABLE)
        if not changes:
            return incident
        _check_times(found_at=incident.found_at, aware_at=incident.aware_at)
        _full_clean(incident)
        incident.save()
        events.incident_updated_event(incident=incident, actor=actor, changes=changes)
    return incident


def incident_set_phase(*, incident: Incident, actor: User, phase: str) -> Incident:
    """Move the incident to ``phase``; closing stamps ``closed_at`` and reopening clears it."""
    if phase not in Phase.values:
        raise ValidationFailed(f"Unknown phase {phase!r}.")
    old = incident.phase
    if old == phase:
        return incident
    with transaction.atomic():
        incident.phase = phase
        incident.closed_at = timezone.now() if phase == Phase.CLOSED else None
        incident.save(update_fields=["phase", "closed_at", "updated_at"])
        events.incident_phase_changed_event(incident=incident, actor=actor, old=old, new=phase)
    return incident


def membership_add(*, incident: Incident, actor: User, user: User, role: str, organisation: str = "") -> Membership:
    """Give ``user`` a role in ``incident``."""
    if role not in Role.values:
        raise ValidationFailed(f"Unknown role {role!r}.")
    if not user.is_active:
        raise ValidationFailed("This user account is inactive.")
    with transaction.atomic():
        if Membership.objects.filter(incident=incident, user=user).exists():
            raise Conflict(f"{user.get_username()} is already a member.", code="member.exists")
        membership = Membership.objects.create(incident=incident, user=user, role=role, organisation=organisation)
        events.member_added_event(membership=membership, actor=actor)
    return membership


def _ensure_another_lead(membership: Membership) -> None:
    if membership.role != Role.LEAD:
        return
    others = Membership.objects.filter(incident=membership.incident, role=Role.LEAD).exclude(pk=membership.pk)
    if not others.exists():
        raise Conflict("An incident must keep at least one lead.", code="member.last_lead")


def membership_change_role(*, membership: Membership, actor: User, role: str) -> Membership:
    """Change a member's role; the last lead cannot step down."""
    if role not in Role.values:
        raise ValidationFailed(f"Unknown role {role!r}.")
    old = membership.role
    if old == role:
        return membership
    with transaction.atomic():
        _ensure_another_lead(membership)
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
        events.member_role_changed_event(membership=membership, actor=actor, old=old)
    return membership


def membership_remove(*, membership: Membership, actor: User) -> None:
    """Remove a member; the last lead cannot be removed."""
    with transaction.atomic():
        _ensure_another_lead(membership)
        incident, username, role = membership.incident, membership.user.get_username(), membership.role
        membership.delete()
        events.member_removed_event(incident=incident, actor=actor, username=username, role=role)


def _check_owner(incident: Incident, owner: User | None) -> None:
    if owner is not None and not Membership.objects.filter(incident=incident, user=owner).exists():
        raise ValidationFailed("A task can only be owned by a member of the incident.", code="task.owner_not_member")


def task_create(
    *,
    incident: Incident,
    actor: User,
    title: str,
    phase: str,
    description: str = "",
    owner: User | None = None,
    owner_role: str = "",
    due_at: datetime | None = None,
    title_key: str = "",
    title_params: dict[str, Any] | None = None,
) -> Task:
    """Add a task to the incident; a generated task names its words by ``title_key`` and ``title_params``."""
    _check_owner(incident, owner)
    task = Task(
        incident=incident,
        title=title,
        title_key=title_key,
        title_params=title_params or {},
        phase=phase,
        description=description,
        owner=owner,
        owner_role=owner_role,
        due_at=due_at,
        order=10_000,
    )
    _full_clean(task, exclude=["link_type", "link_id"])
    with transaction.atomic():
        task.save()
        events.task_created_event(task=task, actor=actor)
    return task


def task_update(*, task: Task, actor: User, **fields: Any) -> Task:
    """Change a task's title, description, phase, owner or due date."""
    if "owner" in fields:
        _check_owner(task.incident, fields["owner"])
    with transaction.atomic():
        changes = _apply(task, fields, TASK_EDITABLE)
        if not changes:
            return task
        _full_clean(task, exclude=["link_type", "link_id"])
        task.save()
        events.task_updated_event(task=task, actor=actor, changes=changes)
    return task


def task_set_status(*, task: Task, actor: User, status: str) -> Task:
    """Move a task to ``status``; done stamps ``completed_at``."""
    if status not in TaskStatus.values:
        raise ValidationFailed(f"Unknown task status {status!r}.")
    old = task.status
    if old == status:
        return task
    with transaction.atomic():
        task.status = status
        task.completed_at = timezone.now() if status == TaskStatus.DONE else None
        task.save(update_fields=["status", "completed_at", "updated_at"])
        events.task_status_changed_event(task=task, actor=actor, old=old)
    return task


def stakeholder_create(
    *,
    incident: Incident,
    actor: User,
    kind: str,
    name: str,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    notes: str = "",
) -> Stakeholder:
    """Add an organisation that must be kept informed."""
    stakeholder = Stakeholder(
        incident=incident,
        kind=kind,
        name=name,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
        notes=notes,
    )
    _full_clean(stakeholder)
    with transaction.atomic():
        stakeholder.save()
        events.stakeholder_added_event(stakeholder=stakeholder, actor=actor)
    return stakeholder


def stakeholder_update(*, stakeholder: Stakeholder, actor: User, **fields: Any) -> Stakeholder:
    """Change a stakeholder's details."""
    with transaction.atomic():
        changes = _apply(stakeholder, fields, STAKEHOLDER_EDITABLE)
        if not changes:
            return stakeholder
        _full_clean(stakeholder)
        stakeholder.save()
        events.stakeholder_updated_event(stakeholder=stakeholder, actor=actor, changes=changes)
    return stakeholder


def stakeholder_set_status(*, stakeholder: Stakeholder, actor: User, status: str) -> Stakeholder:
    """Move a stakeholder to ``status``; the first briefing stamps ``briefed_at``."""
    if status not in StakeholderStatus.values:
        raise ValidationFailed(f"Unknown stakeholder status {status!r}.")
    old = stakeholder.status
    if old == status:
        return stakeholder
    with transaction.atomic():
        stakeholder.status = status
        if status in (StakeholderStatus.BRIEFED, StakeholderStatus.ACKNOWLEDGED) and stakeholder.briefed_at is None:
            stakeholder.briefed_at = timezone.now()
        stakeholder.save(update_fields=["status", "briefed_at", "updated_at"])
        events.stakeholder_status_changed_event(stakeholder=stakeholder, actor=actor, old=old)
    return stakeholder


# ---------------------------------------------------------------------------------------------------------------------
# Stakeholder list import (the card companies' list, as a CSV in CP932 or UTF-8)
# ---------------------------------------------------------------------------------------------------------------------
MAX_IMPORT_BYTES = 2 * 1024 * 1024
NAME_HEADERS = {"name", "会社名", "カード会社", "カード会社名", "名称", "社名", "company"}
CONTACT_HEADERS = {"contact", "contact_name", "担当者", "担当者名", "担当部署", "部署"}
EMAIL_HEADERS = {"email", "mail", "e-mail", "メール", "メールアドレス", "contact_email"}
PHONE_HEADERS = {"phone", "tel", "電話", "電話番号", "contact_phone"}
NOTES_HEADERS = {"notes", "note", "備考", "メモ"}


@dataclass(frozen=True)
class StakeholderImport:
    created: list[Stakeholder]
    skipped: int
    encoding: str
    errors: list[str]


def decode_csv(raw: bytes) -> tuple[str, str]:
    """Return the text and encoding of an uploaded CSV: UTF-8 (with or without BOM), else CP932."""
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return raw.decode(encoding), "cp932" if encoding == "cp932" else "utf-8"
        except UnicodeDecodeError:
            continue
    raise ValidationFailed("The file is neither UTF-8 nor CP932 (Shift_JIS) text.")


def _column(headers: list[str], names: set[str]) -> int | None:
    for position, header in enumerate(headers):
        if unicodedata.normalize("NFKC", header).strip().lower().replace(" ", "") in names:
            return position
    return None


def stakeholders_import(
    *, incident: Incident, actor: User, raw: bytes, kind: str = StakeholderKind.CARD_COMPANY
) -> StakeholderImport:
    """Add the stakeholders listed in a CSV (CP932 or UTF-8); names already listed are skipped."""
    if not role_can(membership_role(user=actor, incident=incident), Capability.MANAGE_STAKEHOLDERS):
        raise PermissionDenied("Only the lead or PR may import stakeholders.")
    if len(raw) > MAX_IMPORT_BYTES:
        raise ValidationFailed("The file is larger than 2 MB.")
    text, encoding = decode_csv(raw)
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise ValidationFailed("The file is empty.")
    headers = rows[0]
    name_at = _column(headers, NAME_HEADERS)
    if name_at is None:
        raise ValidationFailed("The file needs a name column (会社名, カード会社名 or name).")
    columns = {
        "contact_name": _column(headers, CONTACT_HEADERS),
        "contact_email": _column(headers, EMAIL_HEADERS),
        "contact_phone": _column(headers, PHONE_HEADERS),
        "notes": _column(headers, NOTES_HEADERS),
    }
    existing = stakeholder_names(incident=incident, kind=kind)
    created: list[Stakeholder] = []
    errors: list[str] = []
    skipped = 0
    with transaction.atomic():
        for line, row in enumerate(rows[1:], start=2):
            name = row[name_at].strip() if len(row) > name_at else ""
            if not name:
                continue
            if name in existing:
                skipped += 1
                continue
            fields = {k: (row[i].strip() if i is not None and len(row) > i else "") for k, i in columns.items()}
            try:
                stakeholder = stakeholder_create(incident=incident, actor=actor, kind=kind, name=name[:200], **fields)
            except Exception as exc:
                errors.append(f"line {line}: {getattr(exc, 'message', exc)}")
                continue
            existing.add(name)
            created.append(stakeholder)
        events.stakeholders_imported_event(
            incident=incident, actor=actor, created=created, skipped=skipped, encoding=encoding
        )
    return StakeholderImport(created, skipped, encoding, errors)
