"""The send loop makes messages ahead in small pieces, and only while the relay has not answered (real sink)."""

from __future__ import annotations

from typing import Any

import pytest

from breachdesk.campaigns import worker
from breachdesk.campaigns.claimed import ClaimedBatch
from breachdesk.campaigns.models import Delivery
from breachdesk.campaigns.tests.conftest import FakeClock, Team
from breachdesk.campaigns.tests.test_worker import started_for, statuses
from breachdesk.campaigns.transports.base import Handover, Outcome, Staged
from breachdesk.campaigns.transports.email import (
    PREPARE_FETCH,
    PREPARE_FIRST,
    PREPARE_IDLE_LEAD,
    PREPARE_LEAD,
    EmailTransport,
)
from breachdesk.testing.smtp import SmtpSink


@pytest.mark.django_db
def test_idle_pieces_make_one_message_or_one_look_up_each_up_to_the_idle_lead(
    team: Team, add_person: Any, smtp_sink: SmtpSink
) -> None:
    campaign = started_for(team, add_person, PREPARE_IDLE_LEAD + 10)
    ids = Delivery.objects.filter(campaign=campaign).values_list("id", flat=True)
    transport = EmailTransport(campaign=campaign)
    transport.prepare(ClaimedBatch(ids, campaign))
    assert len(transport._prepared) == PREPARE_FIRST

    builds = PREPARE_IDLE_LEAD - PREPARE_FIRST
    pieces = 0
    while transport.prepare_ahead(idle=True):
        pieces += 1
    # One message made per piece, and the registry asked once per PREPARE_FETCH made (and for the last few).
    assert pieces == builds + -(-builds // PREPARE_FETCH)
    assert len(transport._prepared) == PREPARE_IDLE_LEAD
    assert transport._unfetched == []
    # Enough is made: a message on the wire asks for nothing more.
    assert PREPARE_IDLE_LEAD > PREPARE_LEAD
    assert transport.prepare_ahead() is False
    transport.close()


class _SlowToAnswer:
    """A hand-over whose answer is reported as not in yet the first ``polls`` times it is asked, then as in (its
    ``result`` still waits for the relay)."""

    def __init__(self, real: Handover, polls: int) -> None:
        self.real = real
        self.polls = polls

    def answered(self) -> bool:
        if self.polls:
            self.polls -= 1
            return False
        return True

    def result(self) -> Outcome:
        return self.real.result()


@pytest.mark.django_db
def test_the_loop_makes_messages_ahead_only_while_the_relay_has_not_answered(
    team: Team, add_person: Any, smtp_sink: SmtpSink, clock: FakeClock
) -> None:
    people = 40
    campaign = started_for(team, add_person, people)
    idle_pieces: list[int] = []

    class Watched(EmailTransport):
        pieces = 0

        def hand_over(self, staged: Staged) -> Handover:
            idle_pieces.append(self.pieces)
            self.pieces = 0
            return _SlowToAnswer(super().hand_over(staged), polls=2)

        def prepare_ahead(self, *, idle: bool = False) -> bool:
            did = super().prepare_ahead(idle=idle)
            self.pieces += int(idle)
            return did

    worker.campaign_work(campaign_id=campaign.pk, clock=clock, transport_factory=lambda c: Watched(campaign=c))
    assert statuses(campaign) == {"sent": people}
    assert len({m["To"] for m in smtp_sink.messages}) == people
    # Between two hand-overs: one piece per poll that said "not yet" (fewer once nothing is left to make), and none
    # once the answer was in.
    assert max(idle_pieces) == 2
    assert idle_pieces.count(2) >= 10
