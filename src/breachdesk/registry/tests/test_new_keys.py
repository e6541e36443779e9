"""The import's lookup shortcut: skipped lookups never miss a duplicate, and a change by anyone else turns it off."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from breachdesk.registry import selectors, services
from breachdesk.registry.importing import bulk, pipeline
from breachdesk.registry.importing.newkeys import NewKeys
from breachdesk.registry.models import Person
from breachdesk.registry.tests.helpers import write_csv
from breachdesk.testing.fixtures import World


def test_the_filter_never_forgets_a_key_and_rarely_imagines_one() -> None:
    keys = [os.urandom(16) for _ in range(10_000)]
    seen = NewKeys(bits=1 << 20)
    seen.add_all([*keys, None])
    assert all(seen.may_contain(k) for k in keys)
    imagined = sum(seen.may_contain(os.urandom(16)) for _ in range(10_000))
    assert imagined < 100  # about 4 expected at this load


@pytest.mark.parametrize("bits", [0, 63, 1000])
def test_the_filter_size_is_a_power_of_two(bits: int) -> None:
    with pytest.raises(ValueError, match="power of two"):
        NewKeys(bits=bits)


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record the index column of every existing-person lookup the import makes, and write two rows per batch."""
    columns: list[str] = []
    select_in = bulk.RawDB.select_in

    def spy(self: bulk.RawDB, cursor: Any, sql_head: str, column: str, values: Any, params: Any) -> list[Any]:
        if sql_head.startswith("SELECT id, member_id, bidx_member"):
            columns.append(column)
        return select_in(self, cursor, sql_head, column, values, params)

    monkeypatch.setattr(bulk.RawDB, "select_in", spy)
    monkeypatch.setattr(pipeline, "BATCH_ROWS", 2)
    return columns


@pytest.fixture
def empty(world: World) -> Any:
    """Return a new incident of the world's lead, with nobody in its registry."""
    from datetime import UTC, datetime

    from breachdesk.incidents.services import incident_create

    at = datetime(2026, 11, 20, 1, 0, tzinfo=UTC)
    return incident_create(actor=world.lead, code="empty-1", title="empty", organisation="o", found_at=at, aware_at=at)


DUPLICATES = [
    ["会員ID", "メール", "電話", "氏名"],
    ["A1", "a@example.jp", "090-1111-0001", "一"],
    ["A1", "", "", "一 改"],  # same member id, same batch
    ["", "A@EXAMPLE.JP", "", ""],  # same email, next batch
    ["", "", "09011110001", ""],  # same phone
    ["B2", "b@example.jp", "090-1111-0001", "家族"],  # shares the phone, but another member: kept apart
]


@pytest.mark.django_db
def test_an_import_into_an_empty_registry_skips_lookups_of_new_keys_and_still_merges(
    empty: Any, tmp_path: Path, lookups: list[str]
) -> None:
    job = services.import_job_create(incident=empty, actor="cli", path=write_csv(tmp_path / "d.csv", DUPLICATES))
    job = services.import_job_run(job=job, actor="cli")
    assert (job.imported, job.duplicates) == (2, 3)
    a1 = selectors.person_lookup(incident=empty, member_id="A1")
    assert a1 is not None and a1.name == "一 改"
    assert "bidx_member" not in lookups  # A1 and B2 were new: never asked
    assert {"bidx_email", "bidx_phone"} <= set(lookups)  # the repeated email and phone were

    lookups.clear()  # the registry is not empty now: every index is looked up
    job = services.import_job_create(incident=empty, actor="cli", path=write_csv(tmp_path / "d.csv", DUPLICATES))
    job = services.import_job_run(job=job, actor="cli")
    assert (job.imported, job.updated, job.duplicates) == (0, 2, 3)
    assert "bidx_member" in lookups


@pytest.mark.django_db
def test_a_change_by_someone_else_during_the_import_turns_the_shortcut_off(
    world: World, empty: Any, tmp_path: Path, lookups: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [["会員ID", "メール"], ["M1", "m1@example.jp"], ["M2", "m2@example.jp"], ["", "x@example.jp"]]
    commit = pipeline._commit
    batches = []

    def commit_then_someone_adds_a_person(*args: Any, **kwargs: Any) -> None:
        commit(*args, **kwargs)
        batches.append(1)
        if len(batches) == 1:  # between the first and the second batch, the desk enters a person by hand
            services.person_create(incident=empty, actor=world.lead, email="X@example.jp")

    monkeypatch.setattr(pipeline, "_commit", commit_then_someone_adds_a_person)
    job = services.import_job_create(incident=empty, actor="cli", path=write_csv(tmp_path / "x.csv", rows))
    job = services.import_job_run(job=job, actor="cli")
    assert (job.imported, job.updated) == (2, 1)  # the row about x@ updated the person entered by hand
    assert Person.objects.filter(incident=empty).count() == 3
    assert lookups.count("bidx_email") == 1  # only the second batch asked, and found the hand-made entry
