"""Stakeholder packs per kind, the card companies' CSV, briefings tracked to acknowledged, and the press title."""

from __future__ import annotations

from typing import Any

import pytest

from breachdesk.core.models import TimelineEvent
from breachdesk.incidents import services as incident_services
from breachdesk.incidents.models import Stakeholder, StakeholderKind, StakeholderStatus
from breachdesk.notices import press, stakeholders
from breachdesk.notices.checks import check_stakeholders
from breachdesk.notices.errors import NotAllowed
from breachdesk.notices.models import BriefingStatus
from breachdesk.notices.tests.conftest import approved_notice
from breachdesk.registry import services as registry_services
from breachdesk.testing.fixtures import World

pytestmark = pytest.mark.django_db


def _card(world: World, name: str = "さくらカード株式会社") -> Stakeholder:
    return incident_services.stakeholder_create(
        incident=world.incident, actor=world.lead, kind=StakeholderKind.CARD_COMPANY, name=name
    )


def test_the_card_pack_counts_cards_says_no_bin_data_is_held_and_masks_its_samples(world: World) -> None:
    registry_services.person_create(
        incident=world.incident,
        actor=world.lead,
        member_id="CARD-00017",
        name="山田 太郎",
        email="taro.yamada@example.jp",
        affected=True,
        items=["name", "card_number", "card_expiry"],
    )
    pack = stakeholders.stakeholder_pack(stakeholder=_card(world))
    text = pack.as_text()
    assert pack.facts == {"card_count": 1, "bin_data": False, "samples": 1}
    assert "BIN" in text
    assert "保持していません" in text
    assert "********17 / 山田 *郎 / ta***@example.jp" in text  # the member ID is masked too: the pack leaves us
    assert "taro.yamada@example.jp" not in text
    assert "CARD-000" not in text


def test_each_kind_gets_its_own_pack(world: World, pr: Any) -> None:
    approved_notice(world, pr, title="当社サイトへの不正アクセスについて")
    kinds = {
        StakeholderKind.PRINCIPAL: "本人の数",
        StakeholderKind.POLICE: "被害の規模",
        StakeholderKind.PRESS: "当社サイトへの不正アクセスについて",
        StakeholderKind.PARTNER: "ステートメント",
    }
    for kind, expected in kinds.items():
        stakeholder = incident_services.stakeholder_create(
            incident=world.incident, actor=world.lead, kind=kind, name=kind
        )
        assert expected in stakeholders.stakeholder_pack(stakeholder=stakeholder).as_text(), kind


def test_a_briefing_moves_the_stakeholder_to_briefed_then_acknowledged_and_the_check_follows(world: World) -> None:
    card = _card(world)
    assert not check_stakeholders(world.incident).ok
    briefing = stakeholders.briefing_prepare(stakeholder=card, actor=world.lead)
    assert briefing.status == BriefingStatus.DRAFT
    assert "BIN" in briefing.body
    stakeholders.briefing_mark_sent(briefing=briefing, actor=world.lead)
    card.refresh_from_db()
    assert card.status == StakeholderStatus.BRIEFED
    assert card.briefed_at is not None
    assert check_stakeholders(world.incident).ok
    stakeholders.briefing_acknowledge(briefing=briefing, actor=world.lead)
    card.refresh_from_db()
    assert card.status == StakeholderStatus.ACKNOWLEDGED


def test_a_responder_cannot_prepare_packs(world: World) -> None:
    with pytest.raises(NotAllowed):
        stakeholders.briefing_prepare(stakeholder=_card(world), actor=world.responder)


def test_a_press_statement_reuses_the_notice_and_its_title_is_a_recorded_decision(world: World, pr: Any) -> None:
    notice = approved_notice(world, pr)
    statement = press.press_statement_draft(notice=notice, actor=pr)
    assert "当社サイトへの不正アクセスが判明しました。" in statement.body
    press.press_title_decide(
        statement=statement,
        actor=pr,
        title="不正アクセスによるお客様情報流出に関するお詫びとお知らせ",
        alternatives=["個人情報流出のお知らせ", "不正アクセスについて"],
        reason="事実と謝罪を一文で示すため",
    )
    event = TimelineEvent.objects.get(incident=world.incident, kind="press.title_decided")
    assert event.data["alternatives"] == ["個人情報流出のお知らせ", "不正アクセスについて"]
    assert event.data["reason"] == "事実と謝罪を一文で示すため"
