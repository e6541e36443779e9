"""Keep the dashboard's cached registry counts exact after imports, leak lists, rollbacks and manual entries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from breachdesk.registry import selectors, services
from breachdesk.registry.models import ImportJob
from breachdesk.registry.signals import registry_changed
from breachdesk.registry.tests.helpers import master_file, run, write_csv
from breachdesk.testing.fixtures import World

pytestmark = pytest.mark.django_db
CODE = "case-1"


def _cached(world: World) -> dict[str, Any]:
    return selectors.registry_counts_cached(incident=world.incident)


def test_the_cached_counts_equal_the_fresh_counts_and_cost_only_the_stamp(world: World, tmp_path: Path) -> None:
    cache.clear()
    run("import-people", "--incident", CODE, str(master_file(tmp_path)))
    assert _cached(world) == selectors.registry_counts(incident=world.incident)
    with CaptureQueriesContext(connection) as queries:
        _cached(world)
    assert len(queries.captured_queries) == 2  # the latest registry event and the latest job


def test_imports_leak_lists_and_rollbacks_show_at_once(world: World, tmp_path: Path) -> None:
    cache.clear()
    before = _cached(world)
    run("import-people", "--incident", CODE, str(master_file(tmp_path)))
    imported = _cached(world)
    assert imported["total"] == before["total"] + 3
    affected = write_csv(tmp_path / "a.csv", [["会員ID"], ["M0001"], ["NEW1"]])
    run("import-people", "--incident", CODE, str(affected), "--source", "affected_list", "--items", "name,email")
    leaked = _cached(world)
    assert leaked == selectors.registry_counts(incident=world.incident)
    assert leaked["affected"] == imported["affected"] + 2
    assert {row["key"]: row["count"] for row in leaked["by_item"]}["email"] >= 2
    second = ImportJob.objects.filter(incident=world.incident).order_by("-pk").first()
    assert second is not None
    run("import-people", "--incident", CODE, "--rollback", str(second.pk))
    assert _cached(world) == imported


def test_a_change_in_another_process_is_seen_without_the_signal(world: World) -> None:
    """The signal clears only this process's copy; another process's change must still show through the stamp."""
    cache.clear()
    before = _cached(world)
    disconnected = registry_changed.disconnect(dispatch_uid="registry.counts_clear")
    assert disconnected
    try:
        services.person_create(incident=world.incident, actor="test", member_id="X1", affected=True, items=["name"])
    finally:
        registry_changed.connect(selectors.registry_changed_clear, dispatch_uid="registry.counts_clear")
    after = _cached(world)
    assert after["total"] == before["total"] + 1
    assert after["affected"] == before["affected"] + 1


def test_the_affected_item_distribution_matches_the_people(world: World) -> None:
    cache.clear()
    services.person_create(incident=world.incident, actor="test", member_id="D1", affected=True, items=["name"])
    services.person_create(
        incident=world.incident, actor="test", member_id="D2", affected=True, items=["name", "email"]
    )
    services.person_create(incident=world.incident, actor="test", member_id="D3", affected=False, items=["name"])
    distribution = selectors.affected_item_distribution_cached(incident=world.incident)
    assert sum(distribution.values()) == _cached(world)["affected"]
    from breachdesk.registry import items as vocabulary

    assert distribution.get(vocabulary.BITS["name"], 0) >= 1
    assert distribution.get(vocabulary.BITS["name"] | vocabulary.BITS["email"], 0) >= 1
