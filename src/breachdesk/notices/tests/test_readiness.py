"""The readiness checklist is pluggable, and a check without its source never passes silently."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from breachdesk.notices import checks, readiness
from breachdesk.notices.readiness import CheckResult
from breachdesk.testing.fixtures import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def restore_checks() -> Iterator[None]:
    saved = dict(readiness._checks)
    yield
    readiness._checks.clear()
    readiness._checks.update(saved)


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


def test_a_check_whose_app_is_missing_is_an_open_not_available_item(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(checks, "model_or_none", lambda *a: None)
    items = {i.key: i for i in readiness.readiness_evaluate(incident=world.incident)}
    for key in (
        "desk_mailbox",
        "desk_form",
        "ack_template",
        "answer_blocks",
        "notification_template",
        "ppc_preliminary",
    ):
        assert not items[key].ok, key
        assert not items[key].available, key


def test_an_app_plugs_in_its_own_check_and_a_crashing_check_counts_as_open(world: World, restore_checks: None) -> None:
    readiness.register_check("press_room", "Press room booked", lambda incident: CheckResult(True, "room 3"))

    def broken(incident: Any) -> CheckResult:
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM no_such_table")
        return CheckResult(True)

    readiness.register_check("broken", "Broken", broken)
    items = {i.key: i for i in readiness.readiness_evaluate(incident=world.incident)}
    assert items["press_room"].ok
    assert items["press_room"].detail == "room 3"
    assert not items["broken"].ok
    assert not items["broken"].available


def test_the_ppc_check_passes_once_the_preliminary_report_is_submitted(world: World) -> None:
    from breachdesk.obligations.models import RegulatorReport

    RegulatorReport.objects.create(incident=world.incident, jurisdiction="JP", kind="preliminary", status="submitted")
    assert checks.check_ppc_preliminary(world.incident).ok


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

    readiness.register_check("broken", "Broken", broken, order=1)
    readiness.register_check("reads_after", "Reads after", reads_after, order=2)
    assert not connection.in_atomic_block
    items = {i.key: i for i in readiness.readiness_evaluate(incident=world.incident)}
    assert not items["broken"].ok
    assert not items["broken"].available
    assert items["reads_after"].ok
    assert items["stakeholders"].available
