"""Change the registry: create and run import and match jobs, roll them back, delete them, add people, export.

Every state change writes one timeline event (``registry.events``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from breachdesk.core.errors import ApplicationError, Conflict, ValidationFailed
from breachdesk.incidents.models import Incident
from breachdesk.registry import events, matching
from breachdesk.registry import items as vocabulary
from breachdesk.registry.importing import encoding as encodings
from breachdesk.registry.importing import files, pipeline
from breachdesk.registry.importing.bulk import SNAPSHOT_COLUMNS, RawDB
from breachdesk.registry.importing.errors import BadFile
from breachdesk.registry.models import ENCRYPTED, ImportJob, JobKind, JobStatus, Person, PersonUndo, Source
from breachdesk.registry.signals import registry_changed

logger = logging.getLogger(__name__)
RUNNABLE = (JobStatus.PENDING, JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.INTERRUPTED)


def _actor_label(actor: Any) -> str:
    return actor if isinstance(actor, str) else (actor.get_username() if actor is not None else "system")


def _clean(obj: Any) -> None:
    try:
        obj.full_clean()
    except ValidationError as exc:
        raise ValidationFailed("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None


def import_job_create(
    *,
    incident: Incident,
    actor: Any,
    path: str | Path,
    file_name: str = "",
    kind: str = JobKind.IMPORT,
    source: str = Source.MASTER,
    encoding: str = "auto",
    mapping: dict[str, str] | None = None,
    items: list[str] | None = None,
    sheet: str | None = None,
    owns_file: bool = False,
    status: str = JobStatus.QUEUED,
) -> ImportJob:
    """Record a job for the file at ``path``; ``owns_file`` says the job deletes it when it ends (uploads)."""
    if encoding != "auto":
        encodings.codec_for(encoding)
    try:
        item_keys = [k for k in (items or []) if k]
        vocabulary.mask_of(item_keys)
    except KeyError as exc:
        raise BadFile(
            f"{exc.args[0]!r} is not a data-item key (see data-items.md).", code="registry.bad_items"
        ) from None
    if kind == JobKind.IMPORT and source not in (Source.MASTER, Source.AFFECTED_LIST):
        raise BadFile("An import's source is master or affected_list.", code="registry.bad_source")
    job = ImportJob(
        incident=incident,
        kind=kind,
        status=status,
        source=source if kind == JobKind.IMPORT else Source.LEAK_MATCH,
        file_name=(file_name or Path(path).name)[:255],
        file_path=str(path),
        owns_file=owns_file,
        options={"encoding": encoding, "map": mapping or {}, "items": item_keys, "sheet": sheet or ""},
        created_by=actor if actor is not None and not isinstance(actor, str) else None,
        actor_label=_actor_label(actor),
    )
    _clean(job)
    job.save()
    return job


def import_job_configure(*, job: ImportJob, mapping: dict[str, str], source: str, items: list[str]) -> ImportJob:
    """Set the column mapping of a pending (uploaded) job and queue it."""
    if job.status != JobStatus.PENDING:
        raise Conflict("Only a job waiting for its column mapping can be configured.", code="registry.not_pending")
    try:
        vocabulary.mask_of(items)
    except KeyError as exc:
        raise BadFile(f"{exc.args[0]!r} is not a data-item key.", code="registry.bad_items") from None
    job.options = {**job.options, "map": mapping, "items": items}
    import_job_validate_mapping(job=job, mapping=mapping)
    if job.kind == JobKind.IMPORT:
        job.source = source
    job.status = JobStatus.QUEUED
    _clean(job)
    job.save()
    return job


def import_job_run(*, job: ImportJob, actor: Any, progress: Callable[[ImportJob], None] | None = None) -> ImportJob:
    """Run (or resume) an import or match job to the end.

    Bad input rolls the job back so nothing in the registry changes, marks it failed and re-raises ``BadFile``.
    Any other interruption leaves it ``interrupted``: the rows up to its checkpoint are in, and it can be resumed
    or rolled back.
    """
    job.refresh_from_db()
    if job.status not in RUNNABLE:
        raise Conflict(f"Job #{job.pk} is {job.get_status_display()}; it cannot run.", code="registry.not_runnable")
    try:
        if job.kind == JobKind.MATCH:
            matching.run_match(job, progress=progress)
        else:
            pipeline.run_import(job, progress=progress)
    except BadFile as exc:
        _revert(job)
        job.refresh_from_db()
        job.status = JobStatus.FAILED
        job.message = str(exc.message)
        job.finished_at = timezone.now()
        job.save()
        _drop_upload(job)
        events.import_failed_event(job=job, actor=actor, code=exc.code)
        raise
    except BaseException:
        job.refresh_from_db()
        job.status = JobStatus.INTERRUPTED
        job.save(update_fields=["status", "updated_at"])
        events.import_interrupted_event(job=job, actor=actor)
        raise
    job.status = JobStatus.DONE
    job.finished_at = timezone.now()
    job.save()
    _drop_upload(job)
    if job.kind == JobKind.MATCH:
        events.leak_matched_event(job=job, actor=actor)
    else:
        events.import_finished_event(job=job, actor=actor)
    logger.info("registry job %s done: %s rows", job.pk, job.rows)
    registry_changed.send(sender=ImportJob, incident=job.incident)
    return job


def import_job_resume(*, job: ImportJob, actor: Any) -> ImportJob:
    """Queue an interrupted job to go on from its checkpoint; the caller enqueues ``tasks.registry_job_run``."""
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != JobStatus.INTERRUPTED:
            raise Conflict(
                gettext("Only an interrupted job can be resumed; this one is: %(status)s.")
                % {"status": job.get_status_display()},
                code="registry.not_interrupted",
            )
        if not job.file_path or not Path(job.file_path).is_file():
            raise Conflict(
                gettext("The job's uploaded file is no longer there: roll the job back and upload the file again."),
                code="registry.file_gone",
            )
        job.status = JobStatus.QUEUED
        job.save(update_fields=["status", "updated_at"])
        events.import_resumed_event(job=job, actor=actor)
    return job


def _drop_upload(job: ImportJob) -> None:
    """Delete an uploaded file as soon as it is not needed: it holds plaintext personal data."""
    if job.owns_file and job.status in (JobStatus.DONE, JobStatus.FAILED, JobStatus.ROLLED_BACK):
        files.remove(job.file_path)


def _revert(job: ImportJob) -> tuple[int, int]:
    """Remove the people the job added and restore the people it changed; return (removed, restored)."""
    db = RawDB()
    assignments = ", ".join(f"{c} = {db.ph}" for c in SNAPSHOT_COLUMNS)
    restored = 0
    with transaction.atomic():
        cursor = db.cursor()
        try:
            batch: list[tuple[Any, ...]] = []
            undo = PersonUndo.objects.filter(job=job).values_list(*SNAPSHOT_COLUMNS, "person_id")
            for row in undo.iterator(chunk_size=5000):
                batch.append(row)
                if len(batch) >= 5000:
                    cursor.executemany(f"UPDATE registry_person SET {assignments} WHERE id = {db.ph}", batch)  # noqa: S608
                    restored += len(batch)
                    batch = []
            if batch:
                cursor.executemany(f"UPDATE registry_person SET {assignments} WHERE id = {db.ph}", batch)  # noqa: S608
                restored += len(batch)
        finally:
            cursor.close()
        removed, _ = Person.objects.filter(incident_id=job.incident_id, import_job=job).delete()
        PersonUndo.objects.filter(job=job).delete()
    return removed, restored


def import_job_rollback(*, job: ImportJob, actor: Any) -> ImportJob:
    """Undo a job: remove the people it added and restore the people it changed, exactly as they were."""
    if job.status not in (JobStatus.DONE, JobStatus.INTERRUPTED, JobStatus.RUNNING):
        raise Conflict(
            f"Job #{job.pk} is {job.get_status_display()}; only a finished or interrupted job can be rolled back.",
            code="registry.not_rollbackable",
        )
    later = (
        ImportJob.objects.filter(incident_id=job.incident_id, pk__gt=job.pk)
        .exclude(status__in=[JobStatus.ROLLED_BACK, JobStatus.FAILED, JobStatus.PENDING])
        .order_by("-pk")
        .first()
    )
    if later is not None:
        raise Conflict(
            f"Job #{later.pk} ran after this one; roll it back first.",
            code="registry.later_job",
            extra={"job": later.pk},
        )
    removed, restored = _revert(job)
    job.status = JobStatus.ROLLED_BACK
    job.finished_at = timezone.now()
    job.save()
    _drop_upload(job)
    events.job_rolled_back_event(job=job, actor=actor, removed=removed, restored=restored)
    registry_changed.send(sender=ImportJob, incident=job.incident)
    return job


def import_job_delete(*, job: ImportJob, actor: Any) -> None:
    """Delete a job and its side files (error file, match report, upload); the people it imported stay."""
    if job.status in (JobStatus.RUNNING, JobStatus.QUEUED):
        raise Conflict("A queued or running job cannot be deleted.", code="registry.job_busy")
    for path in (job.errors_path, job.report_path):
        files.remove(path)
    if job.owns_file:
        files.remove(job.file_path)
    incident, job_id, kind = job.incident, job.pk, job.kind
    job.delete()
    events.job_deleted_event(incident=incident, actor=actor, job_id=job_id, kind=kind)


def person_create(
    *,
    incident: Incident,
    actor: Any,
    member_id: str = "",
    name: str = "",
    name_kana: str = "",
    email: str = "",
    phone: str = "",
    postal_code: str = "",
    address: str = "",
    birth_date: str = "",
    affected: bool = False,
    items: list[str] | None = None,
    source: str = Source.MASTER,
) -> Person:
    """Add one person through the ORM (the desk's manual entry); bulk files go through ``import_job_run``."""
    from breachdesk.registry.importing.bulk import index_keys
    from breachdesk.registry.importing.mapping import ColumnMap
    from breachdesk.registry.importing.validate import RowError, RowReader

    values = {
        "member_id": member_id,
        "name": name,
        "name_kana": name_kana,
        "email": email,
        "phone": phone,
        "postal_code": postal_code,
        "address": address,
        "birth_date": birth_date,
    }
    keys = list(values)
    reader = RowReader(ColumnMap(headers=keys, keys=list(keys), ignored=[]), items_mask=None, affected=False)
    try:
        record = reader.read(0, [values[k] for k in keys])
    except RowError as exc:
        raise ValidationFailed(f"{exc.column}: {exc.reason}.", code="registry.bad_value") from None
    if record is None:
        raise ValidationFailed("A person needs a member ID, an email address or a phone number.")
    from breachdesk.core.crypto import cipher_for

    cipher = cipher_for(incident.pk)
    now = timezone.now()
    person = Person(
        incident=incident,
        affected=affected or bool(items),
        items=vocabulary.mask_of(items or []),
        source=source,
        created_at=now,
        updated_at=now,
    )
    for column, value in zip(
        ("bidx_member", "bidx_email", "bidx_phone", "bidx_name_birth", "bidx_name_address"),
        index_keys(cipher, record),
        strict=True,
    ):
        setattr(person, column, value)
    for label in ENCRYPTED:
        setattr(person, label, getattr(record, label) or None)
    _clean(person)
    with transaction.atomic():
        person.save()
        events.person_added_event(person=person, actor=actor)
    registry_changed.send(sender=Person, incident=incident)
    return person


def person_export(
    *, incident: Incident, actor: Any, fmt: str, encoding: str, full: bool, out: Any, route: str = "cli"
) -> int:
    """Write the registry to ``out`` (a binary file) as CSV or XLSX, masked unless ``full``; return the count.

    The caller checks the role: a full export needs ``Capability.EXPORT_PII``. Every export writes an event and a
    read on the access log (``export:<event id>``, with the columns and whether they were masked).
    """
    from breachdesk.registry import exporting

    if fmt not in ("csv", "xlsx"):
        raise ValidationFailed("The format is csv or xlsx.", code="registry.bad_format")
    if fmt == "csv" and encoding not in ("utf-8", "cp932"):
        raise ValidationFailed("A CSV export is in utf-8 (with BOM) or cp932.", code="registry.bad_encoding")
    try:
        count = exporting.write(incident=incident, fmt=fmt, encoding=encoding, masked=not full, out=out)
    except ApplicationError:
        raise
    event = events.exported_event(
        incident=incident,
        actor=actor,
        fmt=fmt,
        encoding=encoding if fmt == "csv" else "",
        masked=not full,
        people=count,
    )
    from breachdesk.core import access_log

    columns = [label if full else f"{label} (masked)" for label in ENCRYPTED]
    access_log.record(incident=incident, actor=actor, obj=f"export:{event.pk}", fields=columns, route=route)
    return count


def upload_store(*, incident: Incident, upload: Any) -> Path:
    """Store an uploaded file privately (mode 0600, under VAR_DIR) until its job ends; enforce the size cap."""
    import os
    import uuid

    from breachdesk.registry.importing.readers import max_bytes

    limit = max_bytes()
    if upload.size is not None and upload.size > limit:
        raise BadFile(f"The file is larger than the limit of {limit / 1024**3:.1f} GB.", code="registry.file_too_large")
    suffix = Path(upload.name).suffix.lower()[:8]
    path = files.registry_dir(incident.pk) / f"upload-{uuid.uuid4().hex}{suffix}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(fd, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return path


def import_preview(*, job: ImportJob, rows: int = 5) -> dict[str, Any]:
    """Return the file's headers, the suggested item per column and a few masked sample rows."""
    from breachdesk.registry.masking import mask

    table, column_map = pipeline.open_for_job(job, strict=False)
    try:
        samples = []
        for _number, cells in table.rows:
            if not any(c.strip() for c in cells):
                continue
            samples.append(
                [mask(key or "", cells[i] if i < len(cells) else "") for i, key in enumerate(column_map.keys)]
            )
            if len(samples) >= rows:
                break
    finally:
        table.close()
    return {"headers": column_map.headers, "keys": column_map.keys, "samples": samples, "encoding": table.encoding}


def import_job_validate_mapping(*, job: ImportJob, mapping: dict[str, str]) -> None:
    """Raise ``BadFile`` unless ``mapping`` fits the job's file (no duplicate items, an identifier present)."""
    from breachdesk.registry.importing.mapping import map_headers, require_identifier

    table, _ = pipeline.open_for_job(job, strict=False)
    table.close()
    column_map = map_headers(table.header, mapping, strict=True)
    require_identifier(column_map, allow_name=job.kind == JobKind.MATCH)
