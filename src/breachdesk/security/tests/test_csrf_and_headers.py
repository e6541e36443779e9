"""Refuse every state-changing request that carries no CSRF token, and send the strict CSP on every HTML page.

The routes are read from the URL configuration: every route whose rule allows POST (``access_rules.py``), the
accounts and language routes, the public forms and the API's session-authenticated writes.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from breachdesk.core.security import CSP
from breachdesk.security.tests.access_rules import API, OPEN, PUBLIC, WEB
from breachdesk.testing.fixtures import World
from breachdesk.testing.routes import Route, iter_routes

pytestmark = pytest.mark.django_db

# Open routes that take a POST, with the persona that can reach them ("lead" or anonymous).
OPEN_POSTS = {":login": None, ":logout": "lead", ":set_language": None, ":otp_verify": "lead", ":otp_setup": "lead"}
PUBLIC_POSTS = {"inquiries_public:contact", "public:selfcheck"}


def _routes() -> list[Route]:
    return [r for r in iter_routes() if r.namespace != "admin"]


def _key(route: Route) -> str:
    return f"{route.namespace}:{route.name}"


def _strict_client(user: Any = None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def test_the_open_and_public_post_lists_cover_every_open_route_that_takes_a_post() -> None:
    """Fail when an open route that accepts POST is missing from this file's lists."""
    keys = {_key(r) for r in _routes()}
    assert set(OPEN_POSTS) <= set(OPEN)
    assert PUBLIC_POSTS <= PUBLIC <= keys


def test_every_desk_post_without_a_token_is_refused(world: World, settings: Any) -> None:
    settings.BREACHDESK_REQUIRE_2FA = False
    lead = _strict_client(world.lead)
    refused, checked = [], 0
    for route in _routes():
        key = _key(route)
        if key not in WEB or WEB[key].post is None:
            continue
        checked += 1
        response = lead.post(route.build(world.url_kwargs()), data={})
        if response.status_code != 403:
            refused.append(f"{key}: {response.status_code}")
    assert checked >= 60
    assert not refused, "POST without a CSRF token was not refused:\n" + "\n".join(refused)


def test_the_api_refuses_session_writes_without_a_token(world: World) -> None:
    lead = _strict_client(world.lead)
    kwargs = world.url_kwargs()
    for route in _routes():
        key = _key(route)
        if key not in API or API[key][0] == "get":
            continue
        method, _capability, body = API[key]
        send = getattr(lead, method)
        response = send(route.build(kwargs), data=json.dumps(body or {}), content_type="application/json")
        assert response.status_code == 403, f"{key}: {response.status_code}"


def test_the_open_routes_refuse_a_post_without_a_token(world: World) -> None:
    for key, persona in OPEN_POSTS.items():
        route = next(r for r in _routes() if _key(r) == key)
        client = _strict_client(world.lead if persona else None)
        response = client.post(route.build({}), data={"username": "lead", "password": "x", "language": "en"})
        assert response.status_code == 403, f"{key}: {response.status_code}"


def test_the_public_forms_refuse_a_post_without_a_token(world: World, published: Any) -> None:
    client = _strict_client()
    for route in _routes():
        if _key(route) in PUBLIC_POSTS:
            response = client.post(route.build(world.url_kwargs()), data={"email": "a@example.jp", "body": "x"})
            assert response.status_code == 403, f"{_key(route)}: {response.status_code}"


def test_the_csp_forbids_inline_script_and_style() -> None:
    directives = dict(part.strip().split(" ", 1) for part in CSP.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in CSP
    assert "unsafe-eval" not in CSP


def test_every_html_page_carries_the_csp(world: World, published: Any) -> None:
    """Every page of the walk that answers HTML, for the lead and for anonymous visitors, carries the CSP."""
    from breachdesk.testing.fixtures import client_for

    seen = 0
    for client in (client_for(world.lead), Client()):
        for route in _routes():
            response = client.get(route.build(world.url_kwargs()))
            if "text/html" not in response.get("Content-Type", ""):
                continue
            seen += 1
            assert response["Content-Security-Policy"] == CSP, _key(route)
            assert response["X-Content-Type-Options"] == "nosniff", _key(route)
            assert response["X-Frame-Options"] == "DENY", _key(route)
    assert seen >= 60


def test_pages_behind_login_are_not_cached(world: World) -> None:
    from breachdesk.testing.fixtures import client_for

    response = client_for(world.lead).get(f"/incidents/{world.incident.code}/")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
