"""Share the notices tests' fixtures: a PR member, a clean cache, and a published first notice."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from breachdesk.core.roles import Role
from breachdesk.incidents import services as incident_services
from breachdesk.notices import services
from breachdesk.notices.models import Notice
from breachdesk.testing.factories import UserFactory
from breachdesk.testing.fixtures import World


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    """Start every test with an empty cache: page keys would otherwise outlive the test database."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def pr(world: World) -> Any:
    user: Any = UserFactory(username="pr")
    incident_services.membership_add(incident=world.incident, actor=world.lead, user=user, role=Role.PR)
    return user


def approved_notice(world: World, pr: Any, *, title: str = "第1報 不正アクセスのお知らせ", body: str = "") -> Notice:
    notice = services.notice_create(
        incident=world.incident,
        actor=pr,
        title=title,
        body=body or "## 概要\n当社サイトへの不正アクセスが判明しました。\n\n## 対応\n窓口を設置しました。",
    )
    return services.notice_approve(notice=notice, actor=world.reviewer_client)


def publish(world: World, notice: Notice) -> Notice:
    """Publish as the lead, confirming whatever readiness items are open (recorded)."""
    from breachdesk.notices import readiness

    keys = [i.key for i in readiness.open_items(readiness.readiness_evaluate(incident=world.incident))]
    return services.notice_publish(notice=notice, actor=world.lead, confirm_open=keys, reason="test")


@pytest.fixture
def published(world: World, pr: Any) -> Notice:
    return publish(world, approved_notice(world, pr))
