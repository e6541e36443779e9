"""Tell the operator when the queue lags or work needs a person; tell the load balancer only up or down."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from breachdesk.campaigns import services as campaigns
from breachdesk.campaigns.models import Delivery
from breachdesk.campaigns.tests.conftest import Team, add_person, make_campaign, make_template, team  # noqa: F401
from breachdesk.core.health import health_report
from breachdesk.inquiries.models import Acknowledgment
from breachdesk.testing.fixtures import World
from breachdesk.work.heartbeat import beat_register
from breachdesk.work.models import WorkerBeat

pytestmark = pytest.mark.django_db


def _health_cli() -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    try:
        call_command("health", stdout=out)
    except SystemExit as exit_info:
        return int(exit_info.code or 0), json.loads(out.getvalue())
    return 0, json.loads(out.getvalue())


def test_a_quiet_system_is_ok_and_the_probe_says_only_that(world: World) -> None:
    Acknowledgment.objects.filter(status="pending").update(status="sent")
    beat_register(worker_id="w1")
    assert health_report()["status"] == "ok"
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response.headers["Cache-Control"] or "max-age=0" in response.headers["Cache-Control"]


def test_a_late_acknowledgment_and_a_lagging_queue_need_attention(world: World) -> None:
    from django_tasks_db.models import DBTaskResult

    from breachdesk.core.tasks import timeline_verify

    beat_register(worker_id="w1")
    Acknowledgment.objects.update(status="pending", due_at=timezone.now() - timedelta(minutes=30))
    timeline_verify.enqueue(incident_id=world.incident.pk, requested_by="test")
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=10))
    report = health_report()
    assert report["status"] == "attention"
    assert report["progress"]["acks_late"] >= 1
    assert report["queue"]["ready"] == 1
    assert report["queue"]["oldest_ready_seconds"] >= 600
    assert not report["queue"]["ok"]
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("health", stdout=out)
    assert exit_info.value.code == 1
    assert json.loads(out.getvalue())["status"] == "attention"
    # The public probe reveals nothing of this.
    assert Client().get("/healthz").json() == {"status": "attention"}


def test_the_probe_reports_down_when_the_database_fails(world: World, monkeypatch: Any) -> None:
    from breachdesk.core import health

    def broken() -> dict[str, Any]:
        return {"ok": False, "error": "OperationalError"}

    monkeypatch.setattr(health, "_database", broken)
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down"}


def test_no_fresh_heartbeat_is_attention_and_down_when_work_is_due(world: World) -> None:
    Acknowledgment.objects.filter(status="pending").update(status="sent")
    beat_register(worker_id="w1", now=timezone.now() - timedelta(minutes=10))
    code, report = _health_cli()
    assert (code, report["status"], report["workers"]) == (1, "attention", {"ok": False, "alive": 0, "silent": 1})
    Acknowledgment.objects.update(status="pending", due_at=timezone.now())
    code, report = _health_cli()
    assert (code, report["status"], report["work_due"]) == (2, "down", True)
    # The web process itself is fine: the probe says "down" without taking the desk out of the load balancer.
    response = Client().get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "down"})
    WorkerBeat.objects.update(beat_at=timezone.now())
    assert health_report()["status"] == "ok"


def test_a_stalled_campaign_is_attention_until_it_moves(team: Team, add_person: Any, settings: Any) -> None:  # noqa: F811 - the fixtures imported above
    Acknowledgment.objects.filter(status="pending").update(status="sent")
    beat_register(worker_id="w1")
    for _ in range(3):
        add_person()
    campaign = campaigns.campaign_start(campaign=make_campaign(team, make_template(team)), actor=team.lead)
    assert health_report()["status"] == "ok"  # just started: due, but not stalled yet
    settings.BREACHDESK_STALL_AFTER = 60
    Delivery.objects.filter(campaign=campaign).update(updated_at=timezone.now() - timedelta(seconds=61))
    code, report = _health_cli()
    assert (code, report["progress"]["campaigns_stalled"]) == (1, [campaign.pk])
    # One delivery moves: the campaign is making progress again.
    Delivery.objects.filter(pk=Delivery.objects.filter(campaign=campaign).first().pk).update(  # type: ignore[union-attr]
        updated_at=timezone.now()
    )
    assert _health_cli()[0] == 0
    # A row in flight that moved counts as well; once it is old too, the campaign is stalled again.
    Delivery.objects.filter(campaign=campaign).update(updated_at=timezone.now() - timedelta(seconds=61))
    claimed = Delivery.objects.filter(campaign=campaign).order_by("id")
    Delivery.objects.filter(pk=claimed[0].pk).update(status="claimed", claimed_by="w1", updated_at=timezone.now())
    assert _health_cli()[0] == 0
    Delivery.objects.filter(pk=claimed[0].pk).update(updated_at=timezone.now() - timedelta(seconds=61))
    assert _health_cli()[0] == 1


def test_a_task_running_past_its_bound_is_attention(world: World) -> None:
    from django_tasks_db.models import DBTaskResult

    from breachdesk.core.tasks import timeline_verify

    Acknowledgment.objects.filter(status="pending").update(status="sent")
    beat_register(worker_id="w1")
    result = timeline_verify.enqueue(incident_id=world.incident.pk, requested_by="test")
    DBTaskResult.objects.get(pk=result.id).claim("w1")
    assert health_report()["status"] == "ok"
    DBTaskResult.objects.update(started_at=timezone.now() - timedelta(hours=2))
    report = health_report()
    assert (report["status"], report["queue"]["running_too_long"]) == ("attention", 1)


def test_the_dashboard_shows_the_same_as_a_banner(world: World) -> None:
    from django.core.cache import cache

    Acknowledgment.objects.update(status="pending", due_at=timezone.now())
    client = Client()
    client.force_login(world.lead)
    cache.delete("health-banner")
    page = client.get(f"/incidents/{world.incident.code}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="health-banner"' in html
    assert "Background work is down" in html
    assert "No worker process is alive" in html
    Acknowledgment.objects.update(status="sent")
    beat_register(worker_id="w1")
    cache.delete("health-banner")
    assert 'id="health-banner"' not in client.get(f"/incidents/{world.incident.code}/").content.decode()
