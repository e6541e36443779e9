"""The campaigns' progress reaches the executive summary as counts that match the deliveries."""

from __future__ import annotations

from typing import Any

import pytest

from breachdesk.campaigns import services, worker
from breachdesk.campaigns.tests.conftest import FakeClock, Team, affected_only_new, make_campaign, make_template
from breachdesk.costs.sources import metric
from breachdesk.testing.smtp import SmtpSink


@pytest.mark.django_db
def test_sent_and_refused_notices_show_in_the_summary_figures(
    team: Team, add_person: Any, smtp_sink: SmtpSink, clock: FakeClock
) -> None:
    affected_only_new(team.world)
    people = [add_person() for _ in range(3)]
    smtp_sink.refuse.add(people[0].email.lower())
    campaign = services.campaign_start(campaign=make_campaign(team, make_template(team)), actor=team.lead)
    worker.campaign_work(campaign_id=campaign.pk, clock=clock, batch_size=10)
    progress = metric("notification_progress", team.world.incident)
    assert progress["sent"] == 2
    assert progress["failed"] == 1
    assert metric("emails_sent", team.world.incident) == 2
    assert metric("letters_sent", team.world.incident) == 0
    series = metric("notification_progress_over_time", team.world.incident)
    assert series[-1]["sent"] == 2
    assert series[-1]["failed"] == 1
