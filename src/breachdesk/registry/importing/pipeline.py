"""Run an import job: stream the file, validate rows, write batches with checkpoints, finish or roll back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils import timezone

from breachdesk.core.crypto import cipher_for
from breachdesk.registry import items as vocabulary
from breachdesk.registry.importing import files
from breachdesk.registry.importing.bulk import BatchWriter, RawDB
from breachdesk.registry.importing.errors import BadFile
from breachdesk.registry.importing.mapping import ColumnMap, map_headers, require_identifier
from breachdesk.registry.importing.readers import Table, open_table
from breachdesk.registry.importing.validate import Record, RowError, RowReader
from breachdesk.registry.masking import mask
from breachdesk.registry.models import ImportJob, JobStatus, Source

BATCH_ROWS = 5000
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
        keys_by_header = dict(zip(column_map.headers, column_map.keys, strict=True))
        batch: list[Record] = []
        seen_rows = 0
        last_row = resume_from
        for number, cells in table.rows:
            if number <= resume_from:
                seen_rows += 1
                continue
            last_row = number
            try:
                record = reader.read(number, cells)
            except RowError as exc:
                seen_rows += 1
                side.write([number, exc.column, exc.reason, mask(keys_by_header.get(exc.column) or "", exc.value)])
                job.rejected += 1
                continue
            if record is None:
                continue
            seen_rows += 1
            batch.append(record)
            if len(batch) >= BATCH_ROWS:
                _commit(job, writer, batch, last_row, table, side)
                batch = []
                if progress:
                    progress(job)
        if seen_rows == 0:
            raise BadFile("The file has a header but no rows.", code="registry.header_only")
        _commit(job, writer, batch, last_row, table, side, final=True)
        if progress:
            progress(job)
        return job
    finally:
        table.close()
        if side is not None:
            side.close()


def _commit(
    job: ImportJob,
    writer: BatchWriter,
    batch: list[Record],
    last_row: int,
    table: Table,
    side: files.SideFile,
    *,
    final: bool = False,
) -> None:
    """Write one batch and move the checkpoint in the same transaction."""
    side.flush()
    now = timezone.now()
    with transaction.atomic():
        counts = writer.write(batch, now)
        job.imported += counts.imported
        job.updated += counts.updated
        job.duplicates += counts.duplicates
        job.rows = job.imported + job.updated + job.duplicates + job.rejected
        job.checkpoint_row = last_row
        job.bytes_done = table.total if final else table.progress()
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
