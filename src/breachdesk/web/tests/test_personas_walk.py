"""Walk every URL and API route that takes an incident or an object id, as each persona.

The walker reads the URL configuration, so a new view or route is covered without touching this file. A route
whose argument has no sample value in ``World.url_kwargs`` fails the test, which forces its author to add one.
"""

from __future__ import annotations

import pytest
from django.test import Client

from breachdesk.testing.fixtures import World, client_for
from breachdesk.testing.routes import Route, iter_routes

# Django's admin is guarded by is_staff and its own login, not by incident membership; accounts and i18n take no ids.
# The public pages (the notices page, the self-check, the inquiry form) are open to everyone by design and have
# their own tests that they show no personal data.
EXCLUDED_NAMESPACES = {"admin", "public", "inquiries_public"}


def _routes_with_ids() -> list[Route]:
    return [r for r in iter_routes() if r.params and r.namespace not in EXCLUDED_NAMESPACES]


def _call(client: Client, method: str, url: str) -> int:
    handler = getattr(client, method)
    if method == "get":
        return handler(url).status_code
    return handler(url, data="{}", content_type="application/json").status_code


def test_the_walk_finds_web_and_api_routes() -> None:
    routes = _routes_with_ids()
    namespaces = {r.namespace for r in routes}
    assert {"web", "api"} <= namespaces
    assert len(routes) >= 20


def _missing(name: str) -> object:
    """Return a value for URL argument ``name`` that names nothing."""
    return "no-such-incident" if name == "code" else 999_999_999


@pytest.mark.django_db
def test_it_answers_404_to_an_outsider_on_every_route_with_an_id(world: World) -> None:
    """An outsider gets 404, and every answer equals the answer for an object that does not exist.

    The API checks a request body's shape before it opens the incident, so an empty body may get 422; that is fine
    as long as a missing incident gets the very same answer, so nothing is learned.
    """
    outsider = client_for(world.outsider)
    for route in _routes_with_ids():
        url = route.build(world.url_kwargs())
        missing_url = route.build({k: _missing(k) for k in route.params})
        statuses = {method: _call(outsider, method, url) for method in ("get", "post", "patch", "delete")}
        missing = {method: _call(outsider, method, missing_url) for method in ("get", "post", "patch", "delete")}
        assert statuses == missing, f"{route.route}: outsider {statuses} but a missing object gives {missing}"
        assert set(statuses.values()) <= {404, 405, 422}, f"{route.route}: {statuses}"
        assert 404 in statuses.values(), f"{route.route} never answered 404: {statuses}"


@pytest.mark.django_db
def test_it_serves_the_lead_on_the_same_routes_so_the_sample_ids_are_real(world: World) -> None:
    lead = client_for(world.lead)
    for route in _routes_with_ids():
        url = route.build(world.url_kwargs())
        status = _call(lead, "get", url)
        assert status != 404, f"{route.route} is 404 for the lead: the walk would prove nothing"


@pytest.mark.django_db
def test_it_hides_the_other_incident_from_the_client_reviewer(world: World) -> None:
    reviewer = client_for(world.reviewer_client)
    other = {**world.url_kwargs(), "code": world.other_incident.code}
    for route in _routes_with_ids():
        url = route.build(other)
        assert _call(reviewer, "get", url) in (404, 405), route.route
    assert reviewer.get(f"/incidents/{world.incident.code}/").status_code == 200


@pytest.mark.django_db
def test_it_hides_an_object_of_another_incident_behind_an_incident_the_user_belongs_to(world: World) -> None:
    lead = client_for(world.lead)
    foreign_task = world.other_incident.tasks.first()
    assert foreign_task is not None
    assert lead.get(f"/incidents/{world.incident.code}/tasks/{foreign_task.pk}/").status_code == 404
    assert lead.get(f"/api/v1/incidents/{world.incident.code}/tasks/{foreign_task.pk}").status_code == 404


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_login_or_refused() -> None:
    client = Client()
    for route in _routes_with_ids():
        url = route.build({name: "case-1" if name == "code" else 1 for name in route.params})
        status = client.get(url).status_code
        assert status in (302, 401, 404, 405), f"{route.route}: {status}"
