"""The queue end to end against a real SMTP sink: exactly one notice per person, counts that add up, crash recovery,
retries, permanent refusals with postal fallback, and the guard stopping a planted address."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from breachdesk.campaigns import recovery, services, worker
from breachdesk.campaigns.claimed import FIRST_CHUNK, ClaimedBatch
from breachdesk.campaigns.models import (
    Campaign,
    CampaignStatus,
    Channel,
    Delivery,
    DeliveryChannel,
    DeliveryEvent,
    DeliveryStatus,
)
from breachdesk.campaigns.selectors import campaign_counts
from breachdesk.campaigns.tests.conftest import (
    FakeClock,
    Team,
    affected_only_new,
    make_campaign,
    make_template,
)
from breachdesk.campaigns.transports.base import Done, Outcome, Transport
from breachdesk.campaigns.transports.email import PREPARE_FIRST, PREPARE_LEAD, EmailTransport
from breachdesk.core.models import TimelineEvent
from breachdesk.testing.smtp import SmtpSink

S = DeliveryStatus


def started(team: Team, *, channel: str = Channel.EMAIL, body: str | None = None, **options: Any) -> Campaign:
    template = make_template(team, body=body) if body else make_template(team)
    campaign = make_campaign(team, template, channel=channel, **options)
    return services.campaign_start(campaign=campaign, actor=team.lead)


def started_for(team: Team, add_person: Any, people: int, **options: Any) -> Campaign:
    """Start an approved campaign to ``people`` new affected people, and nobody else."""
    affected_only_new(team.world)
    for _ in range(people):
        add_person()
    return started(team, **options)


def statuses(campaign: Campaign) -> dict[str, int]:
    counts = campaign_counts(campaign=campaign)
    return {k: v for k, v in counts.primary.items() if v}


@pytest.mark.django_db
def test_a_campaign_sends_one_notice_to_each_person_and_finishes(
    team: Team, add_person: Any, smtp_sink: SmtpSink, clock: FakeClock
) -> None:
    affected_only_new(team.world)
    people = [add_person() for _ in range(5)]
    campaign = started(team)
    report = worker.campaign_work(campaign_id=campaign.pk, clock=clock, batch_size=2)
    assert report.outcomes == {"sent": 5}
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FINISHED
    assert sorted(rcpt[0] for _sender, rcpt in smtp_sink.envelopes) == sorted(p.email for p in people)
    counts = campaign_counts(campaign=campaign)
    assert counts.adds_up
    assert counts.primary == {"sent": 5}
    message = smtp_sink.messages[0]
    assert message["Message-ID"].startswith(f"<c{campaign.pk}.d")
    assert message["List-Unsubscribe"] is None
    body = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    person = next(p for p in people if p.email == message["To"])
    assert f"{person.name} 様" in body
    assert "氏名、メールアドレス、住所" in body
    # Every delivery went pending → claimed → sending → sent, and the timeline holds summaries, not one event each.
    for delivery in Delivery.objects.filter(campaign=campaign):
        path = list(delivery.events.order_by("id").values_list("to_status", flat=True))
        assert path == [S.CLAIMED, S.SENDING, S.SENT]
    kinds = list(TimelineEvent.objects.filter(incident=campaign.incident).values_list("kind", flat=True))
    assert kinds.count("campaign.deliveries_processed") == 1
    assert "campaign.finished" in kinds


@pytest.mark.django_db
def test_a_campaign_cannot_start_without_a_second_persons_approval(team: Team, add_person: Any) -> None:
    add_person()
    template = make_template(team, approve=False)
    campaign = make_campaign(team, template, approve=False)
    with pytest.raises(services.NotApproved):
        services.campaign_approve(campaign=campaign, actor=team.reviewer)
    with pytest.raises(services.RoleRefused):
        services.template_approve(template=template, actor=team.pr, version_number=1)
    own = services.template_create(
        incident=template.incident, actor=team.lead, name="own", subject="件名", body_text="{{ person.name }} 様"
    )
    with pytest.raises(services.SelfApproval):
        services.template_approve(template=own, actor=team.lead, version_number=1)
    services.template_approve(template=template, actor=team.reviewer, version_number=1)
    with pytest.raises(services.RoleRefused):
        services.campaign_approve(campaign=campaign, actor=team.pr)
    with pytest.raises(services.NotApproved):
        services.campaign_start(campaign=campaign, actor=team.lead)
    campaign = services.campaign_approve(campaign=campaign, actor=team.lead)
    with pytest.raises(services.RoleRefused):
        services.campaign_start(campaign=campaign, actor=team.pr)
    # Editing the template voids its approval and sends the approved campaign back to draft.
    services.template_edit(template=template, actor=team.pr, subject="件名", body_text="{{ person.name }} 様")
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT
    assert campaign.template_version is None
    with pytest.raises(services.NotApproved):
        services.campaign_start(campaign=campaign, actor=team.lead)


@pytest.mark.django_db
def test_a_worker_crash_leaves_uncertain_rows_that_are_never_resent(
    team: Team, add_person: Any, smtp_sink: SmtpSink, clock: FakeClock
) -> None:
    campaign = started_for(team, add_person, 6)

    class Died(BaseException):
        """Stand for the process being killed in the middle of a send."""

    class DyingTransport(EmailTransport):
        sent = 0

        def hand_over(self, staged: Any) -> Any:
            if self.sent == 2:
                raise Died
            self.sent += 1
            return super().hand_over(staged)

    with pytest.raises(Died):
        worker.campaign_work(
            campaign_id=campaign.pk, clock=clock, batch_size=4, transport_factory=lambda c: DyingTransport(campaign=c)
        )
    # A killed worker leaves its in-flight row in ``sending`` and the rest of its batch ``claimed``.
    assert statuses(campaign) == {"sent": 2, "sending": 1, "claimed": 1, "pending": 2}
    clock.at += timedelta(hours=1)
    assert recovery.deliveries_recover(now=clock.now()) == {campaign.pk: (1, 1)}
    worker.campaign_work(campaign_id=campaign.pk, clock=clock)
    assert statuses(campaign) == {"sent": 5, "uncertain": 1}
    assert len(smtp_sink.messages) == 5
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.RUNNING  # not finished: a person must settle the uncertain one
    uncertain = Delivery.objects.get(campaign=campaign, status=S.UNCERTAIN)
    services.delivery_review(delivery=uncertain, actor=team.lead, action="mark_sent", reason="The relay log shows 250.")
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FINISHED
    assert uncertain.events.filter(to_status=S.SENT, actor=team.lead).exists()


@pytest.mark.django_db
def test_a_permanent_refusal_fails_for_good_and_falls_back_to_a_letter(
    team: Team, add_person: Any, smtp_sink: SmtpSink, clock: FakeClock
) -> None:
    affected_only_new(team.world)
    refused = add_person(email="gone@example.jp")
    add_person()
    no_email = add_person(email=None)
    smtp_sink.refuse.add("gone@example.jp")
    campaign = started(team, channel=Channel.EMAIL_POSTAL_FALLBACK)
    worker.campaign_work(campaign_id=campaign.pk, clock=clock)
    email = Delivery.objects.get(campaign=campaign, person=refused, channel=DeliveryChannel.EMAIL)
    assert email.status == S.FAILED_PERMANENT
    assert email.last_error == "smtp.550"
    assert Delivery.objects.get(campaign=campaign, person=refused, channel=DeliveryChannel.POSTAL).fallback_of == email
    assert Delivery.objects.get(campaign=campaign, person=no_email).channel == DeliveryChannel.POSTAL
    counts = campaign_counts(campaign=campaign)
    assert counts.adds_up
    assert counts.primary == {"sent": 1, "failed_permanent": 1, "pending": 1}
    assert counts.fallback == {"pending": 1}
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.RUNNING  # letters still owed


@pytest.mark.django_db
def test_a_temporary_failure_retries_with_backoff_up_to_the_limit(
    team: Team, add_person: Any, smtp_sink: SmtpSink, clock: FakeClock
) -> None:
    affected_only_new(team.world)
    add_person()
    campaign = started(team, max_attempts=2)

    class Busy(Transport):
        def notify(self, delivery: Delivery) -> Any:
            from breachdesk.campaigns.transports.base import Outcome

            return Outcome.temporary("smtp.451")

    worker.campaign_work(campaign_id=campaign.pk, clock=clock, transport_factory=lambda c: Busy())
    delivery = Delivery.objects.get(campaign=campaign)
    assert delivery.status == S.FAILED_TEMPORARY
    assert delivery.next_attempt_at == clock.now() + timedelta(minutes=1)
    worker.campaign_work(campaign_id=campaign.pk, clock=clock, transport_factory=lambda c: Busy())
    assert Delivery.objects.get(pk=delivery.pk).status == S.FAILED_TEMPORARY  # backoff not over: not claimed
    clock.at += timedelta(minutes=2)
    worker.campaign_work(campaign_id=campaign.pk, clock=clock, transport_factory=lambda c: Busy())
    delivery.refresh_from_db()
    assert delivery.status == S.FAILED_PERMANENT
    assert delivery.last_error.startswith("campaigns.retries_exhausted")
    assert delivery.attempts == 2


@pytest.mark.django_db
def test_the_guard_blocks_a_template_that_plants_another_persons_address_and_pauses(
    team: Team, add_person: Any, smtp_sink: SmtpSink, clock: FakeClock
) -> None:
    affected_only_new(team.world)
    add_person()
    add_person()
    other = add_person(email="victim@example.jp", affected=False, items=[])
    assert not other.affected
    campaign = started(team, body="{{ person.name }} 様\n参考：victim@example.jp\n")
    report = worker.campaign_work(campaign_id=campaign.pk, clock=clock)
    assert report.blocked == 1
    assert smtp_sink.messages == []
    blocked = Delivery.objects.get(campaign=campaign, status=S.FAILED_PERMANENT)
    assert "guard.other_person_data" in blocked.last_error
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.PAUSED
    assert statuses(campaign) == {"failed_permanent": 1, "pending": 1}


@pytest.mark.django_db
def test_the_throttle_spaces_batches_across_seconds(
    team: Team, add_person: Any, smtp_sink: SmtpSink, clock: FakeClock
) -> None:
    campaign = started_for(team, add_person, 7, throttle_per_second=3)
    start = clock.now()
    worker.campaign_work(campaign_id=campaign.pk, clock=clock, batch_size=10)
    assert len(smtp_sink.messages) == 7
    # A bucket of one second's worth: 3 go at once, the other 4 need at least 4/3 s more at 3 per second.
    assert (clock.now() - start).total_seconds() >= 4 / 3 - 1e-3
    sent_at = [at for at in Delivery.objects.filter(campaign=campaign).values_list("sent_at", flat=True) if at]
    assert sum(1 for at in sent_at if at == start) == 3


@pytest.mark.django_db
def test_pause_stops_the_worker_and_cancel_closes_every_delivery(
    team: Team, add_person: Any, smtp_sink: SmtpSink, clock: FakeClock
) -> None:
    campaign = started_for(team, add_person, 4)
    services.campaign_pause(campaign=campaign, actor=team.pr, reason="wording")
    report = worker.campaign_work(campaign_id=campaign.pk, clock=clock)
    assert report.stopped == CampaignStatus.PAUSED
    assert smtp_sink.messages == []
    services.campaign_resume(campaign=campaign, actor=team.lead)
    worker.campaign_work(campaign_id=campaign.pk, clock=clock, max_deliveries=1)
    services.campaign_cancel(campaign=campaign, actor=team.lead, reason="superseded")
    assert statuses(campaign) == {"sent": 1, "cancelled": 3}
    assert DeliveryEvent.objects.filter(to_status=S.CANCELLED, reason="superseded").count() == 3


@pytest.mark.django_db
def test_a_bounce_by_message_id_marks_the_delivery_and_queues_a_letter(
    team: Team, add_person: Any, smtp_sink: SmtpSink, clock: FakeClock
) -> None:
    affected_only_new(team.world)
    person = add_person()
    campaign = started(team, channel=Channel.EMAIL_POSTAL_FALLBACK)
    worker.campaign_work(campaign_id=campaign.pk, clock=clock)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FINISHED
    message_id = smtp_sink.messages[0]["Message-ID"]
    delivery = services.delivery_bounce(incident=campaign.incident, message_id=message_id, actor="cli", reason="5.1.1")
    assert delivery.status == S.BOUNCED
    assert Delivery.objects.filter(campaign=campaign, person=person, channel=DeliveryChannel.POSTAL).exists()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.RUNNING  # reopened: a letter is owed


@pytest.mark.django_db
def test_test_sends_go_only_to_member_addresses(team: Team, smtp_sink: SmtpSink) -> None:
    template = make_template(team, approve=False)
    with pytest.raises(services.NotInternal):
        services.template_test_send(template=template, actor=team.pr, to=["someone@example.com"])
    assert services.template_test_send(template=template, actor=team.pr, to=[team.pr.email]) == 1
    assert str(smtp_sink.messages[0]["Subject"]).strip().startswith("【テスト送信】")
    assert "見本 太郎 様" in smtp_sink.messages[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_workers_never_send_a_delivery_twice_on_postgresql(
    team: Team, add_person: Any, smtp_sink: SmtpSink
) -> None:
    import threading

    from django.db import connections

    campaign = started_for(team, add_person, 40, throttle_per_second=100000)
    errors: list[BaseException] = []

    def run(name: str) -> None:
        try:
            worker.campaign_work(campaign_id=campaign.pk, worker=name, batch_size=3)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(f"w{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(smtp_sink.messages) == 40
    assert len({m["To"] for m in smtp_sink.messages}) == 40
    assert DeliveryEvent.objects.filter(delivery__campaign=campaign, to_status=S.SENT).count() == 40
    workers = set(
        DeliveryEvent.objects.filter(delivery__campaign=campaign, to_status=S.SENT).values_list(
            "actor_label", flat=True
        )
    )
    assert workers == {"w0", "w1"}
    assert campaign_counts(campaign=campaign).primary == {"sent": 40}


@pytest.mark.django_db
def test_one_commit_per_message_keeps_a_single_row_in_sending_and_records_each_before_the_next_goes(
    team: Team, add_person: Any, smtp_sink: SmtpSink, clock: FakeClock
) -> None:
    campaign = started_for(team, add_person, 5)
    seen: list[tuple[int, list[int], int]] = []

    class WatchingTransport(EmailTransport):
        def hand_over(self, staged: Any) -> Any:
            rows = Delivery.objects.filter(campaign=campaign)
            sending = list(rows.filter(status=S.SENDING).values_list("id", flat=True))
            seen.append((staged.delivery.pk, sending, rows.filter(status=S.SENT).count()))
            return super().hand_over(staged)

    worker.campaign_work(
        campaign_id=campaign.pk, clock=clock, batch_size=3, transport_factory=lambda c: WatchingTransport(campaign=c)
    )
    # When a message is handed over, it alone is ``sending``, and every message before it is recorded ``sent``.
    assert [sending for _pk, sending, _sent in seen] == [[pk] for pk, _sending, _sent in seen]
    assert [sent for _pk, _sending, sent in seen] == list(range(5))
    assert statuses(campaign) == {"sent": 5}
    assert len(smtp_sink.messages) == 5


@pytest.mark.django_db
def test_a_batch_renders_the_fixed_parts_once_and_each_persons_own_parts_for_them(team: Team, add_person: Any) -> None:
    from breachdesk.campaigns import sandbox
    from breachdesk.campaigns.rendering import NoticeRenderer, person_values, render_notice

    template = make_template(team, body="{{ person.name }} 様\n{{ desk.name }}")
    version = template.versions.get()
    version.subject = "{{ incident.organisation }}からのお知らせ"
    people = [person_values(add_person()) for _ in range(2)]
    assert not sandbox.names_person(version.subject)
    assert sandbox.names_person(version.body_text)
    renderer = NoticeRenderer(version=version, incident=team.world.incident, campaign=None)
    batch = [renderer.render(person=p, items=["氏名"]) for p in people]
    alone = [
        render_notice(version=version, incident=team.world.incident, campaign=None, person=p, items=["氏名"])
        for p in people
    ]
    assert batch == alone
    assert batch[0].subject == batch[1].subject
    assert batch[0].text != batch[1].text
    assert set(renderer._fixed) == {"subject"}


@pytest.mark.django_db
def test_a_message_begun_on_the_wire_but_not_handed_over_never_arrives(
    team: Team, add_person: Any, smtp_sink: SmtpSink, clock: FakeClock
) -> None:
    """The next message goes on the wire (all but its final dot) while the last one's outcome is collected; when that
    outcome stops the loop, the begun message is dropped at the relay and its row goes back to the queue."""
    campaign = started_for(team, add_person, 3)
    begun: list[int] = []

    class FirstBlocked(EmailTransport):
        """Refuse the first message at its hand-over (the outcome arrives while the second is already begun)."""

        def stage(self, delivery: Delivery, *, message_id: str) -> Any:
            begun.append(delivery.pk)
            return super().stage(delivery, message_id=message_id)

        def hand_over(self, staged: Any) -> Any:
            if len(begun) == 1:
                self.discard(staged)
                return Done(Outcome.guard_blocked(["guard.test"]))
            return super().hand_over(staged)

    report = worker.campaign_work(
        campaign_id=campaign.pk, clock=clock, transport_factory=lambda c: FirstBlocked(campaign=c)
    )
    assert report.blocked == 1
    # Before the block was known the second was begun on the wire, and the third made to follow it.
    assert len(begun) == 3
    assert smtp_sink.messages == []
    assert statuses(campaign) == {"failed_permanent": 1, "pending": 2}
    # The relay session is usable again: resumed, the campaign sends the rest, each once.
    services.campaign_resume(campaign=campaign, actor=team.lead)
    worker.campaign_work(campaign_id=campaign.pk, clock=clock)
    assert len(smtp_sink.messages) == 2
    assert statuses(campaign) == {"failed_permanent": 1, "sent": 2}


@pytest.mark.django_db
def test_a_hand_over_that_raises_leaves_one_uncertain_row_and_a_clean_session(
    team: Team, add_person: Any, smtp_sink: SmtpSink, clock: FakeClock
) -> None:
    """The begun message of a failed hand-over is dropped at the relay, so the next envelope never lands in its DATA."""
    campaign = started_for(team, add_person, 3)

    class BrokenOnce(EmailTransport):
        calls = 0

        def hand_over(self, staged: Any) -> Any:
            self.calls += 1
            if self.calls == 1:
                raise RuntimeError("the hand-over broke")
            return super().hand_over(staged)

    started_at = time.monotonic()
    worker.campaign_work(campaign_id=campaign.pk, clock=clock, transport_factory=lambda c: BrokenOnce(campaign=c))
    assert time.monotonic() - started_at < 10  # no wait for the relay's timeout on a poisoned session
    assert statuses(campaign) == {"sent": 2, "uncertain": 1}
    uncertain = Delivery.objects.get(campaign=campaign, status=S.UNCERTAIN)
    assert uncertain.last_error == "campaigns.transport_error"
    assert len(smtp_sink.messages) == 2
    assert uncertain.message_id not in {m["Message-ID"] for m in smtp_sink.messages}


@pytest.mark.django_db
def test_a_batch_is_built_a_few_messages_ahead_and_staging_never_asks_the_registry(
    team: Team, add_person: Any, smtp_sink: SmtpSink, clock: FakeClock
) -> None:
    """The relay does not wait for a whole batch to be rendered, and the guard's look-ups are still asked ahead."""
    campaign = started_for(team, add_person, PREPARE_LEAD + 20)
    built_before_the_first: list[int] = []
    registry_reads_while_staging: list[int] = []

    class Watched(EmailTransport):
        def prepare(self, deliveries: Sequence[Delivery | None]) -> None:
            super().prepare(deliveries)
            built_before_the_first.append(len(self._prepared))

        def stage(self, delivery: Delivery, *, message_id: str) -> Any:
            with CaptureQueriesContext(connection) as queries:
                staged = super().stage(delivery, message_id=message_id)
            registry_reads_while_staging.append(sum("registry_person" in q["sql"] for q in queries.captured_queries))
            return staged

    worker.campaign_work(campaign_id=campaign.pk, clock=clock, transport_factory=lambda c: Watched(campaign=c))
    assert built_before_the_first == [PREPARE_FIRST]
    assert registry_reads_while_staging == [0] * (PREPARE_LEAD + 20)
    assert statuses(campaign) == {"sent": PREPARE_LEAD + 20}
    assert len({m["To"] for m in smtp_sink.messages}) == PREPARE_LEAD + 20


@pytest.mark.django_db
def test_a_batch_reads_its_rows_a_few_at_a_time_while_messages_are_on_the_wire(
    team: Team, add_person: Any, smtp_sink: SmtpSink, clock: FakeClock
) -> None:
    """Before a batch's first message only its first rows are read; the rest are read between hand-overs."""
    campaign = started_for(team, add_person, 100)
    read_before_the_first: list[int] = []
    hand_overs_before_all_read: list[int] = []

    class Watched(EmailTransport):
        batch: ClaimedBatch | None = None
        handed = 0

        def prepare(self, deliveries: Sequence[Delivery | None]) -> None:
            assert isinstance(deliveries, ClaimedBatch)
            self.batch = deliveries
            read_before_the_first.append(deliveries.read)
            super().prepare(deliveries)

        def hand_over(self, staged: Any) -> Any:
            assert self.batch is not None
            if self.batch.read < len(self.batch):
                hand_overs_before_all_read.append(self.handed)
            self.handed += 1
            return super().hand_over(staged)

    worker.campaign_work(campaign_id=campaign.pk, clock=clock, transport_factory=lambda c: Watched(campaign=c))
    assert read_before_the_first == [FIRST_CHUNK]
    # The first messages went out before the batch was read through (the building is at most 40 ahead).
    assert len(hand_overs_before_all_read) >= 25
    assert statuses(campaign) == {"sent": 100}
    assert len({m["To"] for m in smtp_sink.messages}) == 100


@pytest.mark.django_db
def test_a_claimed_batch_reads_rows_in_order_and_a_row_gone_meanwhile_is_none(team: Team, add_person: Any) -> None:
    campaign = started_for(team, add_person, 20)
    ids = list(Delivery.objects.filter(campaign=campaign).order_by("id").values_list("id", flat=True))
    batch = ClaimedBatch(reversed(ids), campaign, first=3, chunk=5)
    assert (len(batch), batch.read) == (20, 3)
    Delivery.objects.filter(pk=ids[7]).delete()
    rows = list(batch)
    assert [r.pk if r else None for r in rows] == [*ids[:7], None, *ids[8:]]
    assert all(r.campaign is campaign and r.person.pk for r in rows if r)
    assert batch[-1] is rows[-1]
    assert batch[2:4] == rows[2:4]
    with pytest.raises(IndexError):
        batch[20]


@pytest.mark.django_db
def test_a_message_that_cannot_be_built_stops_the_batch_and_the_rest_go_back_to_the_queue(
    team: Team, add_person: Any, smtp_sink: SmtpSink, clock: FakeClock
) -> None:
    """A rendering bug is not a maybe-sent message: nobody is marked ``uncertain`` for it, and no row stays claimed."""
    campaign = started_for(team, add_person, PREPARE_LEAD + 10)
    broken = Delivery.objects.filter(campaign=campaign).order_by("id")[PREPARE_LEAD + 4].pk

    class BrokenBuild(EmailTransport):
        def build(self, delivery: Delivery) -> Any:
            if delivery.pk == broken:
                raise TypeError("a template bug")
            return super().build(delivery)

    with pytest.raises(TypeError):
        worker.campaign_work(campaign_id=campaign.pk, clock=clock, transport_factory=lambda c: BrokenBuild(campaign=c))
    counts = statuses(campaign)
    assert set(counts) == {"sent", "pending"}  # nothing uncertain, nothing left claimed or sending
    assert counts["sent"] == len(smtp_sink.messages)
    assert Delivery.objects.get(pk=broken).status == S.PENDING
    worker.campaign_work(campaign_id=campaign.pk, clock=clock)  # the bug fixed: the rest go out, each once
    assert statuses(campaign) == {"sent": PREPARE_LEAD + 10}
    assert len({m["To"] for m in smtp_sink.messages}) == PREPARE_LEAD + 10
