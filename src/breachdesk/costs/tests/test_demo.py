"""Check the costs part of the OCO demo on a small registry (the real demo imports 140,000 members)."""

from __future__ import annotations

import pytest

from breachdesk.costs import demo
from breachdesk.costs.models import CostItem, ExecutiveReport, ReportKind, ReportStatus
from breachdesk.costs.selectors import cost_sheet, incident_estimate
from breachdesk.costs.tests.helpers import add_people
from breachdesk.incidents.demo import DEMO_CODE
from breachdesk.registry.demo import AFFECTED_ITEMS
from breachdesk.registry.items import ITEM_KEYS
from breachdesk.testing.factories import incident_create
from breachdesk.testing.fixtures import World
from breachdesk.testing.worker import run_worker

pytestmark = pytest.mark.django_db


def test_the_demo_estimates_18000_yen_per_person_and_stores_a_daily_report_once_the_worker_runs(world: World) -> None:
    incident = incident_create(lead=world.lead, code=DEMO_CODE)  # the demo's lead is called "lead" too
    add_people(incident, [(AFFECTED_ITEMS, 90)])
    logs: list[str] = []
    demo.build(log=logs.append)
    demo.build(log=logs.append)  # idempotent
    assert CostItem.objects.filter(incident=incident).count() == len(demo.ITEMS)
    estimate = incident_estimate(incident=incident)  # 500 × (1 + 5) × 6 per person
    assert estimate.as_contract()["by_items"] == [
        {"items": [k for k in ITEM_KEYS if k in AFFECTED_ITEMS], "persons": 90, "per_person_yen": 18_000}
    ]
    vouchers = next(line for line in cost_sheet(incident=incident).lines if line.item.category == "voucher")
    assert vouchers.actual is not None
    assert vouchers.actual.gross == 45_000  # ¥500 × 90 people, not taxed
    report = ExecutiveReport.objects.get(incident=incident, kind=ReportKind.DAILY)
    assert run_worker() == 1
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
