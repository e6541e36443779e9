"""People whose deletion was completed get no ordinary campaign mail; a notice the law requires still reaches them
unless the lead records a reason on the deletion request."""

from __future__ import annotations

import pytest
from django.utils import timezone

from breachdesk.campaigns.audience import audience_ids
from breachdesk.campaigns.models import Campaign
from breachdesk.inquiries.models import DeletionRequest, DeletionStatus, Inquiry
from breachdesk.registry import services as registry
from breachdesk.testing.fixtures import World


@pytest.mark.django_db
def test_completed_deletions_leave_the_audience_and_the_lead_decides_legal_exceptions(world: World) -> None:
    deleted = registry.person_create(
        incident=world.incident,
        actor=world.lead,
        member_id="D-1",
        name="削除 花子",
        email="deleted@example.jp",
        affected=True,
        items=["name", "email"],
    )
    cleared = registry.person_create(
        incident=world.incident,
        actor=world.lead,
        member_id="D-2",
        name="削除 次郎",
        email="cleared@example.jp",
        affected=True,
        items=["name", "email"],
    )
    inquiry = Inquiry.objects.filter(incident=world.incident).first()
    assert inquiry is not None
    now = timezone.now()
    DeletionRequest.objects.create(
        incident=world.incident, inquiry=inquiry, person=deleted, status=DeletionStatus.DONE, completed_at=now
    )
    DeletionRequest.objects.create(
        incident=world.incident,
        inquiry=inquiry,
        person=cleared,
        status=DeletionStatus.DONE,
        completed_at=now,
        legal_notices_allowed=True,
        decided_by=world.lead,
        decided_at=now,
    )
    campaign = Campaign.objects.get(incident=world.incident)
    campaign.audience = {"affected_only": True}
    campaign.include_deleted = False
    people, counts = audience_ids(campaign=campaign)
    ids = {pk for pk, _email in people}
    assert deleted.pk not in ids
    assert cleared.pk not in ids
    assert counts["deletion_completed"] == 2

    campaign.include_deleted = True  # the lead recorded a legal reason for a notice the law requires
    people, counts = audience_ids(campaign=campaign)
    ids = {pk for pk, _email in people}
    assert cleared.pk in ids
    assert deleted.pk in ids  # completing a deletion never removes anyone from a legally required notice
    assert not any(counts.values())
    DeletionRequest.objects.filter(person=deleted).update(
        decided_by=world.lead, decided_at=now, legal_notices_allowed=False, decision_note="本人が拒否"
    )
    people, counts = audience_ids(campaign=campaign)
    ids = {pk for pk, _email in people}
    assert deleted.pk not in ids  # only with the lead's recorded reason
    assert counts == {"deletion_completed_not_cleared": 1}
