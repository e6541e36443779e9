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

from breachdesk.core.health import health_report
from breachdesk.inquiries.models import Acknowledgment
from breachdesk.testing.fixtures import World

pytestmark = pytest.mark.django_db


def test_a_quiet_system_is_ok_and_the_probe_says_only_that(world: World) -> None:
    Acknowledgment.objects.filter(status="pending").update(status="sent")
    assert health_report()["status"] == "ok"
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-store" in response.headers["Cache-Control"] or "max-age=0" in response.headers["Cache-Control"]


def test_a_late_acknowledgment_and_a_lagging_queue_need_attention(world: World) -> None:
    from django_tasks_db.models import DBTaskResult

    from breachdesk.core.tasks import timeline_verify

    Acknowledgment.objects.update(status="pending", created_at=timezone.now() - timedelta(minutes=30))
    timeline_verify.enqueue(incident_id=world.incident.pk, requested_by="test")
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=10))
    report = health_report()
    assert report["status"] == "attention"
    assert report["work"]["acks_late"] >= 1
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
