"""The seam between the apps: parts are unique by key, read in their own order, and each app's parts are in place."""

from __future__ import annotations

import pytest

from breachdesk.core import extensions
from breachdesk.core.extensions import DuplicateContribution, NavEntry, Registry


def test_parts_are_read_by_order_then_key_whatever_the_order_they_came_in() -> None:
    registry: Registry[NavEntry] = Registry("navigation entries")
    registry.register(NavEntry("costs", label="Costs", url_name="costs:overview", order=70))
    registry.register(NavEntry("b", label="B", url_name="b", order=20))
    registry.register(NavEntry("a", label="A", url_name="a", order=20))
    assert [part.key for part in registry.all()] == ["a", "b", "costs"]


def test_a_key_registered_twice_raises_and_keeps_the_first() -> None:
    registry: Registry[NavEntry] = Registry("navigation entries")
    first = registry.register(NavEntry("desk", label="Desk", url_name="inquiries:inquiry_list"))
    with pytest.raises(DuplicateContribution, match="'desk'"):
        registry.register(NavEntry("desk", label="Other", url_name="other"))
    assert registry.get("desk") is first


def test_replaced_swaps_parts_for_a_block_and_restores_them() -> None:
    registry: Registry[NavEntry] = Registry("navigation entries")
    registry.register(NavEntry("desk", label="Desk", url_name="inquiries:inquiry_list"))
    with registry.replaced([NavEntry("desk", label="Stand-in", url_name="x")]):
        assert registry.get("desk").label == "Stand-in"  # type: ignore[union-attr]
    with registry.replaced(keep=False):
        assert len(registry) == 0
    assert registry.get("desk").label == "Desk"  # type: ignore[union-attr]


def test_every_app_registered_its_parts_at_start_up() -> None:
    assert [p.key for p in extensions.panels.all()] == [
        "clocks",
        "charts",
        "readiness",
        "faq_drift",
        "registry",
        "desk",
        "classifier",
        "campaigns",
        "costs",
        "scanner",
    ]
    assert [n.key for n in extensions.nav.all()] == [
        "obligations",
        "registry",
        "inquiries",
        "notices",
        "campaigns",
        "costs",
        "summary",
    ]
    assert [c.key for c in extensions.readiness_checks.all()] == [
        "desk_mailbox",
        "desk_form",
        "ack_template",
        "answer_blocks",
        "faq",
        "notification_template",
        "stakeholders",
        "ppc_preliminary",
    ]
    assert {s.item for s in extensions.report_sections.all()} == {
        "secondary_harm",
        "individual_response",
        "publication",
    }
    assert [s.key for s in extensions.person_sections.all()] == ["inquiries", "campaigns"]
    assert [r.key for r in extensions.audience_rules.all()] == ["deletion_completed", "deletion_completed_not_cleared"]
    assert [s.key for s in extensions.dashboard_stamps.all()] == ["desk"]


def test_the_metrics_registered_are_the_documented_ones() -> None:
    from breachdesk.costs.sources import METRICS, check_metric_names

    # Every documented figure but the staff hours (nobody logs them yet) has its provider.
    assert extensions.metrics.keys() == set(METRICS) - {"staff_hours"}
    assert check_metric_names(None) == []
    with extensions.metrics.replaced([extensions.Metric("letters_snet", lambda incident: 0)]):
        assert [m.id for m in check_metric_names(None)] == ["costs.E001"]


def test_a_report_section_for_an_unknown_item_is_a_system_check_error() -> None:
    from breachdesk.obligations.providers import check_report_items

    assert check_report_items(None) == []
    section = extensions.ReportSection("x.typo", item="secondary_harms", provider=lambda incident: None)
    with extensions.report_sections.replaced([section]):
        assert [m.id for m in check_report_items(None)] == ["obligations.E001"]
