"""Scoped API tokens: the incidents and capabilities a token carries, both held against its user's membership."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from breachdesk.api.models import ApiToken
from breachdesk.api.services import api_token_create
from breachdesk.core.errors import ValidationFailed
from breachdesk.incidents.models import Membership
from breachdesk.testing.fixtures import World


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def issue(*args: str) -> dict[str, object]:
    out = StringIO()
    call_command("api-token", "create", *args, stdout=out)
    result: dict[str, object] = json.loads(out.getvalue())
    return result


@pytest.fixture
def lead_in_both(world: World) -> World:
    """Make the lead a lead of the other incident too, so that only the token's scope keeps it out."""
    Membership.objects.create(incident=world.other_incident, user=world.lead, role="lead")
    return world


@pytest.mark.django_db
def test_a_token_reaches_only_the_incident_it_was_issued_for(lead_in_both: World) -> None:
    world = lead_in_both
    token = str(issue("--user", "lead", "--incident", world.incident.code)["token"])
    client = Client()
    assert [i["code"] for i in client.get("/api/v1/incidents", headers=bearer(token)).json()] == ["case-1"]
    assert client.get(f"/api/v1/incidents/{world.incident.code}", headers=bearer(token)).status_code == 200
    for path in ("", "/tasks", "/members", "/timeline", "/inquiries"):
        response = client.get(f"/api/v1/incidents/{world.other_incident.code}{path}", headers=bearer(token))
        assert response.status_code == 404, path
        assert response.json()["error"] == "not_found"
    # The same user's session still sees both: the limit is the token's, not the user's.
    session = Client()
    session.force_login(world.lead)
    assert session.get(f"/api/v1/incidents/{world.other_incident.code}").status_code == 200


@pytest.mark.django_db
def test_a_token_without_a_capability_is_refused_what_the_role_would_allow(world: World) -> None:
    token = str(issue("--user", "lead", "--incident", world.incident.code)["token"])
    url = f"/api/v1/incidents/{world.incident.code}"
    response = Client().patch(url, data={"title": "x"}, content_type="application/json", headers=bearer(token))
    assert response.status_code == 403
    assert response.json()["error"] == "permission.token.edit_incident"
    assert Client().get(f"{url}/inquiries", headers=bearer(token)).status_code == 403
    world.incident.refresh_from_db()
    assert world.incident.title == "Incident case-1"

    token = str(issue("--user", "lead", "--incident", world.incident.code, "--capability", "edit_incident")["token"])
    response = Client().patch(url, data={"title": "Renamed"}, content_type="application/json", headers=bearer(token))
    assert response.status_code == 200, response.content
    assert response.json()["title"] == "Renamed"


@pytest.mark.django_db
def test_the_role_must_still_grant_the_capability_when_the_token_is_used(world: World) -> None:
    token = str(issue("--user", "lead", "--incident", world.incident.code, "--capability", "edit_incident")["token"])
    Membership.objects.filter(incident=world.incident, user=world.lead).update(role="viewer")
    url = f"/api/v1/incidents/{world.incident.code}"
    response = Client().patch(url, data={"title": "x"}, content_type="application/json", headers=bearer(token))
    assert response.status_code == 403
    assert response.json()["error"] == "permission.edit_incident"
    Membership.objects.filter(incident=world.incident, user=world.lead).delete()
    assert Client().get(url, headers=bearer(token)).status_code == 404


@pytest.mark.django_db
def test_a_token_cannot_be_issued_beyond_the_users_membership_or_role(world: World) -> None:
    with pytest.raises(CommandError, match="not a member"):
        issue("--user", "lead", "--incident", world.other_incident.code)
    with pytest.raises(CommandError, match="does not grant: edit_incident"):
        issue("--user", "responder", "--incident", world.incident.code, "--capability", "edit_incident")
    with pytest.raises(CommandError, match="No incident nope"):
        issue("--user", "lead", "--incident", "nope")
    with pytest.raises(ValidationFailed, match="Unknown capability"):
        api_token_create(user=world.lead, name="x", incidents=[world.incident], capabilities=["everything"])
    assert not ApiToken.objects.exists()


@pytest.mark.django_db
def test_the_command_prints_the_scope_and_stores_it(world: World) -> None:
    result = issue("--user", "responder", "--incident", world.incident.code, "--capability", "desk_work")
    assert result["incidents"] == ["case-1"]
    assert result["capabilities"] == ["desk_work", "view"]
    row = ApiToken.objects.get(prefix=result["prefix"])
    assert row.capabilities == ["desk_work"]
    assert list(row.incidents.values_list("code", flat=True)) == ["case-1"]


@pytest.mark.django_db
def test_a_token_from_before_the_scopes_reaches_nothing(world: World) -> None:
    row, token = api_token_create(user=world.lead, name="old", incidents=[world.incident])
    row.incidents.clear()  # what migration api 0002 leaves for a token issued before it
    ApiToken.objects.filter(pk=row.pk).update(capabilities=[])
    client = Client()
    assert client.get("/api/v1/incidents", headers=bearer(token)).json() == []
    assert client.get(f"/api/v1/incidents/{world.incident.code}", headers=bearer(token)).status_code == 404


@pytest.mark.django_db
def test_a_token_cannot_open_an_incident(world: World) -> None:
    token = str(issue("--user", "lead", "--incident", world.incident.code, "--capability", "edit_incident")["token"])
    payload = {
        "code": "new-1",
        "title": "New",
        "organisation": "Org",
        "found_at": "2026-01-01T00:00:00Z",
        "aware_at": "2026-01-01T00:00:00Z",
    }
    response = Client().post("/api/v1/incidents", data=payload, content_type="application/json", headers=bearer(token))
    assert response.status_code == 403
    assert response.json()["error"] == "permission.token.open_incident"


@pytest.mark.django_db
def test_a_wrong_token_does_not_fall_back_to_the_browser_session(world: World) -> None:
    session = Client()
    session.force_login(world.lead)
    url = f"/api/v1/incidents/{world.incident.code}"
    assert session.get(url).status_code == 200
    assert session.get(url, headers=bearer("not-a-token")).status_code == 401
    assert session.get(url, headers={"Authorization": "Basic bGVhZDpwdw=="}).status_code == 401
