"""Queue and render executive reports (the summary PDF). The worker's task calls ``report_generate`` from here.

This module sits below ``services`` and ``tasks``: the task imports it, and ``services`` imports the task to wake
the worker, so no import has to hide inside a function.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from breachdesk.costs import events
from breachdesk.costs.models import ExecutiveReport, ReportStatus
from breachdesk.costs.pdf import summary_pdf
from breachdesk.incidents.models import Incident

logger = logging.getLogger(__name__)


def local_date(now: datetime) -> date:
    return timezone.localtime(now).date()


def report_request(*, incident: Incident, actor: Any, kind: str, now: datetime | None = None) -> ExecutiveReport:
    """Create a queued report row of ``kind`` for today (local date)."""
    now = now or timezone.now()
    user = actor if actor is not None and not isinstance(actor, str) else None
    with transaction.atomic():
        report = ExecutiveReport.objects.create(
            incident=incident, kind=kind, for_date=local_date(now), requested_by=user, status=ReportStatus.QUEUED
        )
        events.report_queued_event(report=report, actor=actor)
    return report


def report_generate(*, report_id: int, actor: Any, now: datetime | None = None) -> ExecutiveReport:
    """Render a queued report to PDF and store it. Claims the row first, so two workers never render it twice."""
    claimed = ExecutiveReport.objects.filter(
        pk=report_id, status__in=[ReportStatus.QUEUED, ReportStatus.FAILED]
    ).update(status=ReportStatus.GENERATING, updated_at=timezone.now())
    report = ExecutiveReport.objects.select_related("incident").get(pk=report_id)
    if not claimed:
        return report
    try:
        pdf, pages = summary_pdf(incident=report.incident, now=now or timezone.now())
    except Exception as exc:
        logger.exception("costs: executive report %s failed", report_id)
        with transaction.atomic():
            report.status = ReportStatus.FAILED
            report.error = f"{type(exc).__name__}: {exc}"[:2000]
            report.save(update_fields=["status", "error", "updated_at"])
            events.report_failed_event(report=report, actor=actor, reason=type(exc).__name__)
        return report
    with transaction.atomic():
        report.pdf = pdf
        report.size = len(pdf)
        report.pages = pages
        report.status = ReportStatus.DONE
        report.error = ""
        report.generated_at = timezone.now()
        report.save(update_fields=["pdf", "size", "pages", "status", "error", "generated_at", "updated_at"])
        events.report_generated_event(report=report, actor=actor)
    return report
