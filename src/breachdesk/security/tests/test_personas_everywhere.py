"""Walk every URL and API route as every persona, against the rules in ``access_rules.py``.

Personas: one member of ``incident`` for every role (lead, responder, the client's legal reviewer, an engineer, PR, a
viewer), two of them also with the object they work on (an engineer whose own verified deletion task names the sample
person; the reviewer while the sample reply is in review), an outsider (a real user who leads another incident) and
an anonymous visitor. The walk reads the URL configuration, so a new route without a rule fails
``test_every_route_has_a_rule``.

POST requests run inside a savepoint that is rolled back, so one persona's accepted POST does not change what the
next persona sees. The bodies are empty: the point is who is let in, not what the form does with the input.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.messages import constants
from django.db import transaction
from django.test import Client

from breachdesk.core.errors import ApplicationErrorMiddleware, PermissionDenied
from breachdesk.core.roles import Capability, Role, role_can
from breachdesk.incidents import services as incident_services
from breachdesk.incidents.models import Task
from breachdesk.inquiries.deletion import deletion_verify_phone
from breachdesk.inquiries.models import DeletionRequest, Reply
from breachdesk.inquiries.review import reply_submit
from breachdesk.security.tests.access_rules import (
    API,
    FOUR_EYES,
    OPEN,
    POST_BODIES,
    PUBLIC,
    WEB,
    Either,
    Need,
    Rule,
    allows,
)
from breachdesk.testing.factories import UserFactory
from breachdesk.testing.fixtures import World, client_for
from breachdesk.testing.routes import Route, iter_routes

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


class _Undo(Exception):
    """Roll back the savepoint around one request."""


@contextlib.contextmanager
def _rolled_back() -> Iterator[None]:
    with contextlib.suppress(_Undo), transaction.atomic():
        yield
        raise _Undo


def _routes() -> list[Route]:
    return [r for r in iter_routes() if r.namespace != "admin"]


def _key(route: Route) -> str:
    return f"{route.namespace}:{route.name}"


def _incident_routes(kind: str) -> list[Route]:
    table = WEB if kind == "web" else API
    return [r for r in _routes() if "code" in r.params and _key(r) in table]


_REFUSED: list[Exception] = []


@pytest.fixture(autouse=True)
def _record_refusals(monkeypatch: pytest.MonkeyPatch) -> None:
    """Record each ``PermissionDenied`` that reaches the middleware, which turns it into a 403 or a message."""
    original = ApplicationErrorMiddleware.process_exception

    def spy(self: ApplicationErrorMiddleware, request: Any, exception: Exception) -> Any:
        if isinstance(exception, PermissionDenied):
            _REFUSED.append(exception)
        return original(self, request, exception)

    monkeypatch.setattr(ApplicationErrorMiddleware, "process_exception", spy)


def _call(client: Client, method: str, url: str, body: dict[str, Any] | None = None) -> Any:
    """Send one request and return the response, with ``response.refused`` set; the database is left as it was."""
    _REFUSED.clear()
    with _rolled_back():
        if method == "get":
            response = client.get(url)
        elif url.startswith("/api/"):
            response = getattr(client, method)(url, data=json.dumps(body or {}), content_type="application/json")
        else:
            response = client.post(url, data=body or {})
    response.refused = bool(_REFUSED)  # type: ignore[attr-defined]
    return response


def _refusal_messages(response: Any) -> list[str]:
    """Return the error messages the request queued (the desk's answer to a refused form)."""
    storage = getattr(response.wsgi_request, "_messages", None)
    queued = getattr(storage, "_queued_messages", [])
    return [str(m.message) for m in queued if m.level == constants.ERROR]


def _denied(response: Any) -> bool:
    """Return whether the request was refused for the role: a 403, or a redirect after a ``PermissionDenied``."""
    if response.status_code == 403:
        return True
    return response.status_code == 302 and response.refused and bool(_refusal_messages(response))


# Every persona that is a member of ``incident``: its role, and whether the sample objects pass its object check.
MEMBERS: dict[str, tuple[Role, bool]] = {
    "lead": (Role.LEAD, False),
    "responder": (Role.RESPONDER, False),
    "reviewer_client": (Role.REVIEWER, False),  # the sample reply is a draft: nothing to review
    "reviewer_in_review": (Role.REVIEWER, True),  # the sample reply is in review
    "engineer": (Role.ENGINEER, False),  # no deletion task of theirs names anyone
    "engineer_tasked": (Role.ENGINEER, True),  # their verified deletion task names the sample person
    "pr": (Role.PR, False),
    "viewer": (Role.VIEWER, False),
}


def member_persona(world: World, name: str) -> Any:
    """Return the user for persona ``name``, adding them to ``incident`` (and their object) where needed."""
    user: Any
    if name in ("lead", "responder", "reviewer_client"):
        user = world.responder if name == "responder" else getattr(world, name)
    elif name == "reviewer_in_review":
        user = world.reviewer_client
        reply = Reply.objects.get(pk=world.desk["reply_id"])
        reply_submit(reply=reply, actor=world.responder)
    else:
        role = MEMBERS[name][0]
        user = UserFactory(username=name)
        incident_services.membership_add(incident=world.incident, actor=world.lead, user=user, role=role)
    if name == "engineer_tasked":
        deletion = DeletionRequest.objects.get(pk=world.desk["deletion_id"])
        assert deletion.suggested_person_id == world.person.pk
        deletion_verify_phone(deletion=deletion, actor=world.lead, questions="Birth date and postal code")
        assert deletion.task_id is not None
        incident_services.task_update(task=Task.objects.get(pk=deletion.task_id), actor=world.lead, owner=user)
    return user


def _to_login(response: Any) -> bool:
    return response.status_code == 302 and str(response["Location"]).startswith(LOGIN)


def test_every_route_has_a_rule() -> None:
    """Fail on a route that nobody has decided about, and on a rule whose route is gone."""
    keys = {_key(r) for r in _routes()}
    known = set(WEB) | set(API) | set(OPEN) | PUBLIC
    assert not (keys - known), f"routes without an access rule in security/tests/access_rules.py: {keys - known}"
    assert not (known - keys), f"rules for routes that no longer exist: {known - keys}"


def test_anonymous_visitors_are_sent_to_login_or_refused(world: World) -> None:
    anonymous = Client()
    kwargs = world.url_kwargs()
    for route in _routes():
        key, url = _key(route), route.build(kwargs)
        for method in ("get", "post"):
            response = _call(anonymous, method, url)
            status = response.status_code
            if key in PUBLIC:
                assert status != 401, key
                assert not response.get("Location", "").startswith(LOGIN), key
            elif key in OPEN:
                expected = OPEN[key]
                if method == "get" and expected == "login":
                    assert _to_login(response), f"{key}: {status}"
                elif method == "get":
                    assert status == expected, f"{key}: {status}, expected {expected}"
            elif route.namespace == "api":
                assert status in (401, 405), f"{key} {method}: {status}"
            else:
                assert _to_login(response), f"{key} {method}: {status}"


@pytest.mark.parametrize("persona", ["outsider", "reviewer_elsewhere"])
def test_non_members_get_404_on_every_incident_route(world: World, persona: str) -> None:
    """The outsider sees nothing of ``incident``; the client's reviewer sees nothing of the other incident."""
    if persona == "outsider":
        client, kwargs = client_for(world.outsider), world.url_kwargs()
    else:
        client, kwargs = client_for(world.reviewer_client), {**world.url_kwargs(), "code": world.other_incident.code}
    for route in _incident_routes("web"):
        rule = WEB[_key(route)]
        for method in ("get", "post"):
            status = _call(client, method, route.build(kwargs)).status_code
            allowed = {404} if getattr(rule, method) is not None else {404, 405}
            assert status in allowed, f"{persona}: {_key(route)} {method} gave {status}"
    for route in _incident_routes("api"):
        method, _capability, body = API[_key(route)]
        status = _call(client, method, route.build(kwargs), body).status_code
        assert status == 404, f"{persona}: {_key(route)} {method} gave {status}"


@pytest.mark.parametrize("persona", list(MEMBERS))
def test_members_get_what_their_role_allows_on_every_web_route(world: World, persona: str) -> None:
    role, granted = MEMBERS[persona]
    client = client_for(member_persona(world, persona), language="en")
    failures = []
    for route in _incident_routes("web"):
        key, rule = _key(route), WEB[_key(route)]
        url = route.build(world.url_kwargs())
        for method in ("get", "post"):
            other = rule.post if method == "get" else rule.get
            body = None
            if method == "post" and key in POST_BODIES:
                body = {k: v.format(lead_email=world.lead.email) for k, v in POST_BODIES[key].items()}
            failure = _check(client, method, url, getattr(rule, method), other, role, body, granted)
            if failure and not (key in FOUR_EYES and persona == "lead" and method == "post"):
                failures.append(f"{key} {method}: {failure}")
    assert not failures, f"{persona} ({role}):\n" + "\n".join(failures)


def _check(
    client: Client,
    method: str,
    url: str,
    need: Need,
    other: Need,
    role: Role,
    body: dict[str, str] | None,
    granted: bool,
) -> str | None:
    response = _call(client, method, url, body)
    status = response.status_code
    if need is None:
        if status == 405 or (status == 403 and other is not None and not allows(role, other, granted=granted)):
            return None
        return f"expected 405, got {status}"
    if status == 404:
        return "404 for a member"
    if allows(role, need, granted=granted):
        if _denied(response) or status == 405:
            return f"refused ({status}) although the role may: {_refusal_messages(response)}"
        return None
    if not _denied(response):
        return f"expected a refusal for lacking {need}, got {status} {_refusal_messages(response)}"
    return None


@pytest.mark.parametrize("persona", list(MEMBERS))
def test_members_get_what_their_role_allows_on_every_api_route(world: World, persona: str) -> None:
    role, _granted = MEMBERS[persona]
    client = client_for(member_persona(world, persona), language="en")
    failures = []
    for route in _incident_routes("api"):
        method, capability, body = API[_key(route)]
        status = _call(client, method, route.build(world.url_kwargs()), body).status_code
        expected_ok = role_can(role, capability)
        if expected_ok and status >= 400:
            failures.append(f"{_key(route)} {method}: {status} although the role has {capability}")
        if not expected_ok and status != 403:
            failures.append(f"{_key(route)} {method}: {status}, expected 403 for lacking {capability}")
    assert not failures, f"{persona} ({role}):\n" + "\n".join(failures)


def test_the_rules_cover_every_capability_that_a_role_can_lack() -> None:
    """Keep the walk meaningful: each capability the tested roles lack is asked for by at least one route."""
    lacking = {c for c in Capability for role in Role if not role_can(role, c)}
    needs = [n for rule in WEB.values() for n in (rule.get, rule.post)] + [c for _m, c, _b in API.values()]
    used = {c for n in needs if isinstance(n, Capability) for c in [n]}
    used |= {c for n in needs if isinstance(n, Either) for c in (n.need, n.grant)}
    # A full export is a choice on the export form, a shred is a command: their own tests refuse the roles.
    assert lacking - {Capability.EXPORT_PII, Capability.DESTROY_KEY, Capability.UPDATE_OWN_TASKS} <= used, (
        lacking - used
    )


def test_rules_are_rules() -> None:
    assert all(isinstance(rule, Rule) for rule in WEB.values())


def test_an_engineer_reads_only_the_person_their_own_verified_deletion_task_names(world: World) -> None:
    """PII_READ_ASSIGNED is object-level: the task must be theirs, verified and open, and name that person."""
    from breachdesk.core.models import AccessEvent
    from breachdesk.registry.services import person_create

    other = person_create(incident=world.incident, actor=world.lead, member_id="W-0002", name="別人 次郎")
    base = f"/incidents/{world.incident.code}/registry/people"
    untasked = client_for(member_persona(world, "engineer"))
    assert untasked.get(f"{base}/{world.person.pk}/").status_code == 403
    tasked = client_for(member_persona(world, "engineer_tasked"))
    page = tasked.get(f"{base}/{world.person.pk}/")
    assert page.status_code == 200
    assert "hanako.mihon@example.jp" in page.content.decode()
    assert AccessEvent.objects.filter(object=f"person:{world.person.pk}", actor__username="engineer_tasked").exists()
    assert tasked.get(f"{base}/{other.pk}/").status_code == 403
    assert tasked.get(f"{base}/999999/").status_code == 403  # refused before the lookup: nothing learned
    assert tasked.get(f"{base}/").status_code == 403  # no list or search
    assert untasked.get(f"{base}/{world.person.pk}/").status_code == 403  # another engineer's task opens nothing
    DeletionRequest.objects.filter(pk=world.desk["deletion_id"]).update(status="done")
    assert tasked.get(f"{base}/{world.person.pk}/").status_code == 403  # a finished deletion needs no more reading
