"""The FAQ says what the desk says: entries copy approved answer blocks, and a change on either side is flagged."""

from __future__ import annotations

from typing import Any

import pytest

from breachdesk.core.models import TimelineEvent
from breachdesk.inquiries.models import AnswerBlock
from breachdesk.notices import services
from breachdesk.notices.checks import check_faq
from breachdesk.notices.errors import AuthorCannotApprove
from breachdesk.notices.models import BlockFlag, FaqEntry, FaqStatus
from breachdesk.notices.selectors import faq_current, faq_drift, faq_public
from breachdesk.testing.fixtures import World

pytestmark = pytest.mark.django_db


def _block(world: World, key: str, body: str, version: int = 1) -> AnswerBlock:
    return AnswerBlock.objects.create(
        incident=world.incident, key=key, version=version, title=key, body=body, status="approved"
    )


def _entry(world: World, pr: Any) -> FaqEntry:
    _block(world, "faq_test_block", "漏えいした可能性がある項目は、氏名、メールアドレスです。")
    entry = services.faq_save(
        incident=world.incident, actor=pr, key="leaked-items", question="何が漏れましたか", block_key="faq_test_block"
    )
    return services.faq_approve(entry=entry, actor=world.reviewer_client)


def test_an_entry_built_from_a_block_copies_its_approved_text_and_goes_public_once_approved(
    world: World, pr: Any
) -> None:
    entry = _entry(world, pr)
    assert entry.answer == "漏えいした可能性がある項目は、氏名、メールアドレスです。"
    assert (entry.block_key, entry.block_version) == ("faq_test_block", 1)
    assert entry in faq_public(incident=world.incident)
    assert not faq_drift(incident=world.incident)


def test_the_author_of_an_entry_cannot_approve_it(world: World, pr: Any) -> None:
    entry = services.faq_save(incident=world.incident, actor=world.lead, key="k", question="q", answer="a")
    with pytest.raises(AuthorCannotApprove):
        services.faq_approve(entry=entry, actor=world.lead)


def test_a_new_version_of_the_block_flags_the_faq_entry(world: World, pr: Any) -> None:
    entry = _entry(world, pr)
    _block(world, "faq_test_block", "氏名、メールアドレス、電話番号が漏えいした可能性があります。", version=2)
    entry.refresh_from_db()
    assert "changed" in entry.drift
    assert [d.entry.pk for d in faq_drift(incident=world.incident)] == [entry.pk]
    assert not check_faq(world.incident).ok
    assert TimelineEvent.objects.filter(incident=world.incident, kind="faq.drift_flagged").exists()


def test_a_block_changed_behind_the_signals_back_is_still_caught_at_read_time(world: World, pr: Any) -> None:
    entry = _entry(world, pr)
    AnswerBlock.objects.filter(incident=world.incident, key="faq_test_block").update(body="別の回答")
    drift = faq_drift(incident=world.incident)
    assert [d.entry.pk for d in drift] == [entry.pk]
    assert "block changed" in drift[0].reason


def test_changing_the_faq_answer_flags_the_desks_block(world: World, pr: Any) -> None:
    entry = _entry(world, pr)
    services.faq_save(
        incident=world.incident,
        actor=pr,
        key=entry.key,
        question=entry.question,
        answer="公開用に書き換えた別の回答",
        block_key="faq_test_block",
    )
    flag = BlockFlag.objects.get(incident=world.incident, resolved_at__isnull=True)
    assert flag.block_key == "faq_test_block"
    assert any("differs" in d.reason for d in faq_drift(incident=world.incident))


def test_resync_makes_a_draft_from_the_block_and_clears_the_flags(world: World, pr: Any) -> None:
    entry = _entry(world, pr)
    _block(world, "faq_test_block", "新しい回答", version=2)
    entry.refresh_from_db()
    fresh = services.faq_resync(entry=entry, actor=pr)
    assert fresh.answer == "新しい回答"
    assert fresh.version == 2
    assert fresh.status == FaqStatus.DRAFT
    fresh = services.faq_approve(entry=fresh, actor=world.reviewer_client)
    assert not faq_drift(incident=world.incident)
    assert [e.pk for e in faq_current(incident=world.incident) if e.key == entry.key] == [fresh.pk]
