"""Render executive reports in the background worker."""

from __future__ import annotations

from django_tasks import task

from breachdesk.costs.reports import report_generate


@task()
def executive_report_generate(*, report_id: int) -> dict[str, object]:
    """Render a queued executive report to PDF and store it in its row."""
    report = report_generate(report_id=report_id, actor="worker")
    return {"report": report_id, "status": report.status, "pages": report.pages}
