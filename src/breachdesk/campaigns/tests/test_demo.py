"""The demo adds an approved Japanese notice and an approved, not started, campaign, and is idempotent."""

from __future__ import annotations

from typing import Any

import pytest

from breachdesk.campaigns import demo
from breachdesk.campaigns.models import Campaign, CampaignStatus
from breachdesk.core.roles import Role
from breachdesk.incidents import services
from breachdesk.testing.factories import UserFactory, incident_create


@pytest.mark.django_db
def test_the_demo_leaves_an_approved_campaign_waiting_for_the_lead() -> None:
    lead: Any = UserFactory(username="lead")
    incident = incident_create(lead=lead, code="oco-2026")
    for username, role in (("pr", Role.PR), ("legal", Role.REVIEWER)):
        services.membership_add(incident=incident, actor=lead, user=_user(username), role=role)
    logs: list[str] = []
    demo.build(log=logs.append)
    demo.build(log=logs.append)
    campaign = Campaign.objects.get(incident=incident)
    assert campaign.status == CampaignStatus.APPROVED
    assert campaign.template_version is not None
    assert campaign.template_version.approved_by.username == "legal"  # type: ignore[union-attr]
    for heading in ("1. 概要", "2. 漏えいしたおそれのある", "3. 原因", "4. 二次被害", "5. その他"):
        assert heading in campaign.template_version.body_text
    assert logs[-1] == "demo: the campaigns are already loaded"


def _user(username: str) -> Any:
    return UserFactory(username=username)
