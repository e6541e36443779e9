from __future__ import annotations

import pytest
from django.test import Client

from breachdesk.core.models import TimelineEvent
from breachdesk.incidents.models import Incident, Membership, Task
from breachdesk.testing.fixtures import World, client_for


@pytest.mark.django_db
def test_the_incident_list_shows_only_the_users_incidents(world: World) -> None:
    page = client_for(world.reviewer_client).get("/incidents/").content.decode()
    assert "case-1" in page
    assert "case-2" not in page


@pytest.mark.django_db
def test_the_dashboard_shows_phase_tasks_timeline_and_the_clock_slot(world: World) -> None:
    response = client_for(world.responder).get(f"/incidents/{world.incident.code}/")
    page = response.content.decode()
    assert response.status_code == 200
    for section in ("panel-summary", "panel-tasks", "panel-timeline", "panel-clocks"):
        assert f'id="{section}"' in page
    assert world.task.title in page


@pytest.mark.django_db
def test_pages_carry_a_strict_csp_and_security_headers(world: World) -> None:
    response = client_for(world.lead).get(f"/incidents/{world.incident.code}/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "<script>" not in response.content.decode()


@pytest.mark.django_db
def test_forms_refuse_a_post_without_csrf(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.lead)
    response = client.post(f"/incidents/{world.incident.code}/phase/", {"phase": "grasp"})
    assert response.status_code == 403
    world.incident.refresh_from_db()
    assert world.incident.phase == "discover"


@pytest.mark.django_db
def test_forms_carry_a_csrf_token(world: World) -> None:
    page = client_for(world.lead).get(f"/incidents/{world.incident.code}/members/").content.decode()
    assert page.count('name="csrfmiddlewaretoken"') >= page.count('<form method="post"')


@pytest.mark.django_db
def test_the_lead_changes_the_phase(world: World) -> None:
    response = client_for(world.lead).post(f"/incidents/{world.incident.code}/phase/", {"phase": "grasp"})
    assert response.status_code == 302
    world.incident.refresh_from_db()
    assert world.incident.phase == "grasp"


@pytest.mark.django_db
def test_a_responder_cannot_change_the_phase(world: World) -> None:
    response = client_for(world.responder).post(f"/incidents/{world.incident.code}/phase/", {"phase": "closed"})
    assert response.status_code in (302, 403)
    world.incident.refresh_from_db()
    assert world.incident.phase == "discover"


@pytest.mark.django_db
def test_the_reviewer_cannot_edit_the_incident(world: World) -> None:
    assert client_for(world.reviewer_client).get(f"/incidents/{world.incident.code}/edit/").status_code == 403


@pytest.mark.django_db
def test_the_lead_adds_a_member_by_email(world: World) -> None:
    response = client_for(world.lead).post(
        f"/incidents/{world.incident.code}/members/",
        {"username": world.outsider.email, "role": "viewer", "organisation": ""},
    )
    assert response.status_code == 302
    assert Membership.objects.get(incident=world.incident, user=world.outsider).role == "viewer"


@pytest.mark.django_db
def test_a_responder_cannot_add_members(world: World) -> None:
    client_for(world.responder).post(
        f"/incidents/{world.incident.code}/members/", {"username": "outsider", "role": "lead"}
    )
    assert not Membership.objects.filter(incident=world.incident, user=world.outsider).exists()


@pytest.mark.django_db
def test_a_responder_adds_and_moves_a_task(world: World) -> None:
    client = client_for(world.responder)
    response = client.post(
        f"/incidents/{world.incident.code}/tasks/", {"title": "Call the card company", "phase": "grasp"}
    )
    assert response.status_code == 302
    task = Task.objects.get(incident=world.incident, title="Call the card company")
    response = client.post(
        f"/incidents/{world.incident.code}/tasks/{task.pk}/status/", {"status": "done"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    assert f'id="task-{task.pk}"' in response.content.decode()
    task.refresh_from_db()
    assert task.status == "done"


@pytest.mark.django_db
def test_a_viewer_cannot_move_tasks(world: World) -> None:
    from breachdesk.incidents import services

    viewer = Membership.objects.get(user=world.reviewer_client, incident=world.incident)
    services.membership_change_role(membership=viewer, actor=world.lead, role="viewer")
    response = client_for(world.reviewer_client).post(
        f"/incidents/{world.incident.code}/tasks/{world.task.pk}/status/", {"status": "done"}
    )
    assert response.status_code in (302, 403)
    world.task.refresh_from_db()
    assert world.task.status == "open"


@pytest.mark.django_db
def test_the_timeline_filters_by_kind(world: World) -> None:
    page = client_for(world.lead).get(f"/incidents/{world.incident.code}/timeline/?kind=member").content.decode()
    assert "member.added" in page
    assert "incident.created" not in page


@pytest.mark.django_db(transaction=True)
def test_the_chain_check_runs_in_the_worker_and_lands_on_the_timeline(world: World, settings: object) -> None:
    from django_tasks import task_backends

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}  # type: ignore[attr-defined]
    task_backends._settings = None  # type: ignore[attr-defined]
    task_backends.__dict__.pop("settings", None)
    client_for(world.lead).post(f"/incidents/{world.incident.code}/timeline/verify/")
    event = TimelineEvent.objects.filter(incident=world.incident, kind="audit.verified").first()
    assert event is not None
    assert event.data["ok"] is True
    assert event.data["requested_by"] == "lead"


@pytest.mark.django_db
def test_only_staff_can_open_an_incident(world: World) -> None:
    assert client_for(world.responder).get("/incidents/new/").status_code == 403
    response = client_for(world.lead).post(
        "/incidents/new/",
        {
            "code": "web-1",
            "title": "Lost laptop",
            "organisation": "Example",
            "found_at": "2026-03-01T09:00",
            "aware_at": "2026-03-01T10:00",
            "event_kind": "loss",
            "cause": "lost_device",
            "jurisdictions": ["JP"],
            "org_role": "controller",
        },
    )
    assert response.status_code == 302
    assert Incident.objects.filter(code="web-1").exists()


@pytest.mark.django_db
def test_the_language_switch_turns_the_page_english(world: World) -> None:
    client = client_for(world.lead)
    assert "タスク" in client.get(f"/incidents/{world.incident.code}/").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/incidents/"})
    page = client.get(f"/incidents/{world.incident.code}/").content.decode()
    assert "Open tasks by owner" in page
