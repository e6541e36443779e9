"""Run the task worker's claim-and-run steps inside a test, the way ``breachdesk db_worker --batch`` does."""

from __future__ import annotations


def run_worker() -> int:
    """Run every ready task and return how many ran.

    The worker's own loop closes "old" connections, which would close the test's transaction on PostgreSQL; this runs
    the same claim-and-``run_task`` steps without that.
    """
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="test-worker",
        excluded_queue_names=[],
    )
    ran = 0
    while (result := DBTaskResult.objects.ready().filter(backend_name="default").first()) is not None:
        result.claim("test-worker")
        worker.run_task(result)
        ran += 1
    return ran
