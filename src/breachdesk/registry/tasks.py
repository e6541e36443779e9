"""Run registry jobs in the background worker."""

from __future__ import annotations

from django_tasks import task

from breachdesk.core.errors import ApplicationError


@task()
def registry_job_run(*, job_id: int, actor_id: int | None) -> dict[str, object]:
    """Run an uploaded import or match job; its status and counts are on the job row for the progress bar."""
    from django.contrib.auth import get_user_model

    from breachdesk.registry import services
    from breachdesk.registry.models import ImportJob

    job = ImportJob.objects.get(pk=job_id)
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else "worker"
    try:
        job = services.import_job_run(job=job, actor=actor)
    except ApplicationError as exc:
        return {"job": job_id, "error": exc.code}
    return {"job": job_id, "status": job.status, "rows": job.rows}
