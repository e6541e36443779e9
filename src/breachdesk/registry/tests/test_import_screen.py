"""The import's duplicate screen: a row is looked up unless it is certainly new, and never wrongly called new."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from breachdesk.core.crypto import cipher_for
from breachdesk.registry import selectors, services
from breachdesk.registry.importing import bulk, pipeline
from breachdesk.registry.importing.screen import FILTER_BITS, MIN_FILTER_BITS, SeenKeys, filter_bits
from breachdesk.registry.models import ImportJob, Person
from breachdesk.registry.tests.helpers import write_csv
from breachdesk.testing.factories import incident_create
from breachdesk.testing.fixtures import World

HEADER = ["会員ID", "メール", "電話", "氏名"]
# Three rows per batch: each duplicate below sits in a later batch than the row it repeats.
ROWS = [
    ["S1", "s1@example.jp", "090-3333-0001", "一"],
    ["S2", "s2@example.jp", "090-3333-0002", "二"],
    ["S3", "s3@example.jp", "090-3333-0003", "三"],
    ["S1", "", "", "一 改"],  # the member ID of row 2
    ["", "S2@EXAMPLE.JP", "", ""],  # the email of row 3
    ["", "", "09033330003", ""],  # the phone of row 4
    ["S4", "s4@example.jp", "090-3333-0004", "四"],
    ["S5", "s5@example.jp", "090-3333-0003", "家族"],  # shares S3's phone, but another member: kept apart
]


def test_a_key_once_added_is_always_reported_and_new_keys_rarely_are() -> None:
    rng = random.Random(20261121)
    seen = SeenKeys(filter_bits(20000))
    added = [tuple(rng.randbytes(16) for _ in range(3)) for _ in range(20000)]
    first = sum(seen.add_and_check(keys) for keys in added)
    assert first < 200  # a random key is new: only filter collisions report it
    assert all(seen.add_and_check((keys[slot], None, None)) for keys in added for slot in range(3))
    fresh = [(rng.randbytes(16),) for _ in range(20000)]
    assert sum(seen.add_and_check(keys) for keys in fresh) < 1000  # about 2% at the sized density


def test_the_filter_size_follows_the_file_within_bounds() -> None:
    assert filter_bits(0) == MIN_FILTER_BITS
    assert filter_bits(10**6) == 1 << 25
    assert filter_bits(10**9) == FILTER_BITS
    with pytest.raises(ValueError, match="power of two"):
        SeenKeys(1000)


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Write three rows a batch and record, per batch, whether the writer screened it."""
    monkeypatch.setattr(pipeline, "BATCH_ROWS", 3)
    screened: list[bool] = []
    write = bulk.BatchWriter.write

    def spy(self: bulk.BatchWriter, records: list[Any], now: Any) -> bulk.BatchCounts:
        screened.append(self.screened)
        return write(self, records, now)

    monkeypatch.setattr(bulk.BatchWriter, "write", spy)
    return screened


@pytest.fixture
def empty(world: World) -> Any:
    """Return an incident with nobody in its registry yet (``world.incident`` has sample people)."""
    return incident_create(lead=world.lead, code="screen-1")


@pytest.mark.django_db
def test_a_screened_import_finds_every_duplicate_across_batches(
    empty: Any, tmp_path: Path, small_batches: list[bool]
) -> None:
    job = services.import_job_create(incident=empty, actor="cli", path=write_csv(tmp_path / "s.csv", [HEADER, *ROWS]))
    job = services.import_job_run(job=job, actor="cli")
    assert small_batches == [True, True, True]
    assert (job.imported, job.updated, job.duplicates) == (5, 0, 3)
    s1 = selectors.person_lookup(incident=empty, member_id="S1")
    assert s1 is not None
    assert s1.name == "一 改"
    s5 = selectors.person_lookup(incident=empty, member_id="S5")
    assert s5 is not None
    assert s5.name == "家族"


@pytest.mark.django_db
def test_an_import_into_an_incident_with_people_looks_every_row_up(
    world: World, tmp_path: Path, small_batches: list[bool]
) -> None:
    services.person_create(incident=world.incident, actor=world.lead, member_id="S4", name="手入力")
    job = services.import_job_create(
        incident=world.incident, actor="cli", path=write_csv(tmp_path / "s.csv", [HEADER, *ROWS])
    )
    job = services.import_job_run(job=job, actor="cli")
    assert small_batches == [False, False, False]
    assert (job.imported, job.updated, job.duplicates) == (4, 1, 3)
    s4 = cipher_for(world.incident.pk).blind_index("member_id", "S4")
    assert Person.objects.filter(incident=world.incident, bidx_member=s4).count() == 1


@pytest.mark.django_db
def test_a_person_added_during_a_screened_import_is_found_by_its_later_rows(
    world: World, empty: Any, tmp_path: Path, small_batches: list[bool]
) -> None:
    added: list[Person] = []

    def add_s4_after_the_first_batch(job: ImportJob) -> None:
        if not added:
            added.append(services.person_create(incident=empty, actor=world.lead, member_id="S4"))

    job = services.import_job_create(incident=empty, actor="cli", path=write_csv(tmp_path / "s.csv", [HEADER, *ROWS]))
    job = services.import_job_run(job=job, actor="cli", progress=add_s4_after_the_first_batch)
    assert small_batches == [True, False, False]  # the manual entry stopped the screen
    assert (job.imported, job.updated) == (4, 1)
    assert (
        Person.objects.filter(incident=empty, bidx_member=cipher_for(empty.pk).blind_index("member_id", "S4")).count()
        == 1
    )


@pytest.mark.django_db
def test_another_running_job_stops_the_screen(empty: Any, tmp_path: Path, small_batches: list[bool]) -> None:
    other = services.import_job_create(
        incident=empty, actor="cli", path=write_csv(tmp_path / "o.csv", [HEADER, ROWS[0]])
    )
    ImportJob.objects.filter(pk=other.pk).update(status="running")
    job = services.import_job_create(incident=empty, actor="cli", path=write_csv(tmp_path / "s.csv", [HEADER, *ROWS]))
    services.import_job_run(job=job, actor="cli")
    assert small_batches == [False, False, False]


@pytest.mark.django_db
def test_the_writer_refreshes_the_planner_statistics_as_the_job_doubles_the_rows(
    empty: Any, tmp_path: Path, small_batches: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bulk, "ANALYZE_FIRST_ROWS", 2)
    calls: list[int] = []
    analyze = bulk.RawDB.analyze_people

    def spy(self: bulk.RawDB) -> None:
        calls.append(1)
        analyze(self)  # really ANALYZE on PostgreSQL

    monkeypatch.setattr(bulk.RawDB, "analyze_people", spy)
    job = services.import_job_create(incident=empty, actor="cli", path=write_csv(tmp_path / "s.csv", [HEADER, *ROWS]))
    services.import_job_run(job=job, actor="cli")
    assert len(calls) == 2  # after 3 written rows (>= 2) and after 6 (>= 2 x 3), not after 8 (< 2 x 6)
