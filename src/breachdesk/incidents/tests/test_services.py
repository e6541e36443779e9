from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from breachdesk.core.errors import Conflict, ValidationFailed
from breachdesk.core.models import IncidentKey, TimelineEvent
from breachdesk.core.roles import Role
from breachdesk.incidents import services
from breachdesk.incidents.models import Membership, Task, TaskStatus
from breachdesk.testing.factories import UserFactory, incident_create
from breachdesk.testing.fixtures import World

TOKYO = ZoneInfo("Asia/Tokyo")


@pytest.mark.django_db
def test_opening_an_incident_gives_it_a_key_a_lead_tasks_and_a_first_event() -> None:
    lead: Any = UserFactory()
    incident = incident_create(lead=lead, code="open-1")
    assert IncidentKey.objects.filter(incident=incident, destroyed_at__isnull=True).exists()
    assert Membership.objects.get(incident=incident, user=lead).role == Role.LEAD
    keys = set(Task.objects.filter(incident=incident).values_list("playbook_key", flat=True))
    assert {"contain", "response-team", "fact-sheet", "readiness-check", "ppc-preliminary", "police"} <= keys
    first = TimelineEvent.objects.get(incident=incident, seq=1)
    assert first.kind == "incident.created"
    assert first.data["tasks"] == len(keys)


@pytest.mark.django_db
def test_the_playbook_follows_the_incident_facts() -> None:
    lead = UserFactory()
    misdelivery = incident_create(
        lead=lead, code="mis-1", cause="misdelivery_email", jurisdictions=["EU"], org_role="entrusted"
    )
    keys = set(Task.objects.filter(incident=misdelivery).values_list("playbook_key", flat=True))
    assert "police" not in keys
    assert "ppc-preliminary" not in keys
    assert {"eu-authority", "notify-principal"} <= keys


@pytest.mark.django_db
def test_playbook_due_dates_count_from_awareness() -> None:
    aware = datetime(2026, 3, 2, 10, 0, tzinfo=TOKYO)
    incident = incident_create(lead=UserFactory(), code="due-1", aware_at=aware)
    contain = Task.objects.get(incident=incident, playbook_key="contain")
    preliminary = Task.objects.get(incident=incident, playbook_key="ppc-preliminary")
    assert contain.due_at == aware + timedelta(hours=4)
    assert preliminary.due_at == aware + timedelta(days=5)


@pytest.mark.django_db
def test_applying_the_playbook_again_adds_nothing() -> None:
    incident = incident_create(lead=UserFactory(), code="again-1")
    count = Task.objects.filter(incident=incident).count()
    assert services.playbook_apply(incident=incident) == []
    assert Task.objects.filter(incident=incident).count() == count


@pytest.mark.django_db
def test_a_duplicate_code_is_a_conflict() -> None:
    lead = UserFactory()
    incident_create(lead=lead, code="dup-1")
    with pytest.raises(Conflict, match="already exists"):
        incident_create(lead=lead, code="dup-1")


@pytest.mark.django_db
def test_awareness_before_discovery_is_refused() -> None:
    aware = datetime(2026, 3, 2, 10, 0, tzinfo=TOKYO)
    with pytest.raises(ValidationFailed, match="aware_at cannot be before found_at"):
        incident_create(lead=UserFactory(), code="time-1", aware_at=aware, found_at=aware + timedelta(days=1))


@pytest.mark.django_db
def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValidationFailed, match="time zone"):
        incident_create(lead=UserFactory(), code="naive-1", aware_at=datetime(2026, 3, 2, 10, 0))  # noqa: DTZ001


@pytest.mark.django_db
def test_a_bad_code_is_refused_with_the_field_named() -> None:
    with pytest.raises(ValidationFailed, match="code"):
        incident_create(lead=UserFactory(), code="Has Spaces!")


@pytest.mark.django_db
def test_an_update_records_only_what_changed(world: World) -> None:
    services.incident_update(incident=world.incident, actor=world.lead, title="New title", organisation="Example K.K.")
    event = TimelineEvent.objects.filter(incident=world.incident).order_by("-seq").first()
    assert event is not None
    assert event.kind == "incident.updated"
    assert event.data == {"changes": {"title": ["Incident case-1", "New title"]}}


@pytest.mark.django_db
def test_closing_stamps_the_time_and_reopening_clears_it(world: World) -> None:
    services.incident_set_phase(incident=world.incident, actor=world.lead, phase="closed")
    assert world.incident.closed_at is not None
    services.incident_set_phase(incident=world.incident, actor=world.lead, phase="follow_up")
    assert world.incident.closed_at is None
    kinds = list(
        TimelineEvent.objects.filter(incident=world.incident, kind="incident.phase_changed").values_list(
            "data", flat=True
        )
    )
    assert kinds[-2:] == [{"from": "discover", "to": "closed"}, {"from": "closed", "to": "follow_up"}]


@pytest.mark.django_db
def test_the_last_lead_cannot_leave_or_step_down(world: World) -> None:
    lead_membership = Membership.objects.get(incident=world.incident, user=world.lead)
    with pytest.raises(Conflict, match="at least one lead"):
        services.membership_remove(membership=lead_membership, actor=world.lead)
    with pytest.raises(Conflict, match="at least one lead"):
        services.membership_change_role(membership=lead_membership, actor=world.lead, role=Role.VIEWER)
    responder = Membership.objects.get(incident=world.incident, user=world.responder)
    services.membership_change_role(membership=responder, actor=world.lead, role=Role.LEAD)
    services.membership_change_role(membership=lead_membership, actor=world.lead, role=Role.VIEWER)
    assert Membership.objects.get(pk=lead_membership.pk).role == Role.VIEWER


@pytest.mark.django_db
def test_a_user_cannot_be_added_twice(world: World) -> None:
    with pytest.raises(Conflict, match="already a member"):
        services.membership_add(incident=world.incident, actor=world.lead, user=world.responder, role=Role.VIEWER)


@pytest.mark.django_db
def test_a_task_owner_must_be_a_member(world: World) -> None:
    with pytest.raises(ValidationFailed, match="member of the incident"):
        services.task_update(task=world.task, actor=world.lead, owner=world.outsider)


@pytest.mark.django_db
def test_task_status_changes_stamp_completion_and_are_recorded(world: World) -> None:
    services.task_set_status(task=world.task, actor=world.responder, status=TaskStatus.DONE)
    assert world.task.completed_at is not None
    event = TimelineEvent.objects.filter(incident=world.incident).order_by("-seq").first()
    assert event is not None
    assert event.kind == "task.status_changed"
    assert event.data["to"] == "done"
    assert event.actor_label == "responder"


@pytest.mark.django_db
def test_briefing_a_stakeholder_stamps_the_first_briefing_only(world: World) -> None:
    services.stakeholder_set_status(stakeholder=world.stakeholder, actor=world.lead, status="briefed")
    first = world.stakeholder.briefed_at
    assert first is not None
    services.stakeholder_set_status(stakeholder=world.stakeholder, actor=world.lead, status="acknowledged")
    assert world.stakeholder.briefed_at == first
