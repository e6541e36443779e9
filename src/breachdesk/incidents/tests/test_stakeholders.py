"""The stakeholder list arrives from a CSV (the card companies' list), in CP932 or UTF-8, once per name."""

from __future__ import annotations

import pytest

from breachdesk.core.errors import PermissionDenied, ValidationFailed
from breachdesk.core.models import TimelineEvent
from breachdesk.incidents import selectors, services
from breachdesk.incidents.models import StakeholderKind
from breachdesk.testing.fixtures import World

pytestmark = pytest.mark.django_db

CSV = (
    "会社名,担当者,メールアドレス,電話番号,備考\n"
    "さくらカード株式会社,不正利用対策室,fraud@sakura.example,03-0000-0000,\n"
    "みらいクレジット,加盟店管理部,,,要電話\n"
)


@pytest.mark.parametrize("encoding", ["cp932", "utf-8-sig", "utf-8"])
def test_the_card_company_list_imports_from_cp932_or_utf8_and_skips_names_already_listed(
    world: World, encoding: str
) -> None:
    services.stakeholder_create(
        incident=world.incident, actor=world.lead, kind=StakeholderKind.CARD_COMPANY, name="さくらカード株式会社"
    )
    result = services.stakeholders_import(incident=world.incident, actor=world.lead, raw=CSV.encode(encoding))
    assert [s.name for s in result.created] == ["みらいクレジット"]
    assert result.skipped == 1
    assert result.encoding == ("cp932" if encoding == "cp932" else "utf-8")
    assert result.created[0].notes == "要電話"
    assert selectors.stakeholder_names(incident=world.incident, kind=StakeholderKind.CARD_COMPANY) == {
        "さくらカード株式会社",
        "みらいクレジット",
    }
    assert TimelineEvent.objects.filter(incident=world.incident, kind="stakeholder.imported").exists()


def test_a_list_without_a_name_column_is_refused_and_adds_nobody(world: World) -> None:
    with pytest.raises(ValidationFailed, match="name column"):
        services.stakeholders_import(incident=world.incident, actor=world.lead, raw=b"contact,email\nx,y@example.jp\n")
    assert selectors.stakeholder_names(incident=world.incident, kind=StakeholderKind.CARD_COMPANY) == set()


def test_a_responder_or_an_outsider_cannot_import_the_list(world: World) -> None:
    for user in (world.responder, world.outsider):
        with pytest.raises(PermissionDenied):
            services.stakeholders_import(incident=world.incident, actor=user, raw=CSV.encode())
    assert selectors.stakeholder_names(incident=world.incident, kind=StakeholderKind.CARD_COMPANY) == set()


def test_the_status_counts_and_the_lead_come_from_the_incident(world: World) -> None:
    services.stakeholder_set_status(stakeholder=world.stakeholder, actor=world.lead, status="briefed")
    assert selectors.stakeholder_status_counts(incident=world.incident) == {"briefed": 1}
    lead = selectors.incident_lead(incident=world.incident)
    assert lead is not None
    assert lead.user == world.lead
    police = selectors.stakeholder_list(incident=world.incident, kinds=[StakeholderKind.POLICE])
    assert list(police) == [world.stakeholder]
    assert not selectors.stakeholder_list(incident=world.incident, kinds=[StakeholderKind.CARD_COMPANY]).exists()
