from __future__ import annotations

import itertools
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from breachdesk.core import timeline
from breachdesk.core.models import TimelineEvent
from breachdesk.testing.fixtures import World


@pytest.mark.django_db
def test_each_event_chains_to_the_previous_one(world: World) -> None:
    events = list(TimelineEvent.objects.filter(incident=world.incident).order_by("seq"))
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == timeline.GENESIS
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash


@pytest.mark.django_db
def test_incidents_have_separate_chains(world: World) -> None:
    first_other = TimelineEvent.objects.filter(incident=world.other_incident).order_by("seq").first()
    assert first_other is not None
    assert first_other.seq == 1
    assert first_other.prev_hash == timeline.GENESIS


@pytest.mark.django_db
def test_verify_accepts_an_untouched_chain(world: World) -> None:
    report = timeline.verify(incident=world.incident)
    assert report.ok
    assert report.events == TimelineEvent.objects.filter(incident=world.incident).count()


@pytest.mark.django_db
def test_verify_names_the_event_whose_data_was_changed_through_sql(world: World) -> None:
    victim = TimelineEvent.objects.filter(incident=world.incident).order_by("seq")[2]
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE core_timelineevent SET data = %s WHERE id = %s", [json.dumps({"forged": True}), victim.pk]
        )
    report = timeline.verify(incident=world.incident)
    assert not report.ok
    assert report.first_bad_event == victim.pk
    assert report.seq == victim.seq
    assert report.reason == "content does not match its hash"


@pytest.mark.django_db
def test_verify_notices_a_deleted_event(world: World) -> None:
    victim = TimelineEvent.objects.filter(incident=world.incident).order_by("seq")[1]
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_timelineevent WHERE id = %s", [victim.pk])
    report = timeline.verify(incident=world.incident)
    assert not report.ok
    assert report.seq == victim.seq + 1


@pytest.mark.django_db
def test_verify_notices_a_rehashed_row_because_the_next_link_breaks(world: World) -> None:
    """An attacker who rewrites one row and its own hash still breaks the following event's link."""
    rows = list(TimelineEvent.objects.filter(incident=world.incident).order_by("seq")[:3])
    victim = rows[1]
    forged = timeline.event_hash(
        incident_id=victim.incident_id,
        seq=victim.seq,
        at=victim.at,
        actor_id=victim.actor_id,
        actor_label=victim.actor_label,
        kind=victim.kind,
        data={"forged": True},
        prev_hash=victim.prev_hash,
    )
    TimelineEvent.objects.filter(pk=victim.pk).update(data={"forged": True}, hash=forged)
    report = timeline.verify(incident=world.incident)
    assert not report.ok
    assert report.first_bad_event == rows[2].pk
    assert report.reason == "previous hash does not match"


@pytest.mark.django_db
def test_audit_verify_command_prints_ok_and_the_count(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("audit", "verify", "--incident", world.incident.code)
    out = json.loads(capsys.readouterr().out)
    assert out == {"ok": True, "events": TimelineEvent.objects.filter(incident=world.incident).count()}


@pytest.mark.django_db
def test_audit_verify_command_exits_1_and_names_the_tampered_event(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    victim = TimelineEvent.objects.filter(incident=world.incident).order_by("seq").last()
    assert victim is not None
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_timelineevent SET actor_label = %s WHERE id = %s", ["mallory", victim.pk])
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify", "--incident", world.incident.code)
    assert exit_info.value.code == 1
    out = json.loads(capsys.readouterr().out)
    assert out["ok"] is False
    assert out["first_bad_event"] == victim.pk


@pytest.mark.django_db
def test_audit_verify_rejects_an_unknown_incident_with_status_2() -> None:
    with pytest.raises(CommandError) as error:
        call_command("audit", "verify", "--incident", "no-such-incident")
    assert error.value.returncode == 2
    assert "no-such-incident" in str(error.value)
