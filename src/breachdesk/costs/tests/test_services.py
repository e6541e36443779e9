"""Check the writes: factors with reasons, cost items with live counts, events, and the daily report schedule."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from breachdesk.core.models import TimelineEvent
from breachdesk.costs import services
from breachdesk.costs.errors import InvalidCostItem, InvalidFactors
from breachdesk.costs.models import CostSettings, ExecutiveReport, ReportKind, ReportStatus
from breachdesk.costs.selectors import cost_line, cost_sheet
from breachdesk.costs.tests.helpers import fake_metrics, no_metrics
from breachdesk.testing.fixtures import World
from breachdesk.testing.worker import run_worker

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


def kinds(world: World) -> list[str]:
    return list(
        TimelineEvent.objects.filter(incident=world.incident, kind__startswith="costs.").values_list("kind", flat=True)
    )


def test_doubling_a_factor_needs_a_reason(world: World) -> None:
    with pytest.raises(InvalidFactors, match="reason"):
        services.cost_settings_update(incident=world.incident, actor=world.lead, social_responsibility=2)
    assert not CostSettings.objects.filter(incident=world.incident).exists()


def test_changing_the_factors_writes_one_event_with_the_changes(world: World) -> None:
    services.cost_settings_update(
        incident=world.incident,
        actor=world.lead,
        response_evaluation=2,
        response_evaluation_reason="Notice sent six weeks after awareness.",
    )
    event = TimelineEvent.objects.get(incident=world.incident, kind="costs.settings_changed")
    assert event.data["changes"]["response_evaluation"] == [1, 2]
    services.cost_settings_update(incident=world.incident, actor=world.lead, response_evaluation=2)
    assert kinds(world).count("costs.settings_changed") == 1  # nothing changed, nothing recorded


def test_a_per_unit_item_takes_its_actual_quantity_from_a_live_count(world: World) -> None:
    item = services.cost_item_create(
        incident=world.incident,
        actor=world.lead,
        category="postage",
        description="Letters",
        pricing="per_unit",
        unit_price_yen=110,
        planned_quantity=Decimal(2_000),
        quantity_metric="letters_sent",
        tax_treatment="inclusive",
    )
    with no_metrics():
        line = cost_line(item)
    assert line.metric_unavailable
    assert line.actual is None
    assert line.planned is not None
    assert line.planned.gross == 220_000
    with fake_metrics():
        line = cost_line(item)
    assert line.from_metric
    assert line.actual is not None
    assert (line.actual.net, line.actual.tax, line.actual.gross) == (120_000, 12_000, 132_000)  # 1,200 letters


def test_vouchers_follow_the_number_of_affected_people(world: World) -> None:
    services.cost_item_create(
        incident=world.incident,
        actor=world.lead,
        category="voucher",
        description="¥500 QUO card",
        pricing="per_unit",
        unit_price_yen=500,
        quantity_metric="affected_persons",
        tax_treatment="exempt",
    )
    sheet = cost_sheet(incident=world.incident)
    voucher = next(line for line in sheet.lines if line.item.category == "voucher")
    assert voucher.actual is not None
    assert voucher.actual.gross == 500
    assert sheet.planned.gross == 3_300_000  # the sample forensics item, ¥3,000,000 + 10%


def test_a_lump_sum_without_any_amount_is_refused(world: World) -> None:
    with pytest.raises(InvalidCostItem):
        services.cost_item_create(
            incident=world.incident, actor=world.lead, category="legal", description="Counsel", pricing="lump_sum"
        )


def test_updating_and_deleting_an_item_are_recorded(world: World) -> None:
    item = world.cost_item
    services.cost_item_update(item=item, actor=world.lead, actual_amount_yen=2_500_000)
    services.cost_item_delete(item=item, actor=world.lead)
    assert kinds(world)[-2:] == ["costs.item_updated", "costs.item_deleted"]
    updated = TimelineEvent.objects.get(incident=world.incident, kind="costs.item_updated")
    assert updated.data["changes"] == {"actual_amount_yen": [None, 2_500_000]}


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 3, day, hour, 5, tzinfo=TOKYO)


def test_the_daily_report_is_queued_once_after_its_hour(world: World) -> None:
    services.cost_settings_update(incident=world.incident, actor=world.lead, daily_report_hour=9)
    assert services.reports_daily_enqueue(now=at(3, 8)) == []
    first = services.reports_daily_enqueue(now=at(3, 9))
    assert [r.kind for r in first] == [ReportKind.DAILY]
    assert first[0].for_date.isoformat() == "2026-03-03"
    assert services.reports_daily_enqueue(now=at(3, 18)) == []  # cron may run as often as it likes
    assert len(services.reports_daily_enqueue(now=at(4, 9))) == 1
    assert ExecutiveReport.objects.filter(incident=world.incident, kind=ReportKind.DAILY).count() == 2
    assert "costs.report_queued" in kinds(world)


def test_the_command_queues_and_the_worker_stores_the_daily_report(world: World) -> None:
    services.cost_settings_update(incident=world.incident, actor=world.lead, daily_report_hour=7)
    out = StringIO()
    call_command("reports-daily", "--at", "2026-03-03T07:30:00+09:00", stdout=out)
    assert '"enqueued": 1' in out.getvalue()
    report = ExecutiveReport.objects.get(incident=world.incident, kind=ReportKind.DAILY)
    assert report.status == ReportStatus.QUEUED
    assert run_worker() == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    assert report.pdf is not None
    assert bytes(report.pdf).startswith(b"%PDF")
    assert "costs.report_generated" in kinds(world)


def test_a_report_is_rendered_once_even_if_two_workers_get_it(world: World) -> None:
    report = services.report_request(incident=world.incident, actor="worker", kind=ReportKind.DAILY, now=at(3, 9))
    report.status = ReportStatus.GENERATING
    report.save()
    again = services.report_generate(report_id=report.pk, actor="worker")
    assert again.status == ReportStatus.GENERATING
    assert "costs.report_generated" not in kinds(world)
