from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from breachdesk.api.models import ApiToken
from breachdesk.api.services import api_token_create, api_token_revoke
from breachdesk.incidents.models import Membership, Task
from breachdesk.testing.fixtures import World, client_for


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.django_db
def test_openapi_is_served() -> None:
    spec = Client().get("/api/v1/openapi.json").json()
    assert spec["info"]["title"] == "breachdesk API"
    assert "/api/v1/incidents/{code}/tasks" in spec["paths"]


@pytest.mark.django_db
def test_a_token_lists_only_the_users_incidents(world: World) -> None:
    _row, token = api_token_create(user=world.reviewer_client, name="test", incidents=[world.incident])
    data = Client().get("/api/v1/incidents", headers=bearer(token)).json()
    assert [i["code"] for i in data] == ["case-1"]
    assert data[0]["role"] == "reviewer"


@pytest.mark.django_db
def test_only_a_digest_of_the_token_is_stored(world: World) -> None:
    row, token = api_token_create(user=world.lead, name="test")
    assert token not in row.digest
    assert not ApiToken.objects.filter(digest=token).exists()


@pytest.mark.django_db
def test_expired_revoked_and_unknown_tokens_are_refused(world: World) -> None:
    row, token = api_token_create(user=world.lead, name="test", incidents=[world.incident])
    client = Client()
    assert client.get("/api/v1/incidents", headers=bearer(token)).status_code == 200
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get("/api/v1/incidents", headers=bearer(token)).status_code == 401
    row2, token2 = api_token_create(user=world.lead, name="test2", incidents=[world.incident])
    api_token_revoke(token_row=row2)
    assert client.get("/api/v1/incidents", headers=bearer(token2)).status_code == 401
    assert client.get("/api/v1/incidents", headers=bearer("bd_nope_nope")).status_code == 401
    assert client.get("/api/v1/incidents").status_code == 401


@pytest.mark.django_db
def test_session_writes_need_csrf(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.lead)
    response = client.patch(
        f"/api/v1/incidents/{world.incident.code}", data={"title": "x"}, content_type="application/json"
    )
    assert response.status_code in (401, 403)
    world.incident.refresh_from_db()
    assert world.incident.title == "Incident case-1"


@pytest.mark.django_db
def test_the_lead_patches_the_incident_and_its_phase(world: World) -> None:
    response = client_for(world.lead).patch(
        f"/api/v1/incidents/{world.incident.code}",
        data={"title": "Renamed", "phase": "grasp"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["phase"] == "grasp"
    assert response.json()["title"] == "Renamed"


@pytest.mark.django_db
def test_a_reviewer_cannot_patch_the_incident(world: World) -> None:
    response = client_for(world.reviewer_client).patch(
        f"/api/v1/incidents/{world.incident.code}", data={"title": "x"}, content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["error"] == "permission.edit_incident"


@pytest.mark.django_db
def test_a_responder_creates_a_task_with_a_member_owner(world: World) -> None:
    response = client_for(world.responder).post(
        f"/api/v1/incidents/{world.incident.code}/tasks",
        data={"title": "Brief the card companies", "phase": "grasp", "owner": "responder"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["owner"] == "responder"
    response = client_for(world.responder).post(
        f"/api/v1/incidents/{world.incident.code}/tasks",
        data={"title": "x", "phase": "grasp", "owner": "outsider"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["error"] == "task.owner_not_member"


@pytest.mark.django_db
def test_an_owner_may_move_their_own_task_but_not_edit_it(world: World) -> None:
    task = Task.objects.filter(incident=world.incident).last()
    assert task is not None
    Membership.objects.filter(incident=world.incident, user=world.reviewer_client).update(role="pr")
    task.owner = world.reviewer_client
    task.save()
    client = client_for(world.reviewer_client)
    url = f"/api/v1/incidents/{world.incident.code}/tasks/{task.pk}"
    assert client.patch(url, data={"status": "done"}, content_type="application/json").status_code == 200
    assert client.patch(url, data={"title": "x"}, content_type="application/json").status_code == 403


@pytest.mark.django_db
def test_the_timeline_and_audit_are_readable_by_members(world: World) -> None:
    client = client_for(world.reviewer_client)
    events = client.get(f"/api/v1/incidents/{world.incident.code}/timeline?limit=3").json()
    assert len(events) == 3
    assert events[0]["seq"] > events[1]["seq"]
    assert client.get(f"/api/v1/incidents/{world.incident.code}/audit").json()["ok"] is True


@pytest.mark.django_db
def test_members_are_managed_by_the_lead_only(world: World) -> None:
    url = f"/api/v1/incidents/{world.incident.code}/members"
    payload = {"username": "outsider", "role": "viewer"}
    assert client_for(world.responder).post(url, data=payload, content_type="application/json").status_code == 403
    response = client_for(world.lead).post(url, data=payload, content_type="application/json")
    assert response.status_code == 201
    member_id = response.json()["id"]
    assert client_for(world.lead).delete(f"{url}/{member_id}").status_code == 204


@pytest.mark.django_db
def test_the_api_refuses_an_unverified_session_when_2fa_is_required(world: World, settings: object) -> None:
    settings.BREACHDESK_REQUIRE_2FA = True  # type: ignore[attr-defined]
    assert client_for(world.lead).get("/api/v1/incidents").status_code == 401
