"""Notices: drafted by the lead or PR, approved by a second person, published by the lead, never edited after."""

from __future__ import annotations

from typing import Any

import pytest

from breachdesk.core.models import TimelineEvent
from breachdesk.notices import readiness, services
from breachdesk.notices.errors import (
    AuthorCannotApprove,
    InvalidInput,
    NotAllowed,
    NotApproved,
    PublishedImmutable,
    ReadinessOpen,
)
from breachdesk.notices.models import NoticeStatus, ReadinessConfirmation
from breachdesk.notices.rendering import markdown_html, text_diff
from breachdesk.notices.selectors import notice_diff, notice_previous
from breachdesk.notices.tests.conftest import approved_notice, publish
from breachdesk.testing.fixtures import World

pytestmark = pytest.mark.django_db


def _kinds(world: World) -> list[str]:
    return list(TimelineEvent.objects.filter(incident=world.incident).values_list("kind", flat=True))


def test_pr_drafts_a_reviewer_approves_and_the_lead_publishes_the_first_notice_as_number_one(
    world: World, pr: Any
) -> None:
    notice = approved_notice(world, pr)
    assert notice.status == NoticeStatus.APPROVED
    assert notice.approved_by == world.reviewer_client
    notice = publish(world, notice)
    assert (notice.number, notice.status) == (1, NoticeStatus.PUBLISHED)
    assert notice.published_at is not None
    assert {"notice.created", "notice.approved", "notice.published"} <= set(_kinds(world))


def test_the_second_published_notice_is_number_two(world: World, pr: Any) -> None:
    publish(world, approved_notice(world, pr))
    second = services.notice_publish(
        notice=approved_notice(world, pr, title="第2報"), actor=world.lead
    )  # later notices need no readiness confirmation
    assert second.number == 2


def test_the_author_cannot_approve_their_own_notice(world: World) -> None:
    notice = services.notice_create(incident=world.incident, actor=world.lead, title="t", body="b")
    with pytest.raises(AuthorCannotApprove):
        services.notice_approve(notice=notice, actor=world.lead)


def test_a_responder_cannot_draft_and_cannot_approve(world: World, pr: Any) -> None:
    with pytest.raises(NotAllowed):
        services.notice_create(incident=world.incident, actor=world.responder, title="t", body="b")
    notice = services.notice_create(incident=world.incident, actor=pr, title="t", body="b")
    with pytest.raises(NotAllowed):
        services.notice_approve(notice=notice, actor=world.responder)


def test_only_the_lead_publishes_and_only_an_approved_notice(world: World, pr: Any) -> None:
    draft = services.notice_create(incident=world.incident, actor=pr, title="t", body="b")
    with pytest.raises(NotApproved):
        services.notice_publish(notice=draft, actor=world.lead)
    notice = approved_notice(world, pr)
    with pytest.raises(NotAllowed):
        services.notice_publish(notice=notice, actor=world.reviewer_client)


def test_editing_an_approved_notice_voids_the_approval(world: World, pr: Any) -> None:
    notice = approved_notice(world, pr)
    notice = services.notice_update(notice=notice, actor=pr, title=notice.title, body="新しい本文")
    assert notice.status == NoticeStatus.DRAFT
    assert notice.approved_by is None


def test_a_published_notice_is_never_edited_and_a_correction_says_what_it_corrects(
    world: World, published: Any, pr: Any
) -> None:
    with pytest.raises(PublishedImmutable):
        services.notice_update(notice=published, actor=pr, title="x", body="y")
    with pytest.raises(InvalidInput):
        services.notice_create(incident=world.incident, actor=pr, title="訂正", body="b", corrects=published)
    fix = services.notice_create(
        incident=world.incident,
        actor=pr,
        title="【訂正】第1報",
        body=published.body.replace("窓口", "専用窓口"),
        corrects=published,
        correction_note="窓口の名称を訂正しました。",
    )
    services.notice_approve(notice=fix, actor=world.reviewer_client)
    fix = services.notice_publish(notice=fix, actor=world.lead)
    assert fix.number == 2
    assert fix.corrects == published
    assert notice_previous(notice=fix) == published
    diff = notice_diff(old=published, new=fix)
    assert diff.changes == 2
    assert diff.title_changed


def test_the_first_publication_with_open_items_needs_the_leads_confirmation_which_is_recorded(
    world: World, pr: Any
) -> None:
    notice = approved_notice(world, pr)
    open_keys = [i.key for i in readiness.open_items(readiness.readiness_evaluate(incident=world.incident))]
    assert open_keys, "the sample incident is not ready, so the check must bite"
    with pytest.raises(ReadinessOpen):
        services.notice_publish(notice=notice, actor=world.lead)
    with pytest.raises(ReadinessOpen):
        services.notice_publish(notice=notice, actor=world.lead, confirm_open=open_keys[:1], reason="急ぎ")
    notice = services.notice_publish(notice=notice, actor=world.lead, confirm_open=open_keys, reason="警察の要請")
    assert notice.is_published
    assert set(ReadinessConfirmation.objects.filter(notice=notice).values_list("check_key", flat=True)) == set(
        open_keys
    )
    event = TimelineEvent.objects.get(incident=world.incident, kind="notice.readiness_confirmed")
    assert event.data["reason"] == "警察の要請"
    assert set(event.data["open_items"]) == set(open_keys)


def test_markdown_is_rendered_and_raw_html_never_survives() -> None:
    html = str(
        markdown_html(
            "## 見出し\n\n<script>alert(1)</script>\n\n[link](javascript:alert(1)) "
            '<img src=x onerror="alert(1)"> **太字**'
        )
    )
    assert "<h2>見出し</h2>" in html
    assert "<strong>太字</strong>" in html
    assert "<script" not in html
    assert "onerror" not in html
    assert "javascript:" not in html
    assert "<img" not in html


def test_the_text_diff_marks_inserted_and_deleted_lines() -> None:
    ops = [(line.op, line.text) for line in text_diff("a\nb\nc", "a\nB\nc")]
    assert ops == [("equal", "a"), ("delete", "b"), ("insert", "B"), ("equal", "c")]
