"""The public page: 404 until the first notice, then the latest first, cached, conditional, no PII, no inline code."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from breachdesk.notices import services
from breachdesk.notices.tests.conftest import approved_notice
from breachdesk.testing.fixtures import World, client_for

pytestmark = pytest.mark.django_db


def _url(world: World, tail: str = "") -> str:
    return f"/p/{world.incident.code}/{tail}"


def test_the_page_is_a_404_for_everyone_until_the_first_notice_is_published(world: World, pr: Any) -> None:
    approved_notice(world, pr)
    for tail in ("", "feed.atom", "check/", "check/sent/"):
        assert Client().get(_url(world, tail)).status_code == 404, tail
        assert client_for(world.outsider).get(_url(world, tail)).status_code == 404, tail


def test_members_see_an_uncached_preview_before_publication(world: World, pr: Any) -> None:
    approved_notice(world, pr, title="準備中の第1報")
    response = client_for(world.responder).get(_url(world))
    assert response.status_code == 200
    assert "準備中の第1報" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"


def test_the_published_page_shows_the_latest_notice_first_and_every_notice(
    world: World, pr: Any, published: Any
) -> None:
    second = services.notice_publish(
        notice=approved_notice(world, pr, title="第2報 調査結果のお知らせ", body="## 原因\n脆弱性でした。"),
        actor=world.lead,
    )
    response = Client().get(_url(world), HTTP_ACCEPT_LANGUAGE="ja")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.index(second.title) < html.index(published.title)
    assert 'id="notice-1"' in html
    assert 'id="notice-2"' in html
    assert "/check/" in html
    assert world.person.email not in html
    assert "見本" not in html
    assert "<script" not in html
    assert "style=" not in html
    assert response["Cache-Control"].startswith("public, max-age=")


def test_a_conditional_get_gets_304_and_a_publication_changes_the_etag_and_the_cached_page(
    world: World, pr: Any, published: Any
) -> None:
    client = Client()
    first = client.get(_url(world))
    etag = first["ETag"]
    assert client.get(_url(world), HTTP_IF_NONE_MATCH=etag).status_code == 304
    services.notice_publish(notice=approved_notice(world, pr, title="第2報 続報"), actor=world.lead)
    again = client.get(_url(world), HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 200
    assert again["ETag"] != etag
    assert "第2報 続報" in again.content.decode()


def test_the_atom_feed_lists_the_published_notices(world: World, pr: Any, published: Any) -> None:
    response = Client().get(_url(world, "feed.atom"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    body = response.content.decode()
    assert "<feed" in body
    assert f"第1報 {published.title}" in body
    assert "#notice-1" in body


def test_the_approved_faq_is_on_the_page(world: World, pr: Any, published: Any) -> None:
    entry = services.faq_save(
        incident=world.incident, actor=pr, key="compensation", question="補償はありますか", answer="検討中です。"
    )
    assert "補償はありますか" not in Client().get(_url(world)).content.decode()
    services.faq_approve(entry=entry, actor=world.reviewer_client)
    assert "補償はありますか" in Client().get(_url(world)).content.decode()


def test_the_page_speaks_english_when_the_browser_asks_for_it(world: World, published: Any) -> None:
    ja = Client().get(_url(world), HTTP_ACCEPT_LANGUAGE="ja")
    en = Client().get(_url(world), HTTP_ACCEPT_LANGUAGE="en")
    assert 'lang="ja"' in ja.content.decode()
    assert 'lang="en"' in en.content.decode()
    assert "Am I affected?" in en.content.decode()
    assert ja["ETag"] != en["ETag"]
    assert "Accept-Language" in en["Vary"]


def test_publish_through_the_page_puts_the_notice_on_the_public_page(world: World, pr: Any) -> None:
    notice = approved_notice(world, pr)
    lead = client_for(world.lead)
    from breachdesk.notices import readiness

    keys = [i.key for i in readiness.open_items(readiness.readiness_evaluate(incident=world.incident))]
    response = lead.post(
        f"/incidents/{world.incident.code}/notices/{notice.pk}/publish/", {"confirm": keys, "reason": "理由"}
    )
    assert response.status_code == 302
    notice.refresh_from_db()
    assert notice.number == 1
    assert notice.title in Client().get(_url(world)).content.decode()


def test_publish_without_confirming_open_items_is_refused(world: World, pr: Any) -> None:
    notice = approved_notice(world, pr)
    lead = client_for(world.lead)
    lead.post(f"/incidents/{world.incident.code}/notices/{notice.pk}/publish/", {})
    notice.refresh_from_db()
    assert notice.number is None
    assert Client().get(_url(world)).status_code == 404
