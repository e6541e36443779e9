"""Provide the personas every test module shares, and the switches for tests that need real services.

Personas (DESIGN.md §6):
- ``lead``: the owner of ``incident``;
- ``responder``: a desk member of ``incident``;
- ``reviewer_client``: the client's legal reviewer, a member of ``incident`` only;
- ``outsider``: a real, active user who leads ``other_incident`` and must see nothing of ``incident``.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from breachdesk.core.roles import Role
from breachdesk.incidents import services
from breachdesk.incidents.models import Incident, Membership, Stakeholder, Task
from breachdesk.testing.factories import UserFactory, incident_create

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_tool(path_or_name: str, why: str) -> str:
    """Return the tool's path; skip the test locally, but fail it in CI, when the tool is missing."""
    found = shutil.which(path_or_name)
    if found is None:
        message = f"{path_or_name} is not installed ({why})"
        if IN_CI:
            pytest.fail(message + "; CI must install it (.ci/run)")
        pytest.skip(message)
    return found


@pytest.fixture(autouse=True)
def _password_only_login(settings: Any) -> None:
    """Let tests sign in with a password; the second-factor tests switch it back on."""
    settings.BREACHDESK_REQUIRE_2FA = False


@dataclass
class World:
    lead: Any
    responder: Any
    reviewer_client: Any
    outsider: Any
    incident: Incident
    other_incident: Incident
    task: Task
    stakeholder: Stakeholder
    member: Membership
    person: Any = None  # a registry person of ``incident``
    registry_job: Any = None  # a finished registry import job of ``incident``
    notice: Any = None  # a draft notice of ``incident``
    faq: Any = None  # a draft FAQ entry of ``incident``
    desk: Any = None  # the desk's sample ids of ``incident`` (inquiry, reply, block, deletion, attachment)
    campaign_ids: Any = None  # sample template, campaign, delivery and print batch ids of ``incident``
    cost_item: Any = None  # a cost item of ``incident``
    executive_report: Any = None  # a stored executive report of ``incident``

    def url_kwargs(self) -> dict[str, Any]:
        """Return a sample value of ``incident`` for every URL argument name the project uses."""
        return {
            "code": self.incident.code,
            "task_id": self.task.pk,
            "member_id": self.member.pk,
            "stakeholder_id": self.stakeholder.pk,
            "person_id": self.person.pk,
            "job_id": self.registry_job.pk,
            **(self.desk or {}),
            "notice_id": self.notice.pk,
            "faq_id": self.faq.pk,
            **(self.campaign_ids or {}),
            "cost_item_id": self.cost_item.pk,
            "report_id": self.executive_report.pk,
            "secret": "not-a-live-secret",  # public confirmation links: a wrong secret is a 404
        }


@pytest.fixture
def world(db: Any) -> World:
    lead: Any = UserFactory(username="lead", is_staff=True)
    responder: Any = UserFactory(username="responder")
    reviewer_client: Any = UserFactory(username="reviewer_client")
    outsider: Any = UserFactory(username="outsider")
    incident = incident_create(lead=lead, code="case-1")
    services.membership_add(incident=incident, actor=lead, user=responder, role=Role.RESPONDER)
    member = services.membership_add(
        incident=incident,
        actor=lead,
        user=reviewer_client,
        role=Role.REVIEWER,
        organisation="Client K.K. Legal",
    )
    other = incident_create(lead=outsider, code="case-2")
    stakeholder = services.stakeholder_create(incident=incident, actor=lead, kind="police", name="Metropolitan Police")
    task = Task.objects.filter(incident=incident).first()
    assert task is not None
    world = World(lead, responder, reviewer_client, outsider, incident, other, task, stakeholder, member)
    from breachdesk.registry.testing import sample_registry

    world.person, world.registry_job = sample_registry(incident=incident, actor=lead)
    from breachdesk.inquiries.testing import sample_desk

    world.desk = sample_desk(incident=incident, lead=lead, responder=responder)
    from breachdesk.notices.testing import sample_notices

    world.notice, world.faq = sample_notices(incident=incident, actor=lead)
    from breachdesk.campaigns.testing import sample_campaign

    world.campaign_ids = sample_campaign(incident=incident, author=lead, approver=reviewer_client, person=world.person)
    from breachdesk.costs.testing import sample_costs

    world.cost_item, world.executive_report = sample_costs(incident=incident, actor=lead)
    return world


def client_for(user: Any, *, language: str | None = None) -> Client:
    """Return a client signed in as ``user``; ``language="en"`` reads the pages in English instead of Japanese."""
    client = Client()
    client.force_login(user)
    if language is not None:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def lead_client(world: World) -> Client:
    return client_for(world.lead)


@pytest.fixture
def responder_client(world: World) -> Client:
    return client_for(world.responder)


@pytest.fixture
def reviewer_client_client(world: World) -> Client:
    return client_for(world.reviewer_client)


@pytest.fixture
def outsider_client(world: World) -> Client:
    return client_for(world.outsider)


@pytest.fixture
def chromium_path() -> str:
    return require_tool("/usr/bin/chromium", "headless browser tests")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Launch the system Chromium (Debian package); Playwright never downloads a browser here.

    Playwright's event loop then lives in the main thread until the session ends, so every later database flush
    and ORM call in this thread would count as "async" to Django: allow them for the rest of the session (DESIGN.md
    §1), not only inside the browser modules, so that running one app's tests alone behaves like the whole suite.
    """
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "1"
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """Browse as a Japanese user would: the desk follows Accept-Language until someone switches."""
    return {
        **browser_context_args,
        "locale": "ja-JP",
        "timezone_id": "Asia/Tokyo",
        "viewport": {"width": 1280, "height": 900},
    }
