"""The send loop makes messages ahead in small pieces, and claims the next batch, only while the relay has not answered
(real sink)."""

from __future__ import annotations

from typing import Any

import pytest

from breachdesk.campaigns import worker
from breachdesk.campaigns.claimed import ClaimedBatch
from breachdesk.campaigns.models import Delivery, DeliveryStatus
from breachdesk.campaigns.tests.conftest import FakeClock, Team
from breachdesk.campaigns.tests.test_worker import started_for, statuses
from breachdesk.campaigns.transports.base import Done, Handover, Outcome, Staged
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
    # One message made per piece, and the registry asked once per PREPARE_FETCH made (a group not yet whole waits).
    assert pieces == builds + builds // PREPARE_FETCH
    assert len(transport._prepared) == PREPARE_IDLE_LEAD
    assert len(transport._unfetched) == builds % PREPARE_FETCH
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


class _ClaimsWatched:
    """Record, at each claim, how many rows this campaign already had claimed (rows of a batch not yet sent)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, campaign_id: int) -> None:
        self.claimed_before: list[int] = []
        self.limits: list[int] = []
        real = worker.deliveries_claim

        def claim(**kwargs: Any) -> list[int]:
            held = Delivery.objects.filter(campaign_id=campaign_id, status=DeliveryStatus.CLAIMED).count()
            self.claimed_before.append(held)
            self.limits.append(kwargs["limit"])
            return real(**kwargs)

        monkeypatch.setattr(worker, "deliveries_claim", claim)


def _slow_transport(blocked_at: int | None = None) -> type[EmailTransport]:
    class Slow(EmailTransport):
        handed = 0

        def hand_over(self, staged: Staged) -> Handover:
            self.handed += 1
            if blocked_at is not None and self.handed == blocked_at:
                return Done(Outcome.guard_blocked(["guard.test"]))
            return _SlowToAnswer(super().hand_over(staged), polls=2)

    return Slow


@pytest.mark.django_db
@pytest.mark.parametrize(("people", "batch"), [(60, 20), (130, 60)])
def test_the_next_batch_is_claimed_while_the_last_messages_of_a_batch_are_on_the_wire(
    team: Team,
    add_person: Any,
    smtp_sink: SmtpSink,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    people: int,
    batch: int,
) -> None:
    campaign = started_for(team, add_person, people)
    claims = _ClaimsWatched(monkeypatch, campaign.pk)
    transport = _slow_transport()
    report = worker.campaign_work(
        campaign_id=campaign.pk, clock=clock, batch_size=batch, transport_factory=lambda c: transport(campaign=c)
    )
    assert statuses(campaign) == {"sent": people}
    assert len({m["To"] for m in smtp_sink.messages}) == people
    assert report.stopped == "empty"
    # The first claim found nothing claimed; the next ones were made while a batch still had rows to send, a chunk
    # at a time.
    assert claims.claimed_before[0] == 0
    ahead = [limit for held, limit in zip(claims.claimed_before, claims.limits, strict=True) if held]
    assert len(ahead) >= 2
    assert max(ahead) <= worker.CLAIM_AHEAD_CHUNK
    assert not Delivery.objects.filter(campaign=campaign, claimed_by__gt="").exclude(status=DeliveryStatus.SENT)


@pytest.mark.django_db
def test_a_batch_claimed_ahead_goes_back_to_the_queue_when_the_loop_stops(
    team: Team, add_person: Any, smtp_sink: SmtpSink, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    people, batch = 60, 20
    campaign = started_for(team, add_person, people)
    claims = _ClaimsWatched(monkeypatch, campaign.pk)
    transport = _slow_transport(blocked_at=batch - 2)  # a guard block near the end of the first batch
    report = worker.campaign_work(
        campaign_id=campaign.pk, clock=clock, batch_size=batch, transport_factory=lambda c: transport(campaign=c)
    )
    assert report.stopped == "blocked"
    assert len(claims.claimed_before) == 2  # the first batch, and the next one claimed ahead
    assert claims.claimed_before[1] > 0
    # Nothing stays claimed: the batch claimed ahead and the first batch's rest are pending again, at once.
    assert not Delivery.objects.filter(campaign=campaign, status=DeliveryStatus.CLAIMED).exists()
    counts = statuses(campaign)
    assert counts["sent"] == batch - 3
    assert counts["pending"] == people - batch + 2
    assert len(smtp_sink.messages) == batch - 3


@pytest.mark.django_db
def test_a_relay_that_answers_at_once_still_gets_the_look_ups_asked_in_whole_groups(
    team: Team, add_person: Any, smtp_sink: SmtpSink, clock: FakeClock
) -> None:
    people = 64
    campaign = started_for(team, add_person, people)
    groups: list[int] = []

    class Eager(EmailTransport):
        def hand_over(self, staged: Staged) -> Handover:
            return _SlowToAnswer(super().hand_over(staged), polls=0)  # answered whenever asked: no idle pieces

        def _fetch(self) -> None:
            if self._unfetched:
                groups.append(len(self._unfetched))
            super()._fetch()

    worker.campaign_work(campaign_id=campaign.pk, clock=clock, transport_factory=lambda c: Eager(campaign=c))
    assert statuses(campaign) == {"sent": people}
    assert sum(groups) == people
    # Asked a group at a time (a question per message cost as much as one per group): whole groups but for the
    # batch's first (PREPARE_FIRST), a few while the lead builds up, and its end.
    assert groups.count(PREPARE_FETCH) >= people // PREPARE_FETCH - 3
    assert len(groups) <= people // PREPARE_FETCH + 6
