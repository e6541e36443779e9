"""Keep the desk's cached figures (dashboard panel, list counts) exact after every change, in any process."""

from __future__ import annotations

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from breachdesk.inquiries import selectors, services
from breachdesk.inquiries.intake.receive import Incoming, inquiry_receive
from breachdesk.inquiries.models import Acknowledgment, AckStatus, Channel, Inquiry, InquiryStatus
from breachdesk.inquiries.review import reply_submit
from breachdesk.testing.fixtures import World, client_for

pytestmark = pytest.mark.django_db


def _receive(world: World, n: int) -> Inquiry:
    received = inquiry_receive(
        incident=world.incident,
        incoming=Incoming(
            channel=Channel.EMAIL,
            subject=f"問い合わせ {n}",
            text="私の情報は漏えいしましたか。",
            sender_email=f"person{n}@example.jp",
            message_id=f"<stats-{n}@example.jp>",
        ),
        actor=world.responder,
    )
    assert received.inquiry is not None
    return received.inquiry


def _desk_count(world: World, query: str = "") -> int:
    page = client_for(world.responder).get(f"/incidents/{world.incident.code}/desk/{query}").content.decode()
    found = re.search(r"(\d+)(?: inquiries|件の問い合わせ)", page)
    assert found, page
    return int(found.group(1))


def test_the_cached_figures_cost_one_query_until_something_changes(world: World) -> None:
    cache.clear()
    first = selectors.desk_stats(incident=world.incident)
    with CaptureQueriesContext(connection) as queries:
        again = selectors.desk_stats(incident=world.incident)
    assert again == first
    assert len(queries.captured_queries) == 1  # the stamp only


def test_a_new_inquiry_shows_at_once_in_the_figures_and_the_list_count(world: World) -> None:
    cache.clear()
    before = selectors.desk_stats(incident=world.incident)
    listed = _desk_count(world)
    _receive(world, 1)
    after = selectors.desk_stats(incident=world.incident)
    assert after["total"] == before["total"] + 1
    assert after["open"] == before["open"] + 1
    assert after["unacknowledged"] == before["unacknowledged"] + 1
    assert _desk_count(world) == listed + 1


def test_status_assignment_labels_and_review_move_the_cached_figures(world: World) -> None:
    cache.clear()
    inquiry = _receive(world, 2)
    stats = selectors.desk_stats(incident=world.incident)
    open_listed = _desk_count(world, "?status=open")
    deletion_listed = _desk_count(world, "?label=deletion")

    services.inquiry_set_status(inquiry=inquiry, actor=world.responder, status=InquiryStatus.CLOSED)
    closed = selectors.desk_stats(incident=world.incident)
    assert closed["open"] == stats["open"] - 1
    assert _desk_count(world, "?status=open") == open_listed - 1

    services.inquiry_set_status(inquiry=inquiry, actor=world.responder, status=InquiryStatus.OPEN)
    services.inquiry_assign(inquiry=inquiry, actor=world.responder, assignee=world.responder)
    load = {row["assignee__username"]: row["n"] for row in selectors.desk_stats(incident=world.incident)["load"]}
    assert load.get(world.responder.username, 0) >= 1

    services.inquiry_labels_correct(inquiry=inquiry, actor=world.responder, labels=["deletion"])
    assert _desk_count(world, "?label=deletion") == deletion_listed + 1

    waiting = selectors.desk_stats(incident=world.incident)["waiting_review"]
    from breachdesk.inquiries.review import reply_draft

    reply = reply_draft(inquiry=inquiry, actor=world.responder)
    reply_submit(reply=reply, actor=world.responder)
    assert selectors.desk_stats(incident=world.incident)["waiting_review"] == waiting + 1


def test_a_change_made_by_another_process_is_seen_through_the_stamp(world: World) -> None:
    """Another web process cannot clear this one's cache; its change still records an event, so the stamp moves."""
    cache.clear()
    inquiry = _receive(world, 3)
    before = selectors.desk_stats(incident=world.incident)
    # What the worker process does when the acknowledgment goes out: a row update and an event, no local cache call.
    from breachdesk.inquiries import events

    Acknowledgment.objects.filter(inquiry=inquiry).update(status=AckStatus.SENT)
    events.ack_sent_event(inquiry=inquiry, actor="worker", seconds=1.0)
    after = selectors.desk_stats(incident=world.incident)
    assert after["unacknowledged"] == before["unacknowledged"] - 1


def test_the_dashboard_panel_shows_the_new_unacknowledged_count(world: World) -> None:
    cache.clear()
    client = client_for(world.responder)

    def shown() -> int:
        page = client.get(f"/incidents/{world.incident.code}/").content.decode()
        found = re.search(r'id="desk-unacknowledged">(\d+)<', page)
        assert found
        return int(found.group(1))

    before = shown()
    _receive(world, 4)
    assert shown() == before + 1


def test_desk_stamp_uses_its_index(world: World) -> None:
    """The stamp's condition must match the partial index of migration 0004 word for word, or the database walks
    back over every saved draft instead (see that migration)."""
    import importlib

    migration = importlib.import_module("breachdesk.inquiries.migrations.0004_desk_stamp_index")
    assert migration.NOISE == selectors.STAMP_CONDITION
    sql = f'SELECT "hash" FROM "core_timelineevent" WHERE "incident_id" = %s AND {selectors.STAMP_CONDITION} '  # noqa: S608
    sql += 'ORDER BY "seq" DESC LIMIT 1'
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL enable_seqscan = off")  # a tiny test table: plan as on a real one
            cursor.execute("EXPLAIN " + sql, [world.incident.pk])
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, [world.incident.pk])
        plan = " ".join(str(cell) for row in cursor.fetchall() for cell in row)
    assert "inq_desk_stamp" in plan, plan


def test_the_desk_stamp_moves_with_a_change_and_not_with_a_draft_edit(world: World) -> None:
    from breachdesk.core import timeline
    from breachdesk.inquiries import events

    before = selectors.desk_stamp(incident=world.incident)
    timeline.record(incident=world.incident, actor=world.responder, kind=events.REPLY_EDITED, data={})
    assert selectors.desk_stamp(incident=world.incident) == before
    _receive(world, 901)
    assert selectors.desk_stamp(incident=world.incident) != before
