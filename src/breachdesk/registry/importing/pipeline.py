"""Run an import job: stream the file, validate rows, write batches with checkpoints, finish or roll back."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Generator
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from breachdesk.core.crypto import cipher_for
from breachdesk.registry import items as vocabulary
from breachdesk.registry import selectors
from breachdesk.registry.importing import files
from breachdesk.registry.importing.bulk import BatchWriter, RawDB
from breachdesk.registry.importing.chunks import Chunk, forked, read_chunks
from breachdesk.registry.importing.errors import BadFile
from breachdesk.registry.importing.mapping import ColumnMap, map_headers, require_identifier
from breachdesk.registry.importing.readers import Table, open_table
from breachdesk.registry.importing.validate import RowReader
from breachdesk.registry.masking import mask
from breachdesk.registry.models import ImportJob, JobStatus, Person, Source

# Rows per transaction. Every commit writes each index page its random blind-index keys touched, so larger batches
# write less per row; 20,000 prepared records are ~30 MB.
BATCH_ROWS = 20000
ERROR_HEADER = ["row", "column", "reason", "value (masked)"]
Progress = Callable[[ImportJob], None]


def open_for_job(job: ImportJob, *, strict: bool) -> tuple[Table, ColumnMap]:
    """Open the job's file and map its headers by the job's options; raise ``BadFile`` when it cannot be read."""
    options = job.options or {}
    table = open_table(job.file_path, encoding=options.get("encoding", "auto"), sheet=options.get("sheet") or None)
    try:
        column_map = map_headers(table.header, options.get("map") or {}, strict=strict)
    except BadFile:
        table.close()
        raise
    return table, column_map


def _items_option(job: ImportJob) -> int | None:
    keys = (job.options or {}).get("items") or []
    if not keys:
        return None
    if job.source == Source.MASTER:
        raise BadFile(
            "--items applies to an affected list (--source affected_list), not to a master.", code="registry.bad_items"
        )
    return vocabulary.mask_of(keys)


def run_import(job: ImportJob, *, progress: Progress | None = None) -> ImportJob:
    """Import (or resume) ``job``'s file; raise ``BadFile`` after rolling the job back if the file is bad."""
    resume_from = job.checkpoint_row
    table, column_map = open_for_job(job, strict=True)
    side: files.SideFile | None = None
    chunks: Generator[Chunk] | None = None
    try:
        require_identifier(column_map)
        items_mask = _items_option(job)
        reader = RowReader(column_map, items_mask=items_mask, affected=job.source == Source.AFFECTED_LIST)
        cipher = cipher_for(job.incident_id)
        writer = BatchWriter(
            db=RawDB(),
            cipher=cipher,
            incident_id=job.incident_id,
            job_id=job.pk,
            source=job.source,
            affected=job.source == Source.AFFECTED_LIST,
        )
        errors_path = files.job_file(job.incident_id, job.pk, "errors.csv")
        side = files.SideFile(errors_path, ERROR_HEADER, keep_up_to=resume_from if resume_from else None)
        job.errors_path = str(errors_path)
        job.encoding = table.encoding
        job.bytes_total = table.total
        job.status = JobStatus.RUNNING
        job.started_at = job.started_at or timezone.now()
        job.save(update_fields=["errors_path", "encoding", "bytes_total", "status", "started_at", "updated_at"])
        since = timezone.now()
        if _sole_writer(job, since=since):
            writer.screen(rows=_rows_estimate(table))
        chunks = read_chunks(
            table,
            reader,
            prepare=writer.preparer.prepare,
            mask=mask,
            keys_by_header=dict(zip(column_map.headers, column_map.keys, strict=True)),
            resume_from=resume_from,
            batch_rows=BATCH_ROWS,
        )
        if _fork_reader(job):
            chunks = forked(chunks)
        seen_rows = 0
        for chunk in chunks:
            seen_rows += chunk.seen_rows
            if chunk.final and seen_rows == 0:
                raise BadFile("The file has a header but no rows.", code="registry.header_only")
            for line in chunk.errors:
                side.write(line)
            job.rejected += len(chunk.errors)
            if writer.screened and selectors.registry_written_by_others(job=job, since=since):
                writer.stop_screening()  # someone else now writes this incident: look every row up again
            _commit(job, writer, chunk, side)
            writer.refresh_statistics()
            if progress:
                progress(job)
        return job
    finally:
        if chunks is not None:
            chunks.close()  # ends a forked reader now, not when the traceback is freed
        table.close()
        if side is not None:
            side.close()


def _rows_estimate(table: Table) -> int:
    """Estimate a file's rows from its size: XLSX counts rows; a CSV member row takes about 64 bytes or more."""
    return table.total if table.encoding == "xlsx" else table.total // 64


def _sole_writer(job: ImportJob, *, since: datetime) -> bool:
    """Say whether the job starts as the only writer of an empty incident, so rows can be screened (``screen``)."""
    if job.checkpoint_row:
        return False  # the rows before the checkpoint are stored but will not pass through the screen
    if Person.objects.filter(incident_id=job.incident_id).exists():
        return False
    return not selectors.registry_written_by_others(job=job, since=since)


def _fork_reader(job: ImportJob) -> bool:
    """Say whether a forked process should read the job's file: a large file, two cores and ``fork`` available."""
    if (os.cpu_count() or 1) < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return False
    # From ``BREACHDESK_REGISTRY_FORK_READER_BYTES`` on (8 MiB by default), a forked process reads, validates and
    # encrypts while this one writes (``chunks.forked``); a negative value never forks.
    threshold = int(settings.BREACHDESK_REGISTRY_FORK_READER_BYTES)
    try:
        return threshold >= 0 and os.path.getsize(job.file_path) >= threshold
    except OSError:
        return False


def _commit(job: ImportJob, writer: BatchWriter, chunk: Chunk, side: files.SideFile) -> None:
    """Write one chunk's records and move the checkpoint in the same transaction (its errors are flushed first)."""
    side.flush()
    now = timezone.now()
    with transaction.atomic():
        counts = writer.write(chunk.records, now)
        job.imported += counts.imported
        job.updated += counts.updated
        job.duplicates += counts.duplicates
        job.rows = job.imported + job.updated + job.duplicates + job.rejected
        job.checkpoint_row = chunk.last_row
        job.bytes_done = chunk.progress
        ImportJob.objects.filter(pk=job.pk).update(
            imported=job.imported,
            updated=job.updated,
            duplicates=job.duplicates,
            rejected=job.rejected,
            rows=job.rows,
            checkpoint_row=job.checkpoint_row,
            bytes_done=job.bytes_done,
            updated_at=now,
        )


def counts_of(job: ImportJob) -> dict[str, Any]:
    """Return the job's counts in the CLI's JSON shape."""
    return {
        "rows": job.rows,
        "imported": job.imported,
        "updated": job.updated,
        "duplicates": job.duplicates,
        "rejected": job.rejected,
        "errors_file": job.errors_path if job.rejected and job.errors_path else None,
    }
