"""The audience: the item filter, registered exclusions, and the lead's legal-reason override."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from breachdesk.campaigns import audience, services
from breachdesk.campaigns.models import Delivery
from breachdesk.campaigns.tests.conftest import Team, affected_only_new, make_campaign, make_template
from breachdesk.core import extensions
from breachdesk.core.models import TimelineEvent


@pytest.fixture
def deleted() -> Iterator[set[int]]:
    ids: set[int] = set()
    # A test-only key: the real exclusions registered by the desk stay in place for the tests after this one.
    rule = extensions.AudienceRule("test_deleted", lambda incident: ids, label="Deletion completed")
    with extensions.audience_rules.replaced([rule]):
        yield ids


@pytest.mark.django_db
def test_people_whose_deletion_completed_are_left_out_unless_the_lead_records_a_reason(
    team: Team, add_person: Any, deleted: set[int]
) -> None:
    affected_only_new(team.world)
    kept, gone = add_person(), add_person()
    deleted.add(gone.pk)
    template = make_template(team)
    campaign = make_campaign(team, template)
    assert audience.audience_count(campaign=campaign) == 1
    with pytest.raises(services.RoleRefused):
        services.campaign_legal_reason_set(campaign=campaign, actor=team.pr, include_deleted=True, reason="x")
    with pytest.raises(services.ValidationFailed):
        services.campaign_legal_reason_set(campaign=campaign, actor=team.lead, include_deleted=True, reason=" ")
    campaign = services.campaign_legal_reason_set(
        campaign=campaign, actor=team.lead, include_deleted=True, reason="APPI Art. 26(2): the notice is owed."
    )
    assert campaign.status == "draft"  # the decision voids the approval
    campaign = services.campaign_approve(campaign=campaign, actor=team.reviewer)
    campaign = services.campaign_start(campaign=campaign, actor=team.lead)
    assert set(Delivery.objects.filter(campaign=campaign).values_list("person_id", flat=True)) == {kept.pk, gone.pk}
    started = TimelineEvent.objects.filter(kind="campaign.started").latest("seq")
    assert started.data["include_deleted"] is True
    assert started.data["audience"] == 2


@pytest.mark.django_db
def test_the_item_filter_selects_people_with_any_of_the_items(team: Team, add_person: Any) -> None:
    affected_only_new(team.world)
    card = add_person(items=["name", "card_number"])
    add_person(items=["name", "email"])
    template = make_template(team)
    campaign = make_campaign(team, template, audience={"items_any": ["card_number"]})
    people, _ = audience.audience_ids(campaign=campaign)
    assert [pk for pk, _has_email in people] == [card.pk]
    with pytest.raises(services.ValidationFailed):
        audience.audience_clean({"items_any": ["shoe_size"]})
