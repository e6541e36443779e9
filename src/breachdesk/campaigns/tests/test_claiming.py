"""Claims take late retries first, then pending rows in id order, each from the queue index."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from breachdesk.campaigns import lock_objects, worker
from breachdesk.campaigns.models import Delivery, DeliveryChannel, DeliveryStatus
from breachdesk.campaigns.tests.conftest import FakeClock, Team
from breachdesk.campaigns.tests.test_worker import started_for

S = DeliveryStatus


@pytest.mark.django_db
def test_a_claim_takes_due_retries_first_then_pending_rows_in_order(
    team: Team, add_person: Any, clock: FakeClock
) -> None:
    campaign = started_for(team, add_person, 10)
    ids = list(Delivery.objects.filter(campaign=campaign).order_by("id").values_list("id", flat=True))
    now = clock.now()
    Delivery.objects.filter(pk__in=[ids[3], ids[7]]).update(
        status=S.FAILED_TEMPORARY, next_attempt_at=now - timedelta(minutes=1), attempts=1
    )
    Delivery.objects.filter(pk=ids[5]).update(
        status=S.FAILED_TEMPORARY, next_attempt_at=now + timedelta(minutes=5), attempts=1
    )
    Delivery.objects.filter(pk=ids[0]).update(status=S.SENT)

    first = worker.deliveries_claim(
        campaign_id=campaign.pk, channel=DeliveryChannel.EMAIL, worker="w1", limit=4, now=now
    )
    assert first == [ids[3], ids[7], ids[1], ids[2]]
    second = worker.deliveries_claim(
        campaign_id=campaign.pk, channel=DeliveryChannel.EMAIL, worker="w2", limit=10, now=now
    )
    assert second == [ids[4], ids[6], ids[8], ids[9]]  # the retry not due yet (ids[5]) waits
    assert set(Delivery.objects.filter(claimed_by="w1").values_list("id", flat=True)) == set(first)
    assert not lock_objects.deliveries_claimable_exist(campaign_id=campaign.pk, channel=DeliveryChannel.EMAIL, now=now)
    assert lock_objects.deliveries_claimable_exist(
        campaign_id=campaign.pk, channel=DeliveryChannel.EMAIL, now=now + timedelta(minutes=6)
    )
