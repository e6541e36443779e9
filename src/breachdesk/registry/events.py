"""Create the registry's timeline events: one creator per kind. Data holds counts and ids, never personal data."""

from __future__ import annotations

from typing import Any

from breachdesk.core import timeline
from breachdesk.core.models import TimelineEvent
from breachdesk.registry.models import ImportJob

IMPORT_FINISHED = "registry.import_finished"
IMPORT_FAILED = "registry.import_failed"
IMPORT_INTERRUPTED = "registry.import_interrupted"
IMPORT_RESUMED = "registry.import_resumed"
JOB_ROLLED_BACK = "registry.job_rolled_back"
JOB_DELETED = "registry.job_deleted"
LEAK_MATCHED = "registry.leak_matched"
PERSON_ADDED = "registry.person_added"
EXPORTED = "registry.exported"


def _counts(job: ImportJob) -> dict[str, Any]:
    return {
        "job": job.pk,
        "file": job.file_name,
        "source": job.source,
        "rows": job.rows,
        "imported": job.imported,
        "updated": job.updated,
        "duplicates": job.duplicates,
        "rejected": job.rejected,
    }


def import_finished_event(*, job: ImportJob, actor: Any) -> TimelineEvent:
    return timeline.record(incident=job.incident, actor=actor, kind=IMPORT_FINISHED, data=_counts(job))


def import_failed_event(*, job: ImportJob, actor: Any, code: str) -> TimelineEvent:
    return timeline.record(incident=job.incident, actor=actor, kind=IMPORT_FAILED, data={**_counts(job), "error": code})


def import_interrupted_event(*, job: ImportJob, actor: Any) -> TimelineEvent:
    return timeline.record(
        incident=job.incident,
        actor=actor,
        kind=IMPORT_INTERRUPTED,
        data={**_counts(job), "checkpoint_row": job.checkpoint_row},
    )


def import_resumed_event(*, job: ImportJob, actor: Any) -> TimelineEvent:
    return timeline.record(
        incident=job.incident,
        actor=actor,
        kind=IMPORT_RESUMED,
        data={**_counts(job), "checkpoint_row": job.checkpoint_row},
    )


def job_rolled_back_event(*, job: ImportJob, actor: Any, removed: int, restored: int) -> TimelineEvent:
    return timeline.record(
        incident=job.incident,
        actor=actor,
        kind=JOB_ROLLED_BACK,
        data={"job": job.pk, "kind": job.kind, "removed": removed, "restored": restored},
    )


def job_deleted_event(*, incident: Any, actor: Any, job_id: int, kind: str) -> TimelineEvent:
    return timeline.record(incident=incident, actor=actor, kind=JOB_DELETED, data={"job": job_id, "kind": kind})


def leak_matched_event(*, job: ImportJob, actor: Any) -> TimelineEvent:
    return timeline.record(
        incident=job.incident,
        actor=actor,
        kind=LEAK_MATCHED,
        data={
            "job": job.pk,
            "file": job.file_name,
            "rows": job.rows,
            "matched": job.matched,
            "unmatched": job.unmatched,
            "items": job.item_keys,
            **job.result,
        },
    )


def person_added_event(*, person: Any, actor: Any) -> TimelineEvent:
    return timeline.record(
        incident=person.incident,
        actor=actor,
        kind=PERSON_ADDED,
        data={"person": person.pk, "affected": person.affected, "items": person.item_keys},
    )


def exported_event(*, incident: Any, actor: Any, fmt: str, encoding: str, masked: bool, people: int) -> TimelineEvent:
    return timeline.record(
        incident=incident,
        actor=actor,
        kind=EXPORTED,
        data={"format": fmt, "encoding": encoding, "masked": masked, "people": people},
    )
