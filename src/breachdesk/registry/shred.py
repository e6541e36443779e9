"""Remove a shredded incident's registry files: uploads (plaintext), error files and match reports."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.utils import timezone

from breachdesk.core.shred import remove_tree
from breachdesk.registry.models import ImportJob, JobStatus

UNFINISHED = (JobStatus.PENDING, JobStatus.QUEUED, JobStatus.RUNNING, JobStatus.INTERRUPTED)


def registry_files_remove(incident_id: int) -> int:
    """Delete the incident's registry directory and every job file outside it; end its unfinished jobs."""
    removed = 0
    jobs = ImportJob.objects.filter(incident_id=incident_id)
    for job in jobs.only("file_path", "owns_file", "errors_path", "report_path"):
        for path in (job.errors_path, job.report_path, job.file_path if job.owns_file else ""):
            if path and Path(path).is_file():
                Path(path).unlink()
                removed += 1
    removed += remove_tree(Path(settings.VAR_DIR) / "registry" / str(incident_id))
    jobs.filter(status__in=UNFINISHED).update(
        status=JobStatus.FAILED,
        message="The incident was shredded; the job's files were deleted.",
        finished_at=timezone.now(),
    )
    jobs.update(file_path="", errors_path="", report_path="", owns_file=False)
    return removed
