"""The readiness checklist is pluggable, and a check without its source never passes silently."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from breachdesk.core import extensions
from breachdesk.core.extensions import CheckResult, ReadinessCheck
from breachdesk.notices import readiness
from breachdesk.obligations.contributions import check_ppc_preliminary
from breachdesk.testing.fixtures import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def restore_checks() -> Iterator[None]:
    with extensions.readiness_checks.replaced():
        yield


def test_the_checklist_names_every_item_of_the_issue(world: World) -> None:
    keys = [item.key for item in readiness.readiness_evaluate(incident=world.incident)]
    assert keys[:8] == [
        "desk_mailbox",
        "desk_form",
        "ack_template",
        "answer_blocks",
        "faq",
        "notification_template",
        "stakeholders",
        "ppc_preliminary",
    ]


def test_each_item_is_registered_by_the_app_that_owns_its_data() -> None:
    owners = {check.key: check.fn.__module__ for check in extensions.readiness_checks.all()}
    assert owners["desk_mailbox"] == "breachdesk.inquiries.readiness_checks"
    assert owners["answer_blocks"] == "breachdesk.inquiries.readiness_checks"
    assert owners["faq"] == "breachdesk.notices.checks"
    assert owners["notification_template"] == "breachdesk.campaigns.contributions"
    assert owners["ppc_preliminary"] == "breachdesk.obligations.contributions"


def test_a_check_whose_page_is_missing_is_an_open_not_available_item(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.urls import Resolver404

    from breachdesk.inquiries import readiness_checks

    def missing(path: str) -> None:
        raise Resolver404(path)

    monkeypatch.setattr(readiness_checks, "resolve", missing)
    items = {i.key: i for i in readiness.readiness_evaluate(incident=world.incident)}
    assert not items["desk_form"].ok
    assert not items["desk_form"].available


def test_an_app_plugs_in_its_own_check_and_a_crashing_check_counts_as_open(world: World, restore_checks: None) -> None:
    extensions.readiness_checks.register(
        ReadinessCheck("press_room", "Press room booked", lambda incident: CheckResult(True, "room 3"))
    )

    def broken(incident: Any) -> CheckResult:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")
        return CheckResult(True)

    extensions.readiness_checks.register(ReadinessCheck("broken", "Broken", broken))
    items = {i.key: i for i in readiness.readiness_evaluate(incident=world.incident)}
    assert items["press_room"].ok
    assert items["press_room"].detail == "room 3"
    assert not items["broken"].ok
    assert not items["broken"].available


def test_the_ppc_check_passes_once_the_preliminary_report_is_submitted(world: World) -> None:
    from breachdesk.obligations.models import RegulatorReport

    RegulatorReport.objects.create(incident=world.incident, jurisdiction="JP", kind="preliminary", status="submitted")
    assert check_ppc_preliminary(world.incident).ok


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_crashing_check_leaves_the_later_checks_working(
    world: World, restore_checks: None
) -> None:
    """A page evaluates the checks in autocommit, without savepoints: a failed query must not spoil the next check."""
    from django.db import connection

    def broken(incident: Any) -> CheckResult:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")
        return CheckResult(True)

    def reads_after(incident: Any) -> CheckResult:
        from breachdesk.incidents.models import Stakeholder

        return CheckResult(Stakeholder.objects.filter(incident=incident).exists(), "read after the failure")

    extensions.readiness_checks.register(ReadinessCheck("broken", "Broken", broken, order=1))
    extensions.readiness_checks.register(ReadinessCheck("reads_after", "Reads after", reads_after, order=2))
    assert not connection.in_atomic_block
    items = {i.key: i for i in readiness.readiness_evaluate(incident=world.incident)}
    assert not items["broken"].ok
    assert not items["broken"].available
    assert items["reads_after"].ok
    assert items["stakeholders"].available
