"""Share the security suite's fixtures: a PR member, a published notice page, and an empty cache."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from breachdesk.core.roles import Role
from breachdesk.incidents import services as incident_services
from breachdesk.testing.factories import UserFactory
from breachdesk.testing.fixtures import World


@pytest.fixture(autouse=True)
def _clean_cache() -> Iterator[None]:
    """Start every test with an empty cache: public pages and counters would otherwise outlive the test database."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def pr(world: World) -> Any:
    user: Any = UserFactory(username="pr")
    incident_services.membership_add(incident=world.incident, actor=world.lead, user=user, role=Role.PR)
    return user


@pytest.fixture
def published(world: World, pr: Any) -> Any:
    """Publish a first notice of ``incident``, which opens its public page and self-check."""
    from breachdesk.notices import readiness, services

    notice = services.notice_create(
        incident=world.incident, actor=pr, title="第1報 お知らせ", body="## 概要\n不正アクセスが判明しました。"
    )
    notice = services.notice_approve(notice=notice, actor=world.reviewer_client)
    keys = [i.key for i in readiness.open_items(readiness.readiness_evaluate(incident=world.incident))]
    return services.notice_publish(notice=notice, actor=world.lead, confirm_open=keys, reason="security suite")


def csrf_post(path: str, data: dict[str, str], *, ip: str = "192.0.2.10", client: Client | None = None) -> Any:
    """POST ``data`` to ``path`` the way a browser does: GET the form first, then send its CSRF token."""
    client = client or Client(enforce_csrf_checks=True)
    client.get(path, REMOTE_ADDR=ip)
    token = client.cookies["csrftoken"].value
    return client.post(path, {"csrfmiddlewaretoken": token, **data}, REMOTE_ADDR=ip)
