"""Share the campaign test helpers: a PR member, registry people with contact data, and an approved campaign."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from breachdesk.campaigns import services
from breachdesk.campaigns.models import Campaign, NoticeTemplate
from breachdesk.core.roles import Role
from breachdesk.incidents import services as incident_services
from breachdesk.registry.services import person_create
from breachdesk.testing.factories import UserFactory
from breachdesk.testing.fixtures import World

SUBJECT = "【重要】個人情報漏えいに関するお詫びとお知らせ"
BODY = """{{ person.name }} 様

{{ incident.organisation }}です。{{ incident.title }}について、お知らせいたします。
漏えいしたお客様の情報：{{ items_text }}
原因：{{ incident.cause }}
お問い合わせ：{{ desk.name }} {{ desk.email }}
"""
DESK = "desk@oco.example.jp"


class FakeClock:
    """Tell a time that only moves when the code sleeps, so throttle tests take no real time."""

    def __init__(self, start: datetime | None = None) -> None:
        self.at = start or timezone.now()
        self.slept: list[float] = []

    def now(self) -> datetime:
        return self.at

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.at += timedelta(seconds=seconds)


@dataclass
class Team:
    world: World
    pr: Any

    @property
    def lead(self) -> Any:
        return self.world.lead

    @property
    def reviewer(self) -> Any:
        return self.world.reviewer_client


@pytest.fixture
def team(world: World) -> Team:
    pr: Any = UserFactory(username="pr", email="pr@client.example.jp")
    incident_services.membership_add(incident=world.incident, actor=world.lead, user=pr, role=Role.PR)
    return Team(world=world, pr=pr)


@pytest.fixture
def add_person(world: World) -> Any:
    counter = {"n": 0}

    def add(
        *, email: str | None = "auto", items: list[str] | None = None, with_address: bool = True, **extra: Any
    ) -> Any:
        counter["n"] += 1
        n = counter["n"]
        fields: dict[str, Any] = {
            "member_id": f"C-{n:05d}",
            "name": f"試験 {n}郎",
            "affected": True,
            "items": ["name", "email", "address"] if items is None else items,
        }
        if email == "auto":
            fields["email"] = f"person{n}@example.jp"
        elif email:
            fields["email"] = email
        if with_address:
            fields["postal_code"] = "150-0001"
            fields["address"] = f"東京都渋谷区神宮前{n}-1-1"
        fields.update(extra)
        return person_create(incident=world.incident, actor=world.lead, **fields)

    return add


def make_template(team: Team, *, body: str = BODY, approve: bool = True) -> NoticeTemplate:
    template = services.template_create(
        incident=team.world.incident, actor=team.pr, name="第1報 通知", subject=SUBJECT, body_text=body
    )
    if approve:
        services.template_approve(template=template, actor=team.reviewer, version_number=1)
    return template


def make_campaign(team: Team, template: NoticeTemplate, *, approve: bool = True, **options: Any) -> Campaign:
    options.setdefault("desk_email", DESK)
    options.setdefault("desk_name", "お客様相談窓口")
    options.setdefault("throttle_per_second", 1000)
    campaign = services.campaign_create(
        incident=team.world.incident, actor=team.pr, name="第1報", template=template, **options
    )
    if approve:
        campaign = services.campaign_approve(campaign=campaign, actor=team.reviewer)
    return campaign


def affected_only_new(world: World) -> None:
    """Drop the world's sample person from the affected set, so tests count only the people they add."""
    world.person.affected = False
    world.person.save(update_fields=["affected"])


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()
