"""The desk's figures reach the costs app's summary as aggregates."""

from __future__ import annotations

import pytest

from breachdesk.costs.sources import metric
from breachdesk.testing.fixtures import World


@pytest.mark.django_db
def test_the_desk_registers_its_figures_for_the_executive_summary(world: World) -> None:
    backlog = metric("inquiry_backlog", world.incident)
    assert set(backlog) == {"open", "overdue", "sla_hours", "answered_within_sla_percent"}
    assert backlog["open"] >= 1  # the world fixture holds one open inquiry
    ages = metric("inquiry_backlog_ages", world.incident)
    assert sum(row["count"] for row in ages) == backlog["open"]
    assert metric("deletion_requests", world.incident)["received"] >= 0
    per_day = metric("inquiries_per_day_by_label", world.incident)
    assert all({"date", "label", "name", "count"} <= set(row) for row in per_day)
    assert isinstance(metric("inquiries_answered", world.incident), int)
