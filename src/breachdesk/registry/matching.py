"""Find which registry members appear in a leaked file, how strongly, and who in the file matched nobody."""

# ruff: noqa: S608 - SQL text is built only from constant column names; every value is a bound parameter.
from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from breachdesk.core import jptext
from breachdesk.core.crypto import cipher_for
from breachdesk.registry import items as vocabulary
from breachdesk.registry.importing import files
from breachdesk.registry.importing.bulk import BIDX_COLUMNS, RawDB, index_keys, snapshot_people
from breachdesk.registry.importing.errors import BadFile
from breachdesk.registry.importing.mapping import require_identifier
from breachdesk.registry.importing.pipeline import open_for_job
from breachdesk.registry.importing.validate import Record, looks_like_formula, parse_date
from breachdesk.registry.masking import mask
from breachdesk.registry.models import ImportJob, JobStatus

BATCH_ROWS = 5000
# Index slot (in BIDX_COLUMNS order), what matched, and the strength of such a match, strongest first.
RULES = (
    (0, "member_id", "strong"),
    (1, "email", "strong"),
    (2, "phone", "strong"),
    (3, "name_birth", "medium"),
    (4, "name_address", "weak"),
)
SHOWN = ("member_id", "name", "email", "phone", "birth_date", "address")


def _lenient(number: int, cells: list[str], columns: list[tuple[int, str]]) -> tuple[Record, dict[str, str]]:
    """Return what a leaked row says, skipping values that do not parse (a leak is not ours to validate)."""
    record = Record(row=number)
    raw: dict[str, str] = {}
    for index, key in columns:
        if index >= len(cells):
            continue
        value = cells[index].strip()
        if not value or "\x00" in value or looks_like_formula(value):
            continue
        raw[key] = value
        try:
            if key == "member_id":
                record.member_id = jptext.normalize_whitespace(jptext.nfkc(value))
            elif key == "email":
                record.email_key = record.email = jptext.normalize_email(value)
            elif key == "phone":
                record.phone_e164 = jptext.normalize_phone(value)
            elif key == "name":
                record.name = value
            elif key == "birth_date":
                record.birth_date = parse_date(value).isoformat()
            elif key == "address":
                record.address = jptext.nfkc(value)
        except ValueError:
            continue
    return record, raw


def run_match(job: ImportJob, *, progress: Callable[[ImportJob], None] | None = None) -> ImportJob:
    """Match ``job``'s leaked file against the registry and mark the matched people affected."""
    table, column_map = open_for_job(job, strict=False)
    unmatched_file: files.SideFile | None = None
    report_file: files.SideFile | None = None
    try:
        require_identifier(column_map, allow_name=True)
        job.items = vocabulary.mask_of(column_map.item_keys)
        cipher = cipher_for(job.incident_id)
        db = RawDB()
        columns = [(i, k) for i, k in enumerate(column_map.keys) if k in SHOWN]
        unmatched_path = files.job_file(job.incident_id, job.pk, "unmatched.csv")
        report_path = files.job_file(job.incident_id, job.pk, "matches.csv")
        unmatched_file = files.SideFile(unmatched_path, ["row", "reason", *[f"{k} (masked)" for _, k in columns]])
        report_file = files.SideFile(report_path, ["row", "person", "matched_on", "strength"])
        job.errors_path, job.report_path = str(unmatched_path), str(report_path)
        job.encoding, job.bytes_total, job.status = table.encoding, table.total, JobStatus.RUNNING
        job.started_at = timezone.now()
        job.save()
        strengths: Counter[str] = Counter()
        batch: list[tuple[Record, dict[str, str]]] = []
        for number, cells in table.rows:
            if not any(c.strip() for c in cells):
                continue
            batch.append(_lenient(number, cells, columns))
            if len(batch) >= BATCH_ROWS:
                _match_batch(job, db, cipher, batch, strengths, unmatched_file, report_file, columns, table)
                batch = []
                if progress:
                    progress(job)
        if not batch and job.rows == 0:
            raise BadFile("The file has a header but no rows.", code="registry.header_only")
        _match_batch(job, db, cipher, batch, strengths, unmatched_file, report_file, columns, table)
        job.bytes_done = job.bytes_total
        job.result = {"strength": dict(strengths), "people": _people_marked(job)}
        return job
    finally:
        table.close()
        for side in (unmatched_file, report_file):
            if side is not None:
                side.close()


def _people_marked(job: ImportJob) -> int:
    from breachdesk.registry.models import PersonUndo

    return PersonUndo.objects.filter(job=job).count()


def _match_batch(
    job: ImportJob,
    db: RawDB,
    cipher: Any,
    batch: list[tuple[Record, dict[str, str]]],
    strengths: Counter[str],
    unmatched_file: files.SideFile,
    report_file: files.SideFile,
    columns: list[tuple[int, str]],
    table: Any,
) -> None:
    keys = [index_keys(cipher, record) for record, _raw in batch]
    found: list[tuple[int, str, str] | None] = [None] * len(batch)
    with transaction.atomic():
        cursor = db.cursor()
        try:
            head = f"SELECT id, {', '.join(BIDX_COLUMNS)} FROM registry_person WHERE incident_id = {db.ph}"
            for slot, on, strength in RULES:
                pending = [i for i in range(len(batch)) if found[i] is None and keys[i][slot] is not None]
                if not pending:
                    continue
                values = list({bytes(keys[i][slot]) for i in pending})  # type: ignore[arg-type]
                hits: dict[bytes, int] = {}
                for row in db.select_in(cursor, head, BIDX_COLUMNS[slot], values, [job.incident_id]):
                    hits.setdefault(bytes(row[1 + slot]), row[0])
                for i in pending:
                    person = hits.get(bytes(keys[i][slot]))  # type: ignore[arg-type]
                    if person is not None:
                        found[i] = (person, on, strength)
            people = sorted({hit[0] for hit in found if hit is not None})
            if people:
                ph = db.ph
                already = {
                    row[0]
                    for row in db.select_in(
                        cursor,
                        f"SELECT person_id FROM registry_personundo WHERE job_id = {ph}",
                        "person_id",
                        people,
                        [job.pk],
                    )
                }
                snapshot_people(db, cursor, job_id=job.pk, person_ids=[p for p in people if p not in already])
                stamp = db.now(timezone.now())
                cursor.executemany(
                    f"UPDATE registry_person SET affected = {ph}, items = (items | {ph}), updated_at = {ph} "
                    f"WHERE id = {ph}",
                    [(True, job.items, stamp, p) for p in people],
                )
        finally:
            cursor.close()
        for (record, raw), hit in zip(batch, found, strict=True):
            job.rows += 1
            if hit is None:
                job.unmatched += 1
                unmatched_file.write([record.row, "no match", *[mask(k, raw.get(k, "")) for _, k in columns]])
            else:
                job.matched += 1
                strengths[hit[2]] += 1
                report_file.write([record.row, hit[0], hit[1], hit[2]])
        unmatched_file.flush()
        report_file.flush()
        job.bytes_done = table.progress()
        ImportJob.objects.filter(pk=job.pk).update(
            rows=job.rows, matched=job.matched, unmatched=job.unmatched, bytes_done=job.bytes_done, items=job.items
        )


def counts_of(job: ImportJob) -> dict[str, Any]:
    """Return the match's counts in the CLI's JSON shape."""
    return {
        "rows": job.rows,
        "matched": job.matched,
        "unmatched": job.unmatched,
        "items": job.item_keys,
        "unmatched_file": job.errors_path if job.unmatched and job.errors_path else None,
    }
