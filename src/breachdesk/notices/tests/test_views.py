"""Walk the notices pages as each persona: outsiders get 404, roles get what they may do and nothing more."""

from __future__ import annotations

from typing import Any

import pytest

from breachdesk.notices.models import Notice, NoticeStatus
from breachdesk.testing.fixtures import World, client_for
from breachdesk.testing.routes import iter_routes

pytestmark = pytest.mark.django_db

NAMESPACES = {"notices", "public"}


def _routes() -> list[Any]:
    return [r for r in iter_routes() if r.namespace in NAMESPACES]


def test_it_answers_404_to_an_outsider_on_every_notices_and_public_route(world: World) -> None:
    outsider = client_for(world.outsider)
    routes = _routes()
    assert len(routes) >= 20
    for route in routes:
        url = route.build(world.url_kwargs())
        missing = route.build({k: "no-such-incident" if k == "code" else 999_999_999 for k in route.params})
        statuses = {m: getattr(outsider, m)(url).status_code for m in ("get", "post")}
        assert statuses == {m: getattr(outsider, m)(missing).status_code for m in ("get", "post")}, route.route
        assert statuses["get"] == 404, route.route
        assert statuses["post"] in (404, 405), route.route


def test_it_serves_every_page_to_the_lead(world: World) -> None:
    lead = client_for(world.lead)
    for route in _routes():
        status = lead.get(route.build(world.url_kwargs())).status_code
        assert status in (200, 405), f"{route.route}: {status}"


def test_pr_drafts_a_notice_and_a_reviewer_approves_it_through_the_pages(world: World, pr: Any) -> None:
    base = f"/incidents/{world.incident.code}/notices/"
    response = client_for(pr).post(base, {"title": "第1報", "body": "## 概要\n本文"})
    notice = Notice.objects.filter(incident=world.incident, title="第1報").get()
    assert response.status_code == 302
    page = client_for(world.reviewer_client).get(f"{base}{notice.pk}/")
    assert 'id="approve"' in page.content.decode()
    client_for(world.reviewer_client).post(f"{base}{notice.pk}/approve/")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.APPROVED


def test_a_responder_can_read_but_not_draft_approve_or_publish(world: World) -> None:
    base = f"/incidents/{world.incident.code}/notices/"
    responder = client_for(world.responder)
    assert responder.get(base).status_code == 200
    responder.post(base, {"title": "x", "body": "y"})
    assert not Notice.objects.filter(title="x").exists()
    # A refused POST comes back as a message on the page (ApplicationErrorMiddleware); the notice does not move.
    responder.post(f"{base}{world.notice.pk}/approve/")
    responder.post(f"{base}{world.notice.pk}/publish/")
    world.notice.refresh_from_db()
    assert world.notice.status == NoticeStatus.DRAFT


def test_the_reviewer_cannot_publish(world: World, pr: Any) -> None:
    from breachdesk.notices.tests.conftest import approved_notice

    notice = approved_notice(world, pr)
    client_for(world.reviewer_client).post(f"/incidents/{world.incident.code}/notices/{notice.pk}/publish/")
    notice.refresh_from_db()
    assert notice.status == NoticeStatus.APPROVED


def test_the_dashboard_shows_the_readiness_checklist_until_the_first_publication(world: World) -> None:
    page = client_for(world.lead).get(f"/incidents/{world.incident.code}/").content.decode()
    assert 'id="panel-readiness"' in page
    assert 'id="check-stakeholders"' in page
