"""Work of a dead worker is taken back without a person, a live worker's never; campaigns move without wake tasks."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from breachdesk.campaigns import duties as campaign_duties
from breachdesk.campaigns import services
from breachdesk.campaigns.models import CampaignStatus, Delivery, DeliveryStatus
from breachdesk.campaigns.tests.conftest import Team, affected_only_new, make_campaign, make_template
from breachdesk.core.tasks import timeline_verify
from breachdesk.inquiries.models import Acknowledgment, AckStatus
from breachdesk.testing.smtp import SmtpSink
from breachdesk.work import duties, reaper
from breachdesk.work.heartbeat import beat_register, host_id
from breachdesk.work.models import WorkerBeat

S = DeliveryStatus
pytestmark = pytest.mark.django_db


def _start(team: Team, people: int, add_person: Any) -> Any:
    affected_only_new(team.world)
    for _ in range(people):
        add_person()
    campaign = make_campaign(team, make_template(team))
    return services.campaign_start(campaign=campaign, actor=team.lead)


def _hold(campaign: Any, worker: str, ids: list[int], status: str) -> None:
    Delivery.objects.filter(pk__in=ids).update(status=status, claimed_by=worker, updated_at=timezone.now())


def _task_run_by(worker: str) -> Any:
    result = timeline_verify.enqueue(incident_id=1, requested_by="test")
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim(worker)
    return row


def test_the_reaper_takes_back_only_what_dead_workers_held(team: Team, add_person: Any) -> None:
    campaign = _start(team, 6, add_person)
    ids = list(Delivery.objects.filter(campaign=campaign).order_by("id").values_list("id", flat=True))
    now = timezone.now()
    beat_register(worker_id="dead-1", now=now - timedelta(minutes=5))
    beat_register(worker_id="live-1", now=now)
    _hold(campaign, "dead-1", ids[0:1], S.SENDING)
    _hold(campaign, "dead-1", ids[1:3], S.CLAIMED)
    _hold(campaign, "live-1", ids[3:4], S.SENDING)
    _hold(campaign, "live-1", ids[4:5], S.CLAIMED)
    # Old rows of a live worker are still its own: age alone never moves them.
    Delivery.objects.filter(pk__in=ids[3:5]).update(updated_at=now - timedelta(hours=3))
    dead_task, live_task = _task_run_by("dead-1"), _task_run_by("live-1")
    ack = Acknowledgment.objects.filter(status=AckStatus.PENDING).first() or Acknowledgment.objects.first()
    assert ack is not None
    Acknowledgment.objects.filter(pk=ack.pk).update(status=AckStatus.CLAIMED, claimed_by="dead-1")

    result = reaper.reap(me="live-1")

    assert result.workers == ["dead-1"]
    status = dict(Delivery.objects.filter(campaign=campaign).values_list("id", "status"))
    assert [status[i] for i in ids] == [S.UNCERTAIN, S.PENDING, S.PENDING, S.SENDING, S.CLAIMED, S.PENDING]
    assert result.deliveries == {campaign.pk: (1, 2)}
    dead_task.refresh_from_db()
    live_task.refresh_from_db()
    assert (dead_task.status, live_task.status) == ("READY", "RUNNING")
    ack.refresh_from_db()
    assert ack.status == AckStatus.UNCERTAIN
    assert list(WorkerBeat.objects.values_list("worker_id", flat=True)) == ["live-1"]
    # A second sweep finds nothing more to do.
    again = reaper.reap(me="live-1")
    assert (again.workers, again.tasks_requeued, again.deliveries) == ([], 0, {})


def test_a_worker_whose_process_is_gone_is_dead_at_once(team: Team) -> None:
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, check=True)
    pid = int(gone.stdout)
    WorkerBeat.objects.create(
        worker_id="gone", host=host_id(), pid=pid, started_at=timezone.now(), beat_at=timezone.now()
    )
    WorkerBeat.objects.create(
        worker_id="elsewhere", host="other-host/1", pid=pid, started_at=timezone.now(), beat_at=timezone.now()
    )
    assert reaper.dead_workers(now=timezone.now()) == ["gone"]


def test_a_task_that_killed_five_workers_is_failed_not_requeued(team: Team) -> None:
    row = _task_run_by("w1")
    DBTaskResult.objects.filter(pk=row.pk).update(worker_ids=["w1", "w2", "w3", "w4", "w5"])
    beat_register(worker_id="w5", now=timezone.now() - timedelta(minutes=5))
    result = reaper.reap()
    row.refresh_from_db()
    assert (row.status, row.exception_class_path) == ("FAILED", reaper.LOST_EXCEPTION)
    assert result.tasks_failed == 1


def test_a_task_claimed_by_a_worker_without_a_heartbeat_is_requeued_after_the_bound(team: Team) -> None:
    row = _task_run_by("old-release-worker")
    assert reaper.reap().tasks_requeued == 0  # just started: it may be alive
    DBTaskResult.objects.filter(pk=row.pk).update(started_at=timezone.now() - timedelta(minutes=5))
    assert reaper.reap().tasks_requeued == 1
    row.refresh_from_db()
    assert row.status == "READY"


@pytest.mark.smtp
def test_a_campaign_whose_wake_tasks_are_all_lost_still_finishes(
    team: Team, add_person: Any, smtp_sink: SmtpSink
) -> None:
    campaign = _start(team, 7, add_person)
    DBTaskResult.objects.all().delete()  # every wake token lost
    beat_register(worker_id="w-standing")
    for _ in range(5):
        if not duties.standing_work(worker="w-standing"):
            break
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FINISHED
    recipients = [r for _s, rcpts in smtp_sink.envelopes for r in rcpts]
    notices = [r for r in recipients if r.startswith("person")]
    assert sorted(notices) == [f"person{n}@example.jp" for n in range(1, 8)]
    # The desk's pending acknowledgment (of the world's inquiry) went out in the same rounds, without its task.
    assert Acknowledgment.objects.filter(status=AckStatus.PENDING).count() == 0
    assert set(Delivery.objects.filter(campaign=campaign).values_list("claimed_by", flat=True)) == {"w-standing"}


def test_a_periodic_duty_goes_to_one_worker_per_turn(team: Team) -> None:
    every = timedelta(seconds=60)
    assert duties.duty_take(name="poll", every=every, worker="a")
    assert not duties.duty_take(name="poll", every=every, worker="b")


@pytest.mark.smtp
def test_a_relay_outage_pauses_the_campaign_burns_no_attempt_and_it_resumes_by_itself(
    team: Team, add_person: Any, smtp_sink: SmtpSink, settings: Any
) -> None:
    from breachdesk.campaigns import worker
    from breachdesk.campaigns.models import Campaign
    from breachdesk.core.models import TimelineEvent
    from breachdesk.testing.scaleout import _free_port

    campaign = _start(team, 8, add_person)
    relay_port = settings.EMAIL_PORT
    settings.EMAIL_PORT = _free_port()  # nothing listens: the relay is down
    report = worker.campaign_work(campaign_id=campaign.pk, worker="w-relay", batch_size=4)
    campaign.refresh_from_db()
    assert (report.stopped, campaign.status, campaign.pause_reason) == ("relay_down", "paused", "relay_unavailable")
    rows = list(Delivery.objects.filter(campaign=campaign).values_list("status", "attempts"))
    assert rows == [(S.PENDING, 0)] * 8  # nobody's attempts were spent on the relay's outage
    assert campaign.relay_probe_at is not None
    pause = TimelineEvent.objects.filter(incident=campaign.incident, kind="campaign.paused").latest("seq")
    assert pause.data["reason"] == "relay_unavailable"

    # A probe while the relay is still down backs off; the campaign stays paused.
    Campaign.objects.filter(pk=campaign.pk).update(relay_probe_at=timezone.now() - timedelta(seconds=1))
    assert campaign_duties.relay_step(worker="w-relay") == {"campaign": campaign.pk, "relay": "down"}
    campaign.refresh_from_db()
    assert (campaign.status, campaign.relay_failures) == ("paused", 1)
    assert campaign.relay_probe_at > timezone.now() + timedelta(seconds=20)
    assert campaign_duties.relay_step(worker="w-relay") is None  # not due again yet

    # The relay answers again: the next probe resumes the campaign, and the workers send everything once.
    settings.EMAIL_PORT = relay_port
    Campaign.objects.filter(pk=campaign.pk).update(relay_probe_at=timezone.now() - timedelta(seconds=1))
    assert campaign_duties.relay_step(worker="w-relay")["resumed"] is True  # type: ignore[index]
    beat_register(worker_id="w-relay")
    for _ in range(5):
        if not duties.standing_work(worker="w-relay"):
            break
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.FINISHED
    notices = [r for _s, rcpts in smtp_sink.envelopes for r in rcpts if r.startswith("person")]
    assert sorted(notices) == sorted(f"person{n}@example.jp" for n in range(1, 9))
    assert set(Delivery.objects.filter(campaign=campaign).values_list("attempts", flat=True)) == {1}


def test_a_person_paused_campaign_is_never_resumed_by_a_probe(team: Team, add_person: Any) -> None:
    from breachdesk.campaigns.models import Campaign

    campaign = _start(team, 2, add_person)
    services.campaign_pause(campaign=campaign, actor=team.lead, reason="checking the wording")
    Campaign.objects.filter(pk=campaign.pk).update(relay_probe_at=timezone.now() - timedelta(seconds=1))
    assert campaign_duties.relay_step(worker="w") is None
    campaign.refresh_from_db()
    assert (campaign.status, campaign.pause_reason) == ("paused", "")
