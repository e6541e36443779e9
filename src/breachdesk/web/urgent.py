"""Gather the facts a lead must see first on the dashboard: the next deadline, the backlog, who is unverified, and
work that has stalled. Each figure is one count; apps that are not installed leave their figure out."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from django.apps import apps
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from breachdesk.core.roles import Capability
from breachdesk.incidents.models import Incident, Task, TaskStatus


@dataclass(frozen=True)
class Fact:
    """One urgent figure: what it counts, the number (or words), whether it needs action now, and where to act."""

    key: str
    label: Any
    value: str
    bad: bool
    url: str
    note: str = ""
    capability: str = ""  # what a member's role must grant to follow ``url``


def urgent_facts_for(*, access: Any, now: datetime) -> list[Fact]:
    """Return the urgent facts as one member sees them: a fact links where to act only if their role may go there."""
    return [
        fact if not fact.capability or access.can(fact.capability) else replace(fact, url="")
        for fact in urgent_facts(incident=access.incident, now=now)
    ]


def urgent_facts(*, incident: Incident, now: datetime) -> list[Fact]:
    """Return the urgent figures of ``incident`` at ``now``, most pressing first."""
    facts: list[Fact] = []
    code = incident.code
    if apps.is_installed("breachdesk.obligations"):
        from breachdesk.obligations.selectors import obligations_get

        clocks = [c for c in obligations_get(incident=incident, now=now, fresh=False).clocks if c.state != "done"]
        if clocks:
            clock = min(clocks, key=lambda c: c.due)
            facts.append(
                Fact(
                    "deadline",
                    _("Next deadline"),
                    clock.reading.left_words,
                    clock.state in ("red", "amber"),
                    reverse("obligations:overview", kwargs={"code": code}),
                    note=f"{clock.label} · {clock.due:%m/%d %H:%M}",
                )
            )
    if apps.is_installed("breachdesk.inquiries"):
        from breachdesk.inquiries.models import DeletionRequest, DeletionStatus, Inquiry, InquiryStatus

        open_qs = Inquiry.objects.filter(incident=incident, status=InquiryStatus.OPEN)
        counts = open_qs.aggregate(
            open=Count("pk"),
            late=Count("pk", filter=Q(due_at__lt=now)),
            unverified=Count("pk", filter=Q(identity_verified=False, person__isnull=False)),
        )
        desk = reverse("inquiries:inquiry_list", kwargs={"code": code})
        facts.append(
            Fact(
                "backlog",
                _("Unanswered inquiries"),
                f"{counts['open']:,}",
                bool(counts["late"]),
                desk,
                note=str(_("%(n)s past the promised date") % {"n": f"{counts['late']:,}"}),
                capability=Capability.DESK_OPEN,
            )
        )
        deletions = DeletionRequest.objects.filter(incident=incident, status=DeletionStatus.OPEN).count()
        facts.append(
            Fact(
                "unverified",
                _("Matched but not yet verified"),
                f"{counts['unverified']:,}",
                bool(counts["unverified"]),
                desk,
                note=str(_("%(n)s deletion requests open") % {"n": f"{deletions:,}"}),
                capability=Capability.DESK_OPEN,
            )
        )
    overdue = (
        Task.objects.filter(incident=incident, due_at__lt=now)
        .exclude(status__in=[TaskStatus.DONE, TaskStatus.CANCELLED])
        .count()
    )
    blocked = Task.objects.filter(incident=incident, status=TaskStatus.BLOCKED).count()
    facts.append(
        Fact(
            "stalled",
            _("Overdue tasks"),
            f"{overdue:,}",
            bool(overdue),
            reverse("web:task_board", kwargs={"code": code}),
            note=str(_("%(n)s blocked") % {"n": f"{blocked:,}"}),
        )
    )
    return facts
