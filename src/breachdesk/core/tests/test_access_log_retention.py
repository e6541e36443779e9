"""The access log is kept under the incident's retention period: old reads go, the rest stays verifiable."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from breachdesk.core import access_log
from breachdesk.core.models import AccessEvent, AccessLogAnchor, TimelineEvent
from breachdesk.testing.fixtures import World

pytestmark = pytest.mark.django_db


def _reads(world: World, count: int, *, days_ago: int) -> None:
    """Write ``count`` reads of the world's person and date them ``days_ago`` days back."""
    start = AccessEvent.objects.filter(incident=world.incident).count()
    access_log.record_many(
        incident=world.incident,
        actor=world.lead,
        reads=[access_log.Read(f"person:{world.person.pk}", ("name",)) for _ in range(count)],
        route="GET registry:person_detail",
    )
    # The hash covers ``at``, so back-dating rewrites each row's hash and the next row's link, as the chain would
    # have been had these reads really happened then.
    at = timezone.now() - timedelta(days=days_ago)
    events = list(AccessEvent.objects.filter(incident=world.incident).order_by("seq"))
    prev = events[start - 1].hash if start else access_log.GENESIS
    for event in events[start:]:
        event.at = at
        event.prev_hash = prev
        event.hash = access_log.read_hash(
            incident_id=event.incident_id,
            seq=event.seq,
            at=at,
            actor_id=event.actor_id,
            actor_label=event.actor_label,
            obj=event.object,
            fields=list(event.fields),
            route=event.route,
            prev_hash=prev,
        )
        event.save()
        prev = event.hash


def _prune(*args: str) -> list[dict[str, Any]]:
    out = io.StringIO()
    call_command("access-log", "--prune", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.fixture
def aged(world: World) -> World:
    _reads(world, 5, days_ago=400)
    _reads(world, 3, days_ago=10)
    world.incident.access_log_retention_days = 365
    world.incident.save(update_fields=["access_log_retention_days"])
    assert access_log.verify(incident=world.incident).ok
    return world


def test_a_prune_removes_reads_past_retention_and_the_chain_still_verifies(aged: World) -> None:
    world = aged
    (report,) = _prune()
    assert report["incident"] == world.incident.code
    assert report["removed"] == 5
    left = list(AccessEvent.objects.filter(incident=world.incident).order_by("seq").values_list("seq", flat=True))
    assert left == [6, 7, 8]
    anchor = AccessLogAnchor.objects.get(incident=world.incident)
    assert anchor.seq == 5
    assert anchor.pruned == 5
    check = access_log.verify(incident=world.incident)
    assert check.ok
    assert check.events == 3
    event = TimelineEvent.objects.get(incident=world.incident, kind=access_log.PRUNED)
    assert event.data["through_seq"] == 5
    assert event.data["hash"] == anchor.hash
    # New reads chain on; a second prune with nothing old removes nothing.
    _reads(world, 1, days_ago=0)
    assert access_log.verify(incident=world.incident).ok
    assert _prune()[0]["removed"] == 0


def test_pruning_in_small_batches_moves_the_anchor_each_time(aged: World) -> None:
    report = access_log.prune(incident=aged.incident, actor="test", batch_size=2)
    assert report["removed"] == 5
    assert TimelineEvent.objects.filter(incident=aged.incident, kind=access_log.PRUNED).count() == 3
    assert access_log.verify(incident=aged.incident).ok


def test_when_every_read_was_pruned_new_reads_chain_from_the_anchor(aged: World) -> None:
    world = aged
    access_log.prune(incident=world.incident, actor="test", now=timezone.now() + timedelta(days=400))
    assert not AccessEvent.objects.filter(incident=world.incident).exists()
    access_log.record(incident=world.incident, actor=world.lead, obj=f"person:{world.person.pk}", route="GET x")
    (event,) = AccessEvent.objects.filter(incident=world.incident)
    assert event.seq == 9
    assert event.prev_hash == AccessLogAnchor.objects.get(incident=world.incident).hash
    assert access_log.verify(incident=world.incident).ok


def test_a_read_deleted_outside_a_prune_still_breaks_the_chain(aged: World) -> None:
    world = aged
    _prune()
    AccessEvent.objects.filter(incident=world.incident, seq=6).delete()
    assert not access_log.verify(incident=world.incident).ok
    # Forging the anchor to hide it disagrees with the timeline's record of the prune.
    seventh = AccessEvent.objects.get(incident=world.incident, seq=7)
    AccessLogAnchor.objects.filter(incident=world.incident).update(seq=6, hash=seventh.prev_hash)
    check = access_log.verify(incident=world.incident)
    assert not check.ok
    assert check.reason is not None
    assert "timeline" in check.reason


def test_a_broken_chain_is_not_pruned(aged: World) -> None:
    world = aged
    AccessEvent.objects.filter(incident=world.incident, seq=2).update(route="GET forged")
    with pytest.raises(CommandError, match="not pruned"):
        _prune()
    assert AccessEvent.objects.filter(incident=world.incident).count() == 8


def test_an_incident_without_a_retention_period_keeps_every_read(world: World) -> None:
    _reads(world, 2, days_ago=4000)
    assert _prune() == []  # no incident has a period
    (report,) = _prune("--incident", world.incident.code)
    assert report["removed"] == 0
    assert AccessEvent.objects.filter(incident=world.incident).count() == 2


def test_the_retention_period_is_set_by_command_and_recorded(world: World) -> None:
    out = io.StringIO()
    call_command("access-log", "--incident", world.incident.code, "--set-retention", "30", stdout=out)
    assert json.loads(out.getvalue()) == {"incident": world.incident.code, "retention_days": 30}
    world.incident.refresh_from_db()
    assert world.incident.access_log_retention_days == 30
    event = TimelineEvent.objects.get(incident=world.incident, kind="access_log.retention_set")
    assert event.data == {"retention_days": 30}
    call_command("access-log", "--incident", world.incident.code, "--set-retention", "0", stdout=io.StringIO())
    world.incident.refresh_from_db()
    assert world.incident.access_log_retention_days is None
