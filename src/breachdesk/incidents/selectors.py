"""Read incidents and what belongs to them, always through the membership of the user asking."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Count, F, QuerySet

from breachdesk.core.errors import NotFound, PermissionDenied
from breachdesk.core.memo import memoized
from breachdesk.core.models import TimelineEvent
from breachdesk.core.roles import Capability, Role, role_can
from breachdesk.core.token_scope import TokenScope, scope_of
from breachdesk.incidents.models import Incident, Membership, Stakeholder, Task, TaskStatus

AnyUser = AbstractBaseUser | AnonymousUser


def incident_list_visible(*, user: AnyUser) -> QuerySet[Incident]:
    """Return the incidents ``user`` may see: those where they hold a membership. Nobody else sees anything."""
    if not user.is_authenticated:
        return Incident.objects.none()
    qs = Incident.objects.filter(memberships__user_id=user.pk)
    scope = scope_of(user)
    if scope is not None:
        qs = qs.filter(pk__in=scope.incident_ids)
    return qs.distinct()


@dataclass(frozen=True)
class IncidentAccess:
    """Carry an incident together with the role of the user who opened it (and the API token's scope, if any)."""

    incident: Incident
    role: str
    token_scope: TokenScope | None = None

    def can(self, capability: Capability) -> bool:
        """Return whether the role grants ``capability`` and, through an API token, the token carries it too."""
        if self.token_scope is not None and not self.token_scope.allows(capability):
            return False
        return role_can(self.role, capability)

    def require(self, capability: Capability) -> None:
        """Raise ``PermissionDenied`` unless the role (and the API token, if any) grants ``capability``."""
        if self.token_scope is not None and not self.token_scope.allows(capability):
            raise PermissionDenied(
                f"This API token does not carry this capability: {Capability(capability).label}.",
                code=f"permission.token.{capability}",
            )
        if not self.can(capability):
            raise PermissionDenied(
                f"Your role ({Role(self.role).label}) does not allow this: {Capability(capability).label}.",
                code=f"permission.{capability}",
            )

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)


def incident_access(*, user: AnyUser, code: str, capability: Capability = Capability.VIEW) -> IncidentAccess:
    """Return the incident ``code`` with the user's role.

    Raise ``NotFound`` when the user is not a member (an outsider learns nothing, not even that it exists), and
    ``PermissionDenied`` when the member's role lacks ``capability``.
    """
    if not user.is_authenticated:
        raise NotFound("No such incident.")
    membership = Membership.objects.select_related("incident").filter(incident__code=code, user_id=user.pk).first()
    scope = scope_of(user)
    if membership is None or (scope is not None and not scope.reaches(membership.incident_id)):
        raise NotFound("No such incident.")
    access = IncidentAccess(incident=membership.incident, role=membership.role, token_scope=scope)
    access.require(capability)
    return access


def membership_role(*, user: AnyUser, incident: Incident) -> str | None:
    """Return the user's role in ``incident``, or ``None``."""
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(incident=incident, user_id=user.pk).values_list("role", flat=True).first()


def member_list(*, incident: Incident) -> QuerySet[Membership]:
    return Membership.objects.filter(incident=incident).select_related("user").order_by("role", "user__username")


def member_get(*, incident: Incident, member_id: int) -> Membership:
    membership = Membership.objects.filter(incident=incident, pk=member_id).select_related("user").first()
    if membership is None:
        raise NotFound("No such member.")
    return membership


def task_list(
    *,
    incident: Incident,
    status: str | None = None,
    owner_id: int | None = None,
    phase: str | None = None,
    open_only: bool = False,
) -> QuerySet[Task]:
    qs = Task.objects.filter(incident=incident).select_related("owner")
    if status:
        qs = qs.filter(status=status)
    if owner_id:
        qs = qs.filter(owner_id=owner_id)
    if phase:
        qs = qs.filter(phase=phase)
    if open_only:
        qs = qs.exclude(status__in=[TaskStatus.DONE, TaskStatus.CANCELLED])
    return qs.order_by(F("due_at").asc(nulls_last=True), "order", "id") if open_only else qs


def task_get(*, incident: Incident, task_id: int) -> Task:
    task = Task.objects.filter(incident=incident, pk=task_id).select_related("owner").first()
    if task is None:
        raise NotFound("No such task.")
    return task


def tasks_open_by_owner(*, incident: Incident) -> list[tuple[str, list[Task]]]:
    """Return the open tasks grouped by owner (username, or the expected role when nobody owns them yet)."""
    groups: dict[str, list[Task]] = defaultdict(list)
    for task in task_list(incident=incident, open_only=True):
        if task.owner is not None:
            label = task.owner.get_username()
        elif task.owner_role:
            label = f"({Role(task.owner_role).label})"
        else:
            label = "—"
        groups[label].append(task)
    return sorted(groups.items(), key=lambda item: (item[0].startswith("("), item[0]))


def stakeholder_list(
    *, incident: Incident, kind: str | None = None, kinds: Collection[str] | None = None
) -> QuerySet[Stakeholder]:
    """Return the incident's stakeholders, of one ``kind`` or of any of ``kinds`` when given."""
    qs = Stakeholder.objects.filter(incident=incident)
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    return qs.filter(kind=kind) if kind else qs


def stakeholder_names(*, incident: Incident, kind: str) -> set[str]:
    """Return the names already listed for ``kind`` (an import skips them)."""
    return set(Stakeholder.objects.filter(incident=incident, kind=kind).values_list("name", flat=True))


def stakeholder_status_counts(*, incident: Incident) -> dict[str, int]:
    """Return how many stakeholders are in each status (statuses with none are left out)."""
    return dict(
        Stakeholder.objects.filter(incident=incident)
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("status", "n")
    )


def incident_lead(*, incident: Incident) -> Membership | None:
    """Return the incident's lead membership (with its user), the first one when there are several."""
    return incident.memberships.filter(role=Role.LEAD).select_related("user").first()


def stakeholder_get(*, incident: Incident, stakeholder_id: int) -> Stakeholder:
    stakeholder = Stakeholder.objects.filter(incident=incident, pk=stakeholder_id).first()
    if stakeholder is None:
        raise NotFound("No such stakeholder.")
    return stakeholder


def timeline_head(*, incident: Incident) -> str:
    """Return the hash of the incident's latest timeline event, a stamp that changes with every recorded change.

    Every state change records an event in the same transaction, and each hash is unique over incidents and times.
    One index lookup, made once per page inside ``page_memo()``.
    """

    def latest() -> str:
        head = TimelineEvent.objects.filter(incident=incident).order_by("-seq").values_list("hash", flat=True).first()
        return head or f"new-{incident.pk}-{incident.created_at.timestamp()}"

    return memoized(("timeline_head", incident.pk), latest)


def timeline_list(
    *,
    incident: Incident,
    kind: str | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[TimelineEvent]:
    """Return the incident's timeline, newest first; ``kind`` matches a prefix such as ``task``."""
    qs = TimelineEvent.objects.filter(incident=incident)
    if kind:
        qs = qs.filter(kind__startswith=kind)
    if actor:
        qs = qs.filter(actor_label=actor)
    if since:
        qs = qs.filter(at__gte=since)
    if until:
        qs = qs.filter(at__lt=until)
    return qs.order_by("-seq")


def timeline_kinds(*, incident: Incident) -> list[str]:
    """Return the distinct event-kind prefixes used in the incident's timeline, for the filter."""
    kinds = TimelineEvent.objects.filter(incident=incident).values_list("kind", flat=True).distinct()
    return sorted({k.split(".")[0] for k in kinds})


def incident_summary(*, incident: Incident) -> dict[str, Any]:
    """Return the counts shown on the incident list and dashboard."""
    tasks = Task.objects.filter(incident=incident)
    return {
        "open_tasks": tasks.exclude(status__in=[TaskStatus.DONE, TaskStatus.CANCELLED]).count(),
        "done_tasks": tasks.filter(status=TaskStatus.DONE).count(),
        "members": Membership.objects.filter(incident=incident).count(),
        "stakeholders": Stakeholder.objects.filter(incident=incident).count(),
    }
