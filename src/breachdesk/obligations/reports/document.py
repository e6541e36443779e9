"""Gather what an export lays out: the header lines, the item headings and texts, and the review state."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from breachdesk.incidents.models import Incident
from breachdesk.obligations.engine import Evaluation
from breachdesk.obligations.models import RegulatorReport, ReportStatus
from breachdesk.obligations.reports.prefill import KIND_TITLES_JA, item_headings, ja_date, report_meta

STATUS_JA = {ReportStatus.DRAFT: "下書き", ReportStatus.APPROVED: "承認済み", ReportStatus.SUBMITTED: "提出済み"}


@dataclass(frozen=True)
class ReportDocument:
    jurisdiction: str
    kind: str
    title: str
    meta: list[tuple[str, str]]
    sections: list[tuple[str, str]]  # (numbered heading, text)
    status_line: str

    @property
    def file_stem(self) -> str:
        return f"{self.kind}-{self.jurisdiction.lower()}"


def report_document(
    *,
    incident: Incident,
    jurisdiction: str,
    kind: str,
    content: dict[str, str],
    evaluation: Evaluation | None,
    report: RegulatorReport | None = None,
) -> ReportDocument:
    """Return the export of ``content``; ``report`` is ``None`` for the prefill of a report not drafted yet."""
    headings = item_headings(jurisdiction)
    if jurisdiction == "JP":
        title = f"個人データの漏えい等に関する報告（{KIND_TITLES_JA.get(kind, kind)}）草案"
        sections = [(f"{n} {heading}", content.get(key, "")) for n, (key, heading) in enumerate(headings, start=1)]
    else:
        title = (
            "Personal data breach notification to the controller (GDPR Art. 33(2)) — draft"
            if kind == "to_principal"
            else "Personal data breach notification (GDPR Art. 33) — draft"
        )
        sections = [(heading, content.get(key, "")) for key, heading in headings]
    if report is None:
        status = "未保存の下書き（自動作成）" if jurisdiction == "JP" else "Unsaved draft (prefilled)"
    elif jurisdiction == "JP":
        status = STATUS_JA[ReportStatus(report.status)]
        if report.approved_at:
            status += f"／承認: {ja_date(timezone.localtime(report.approved_at).date())}"
        if report.submitted_on:
            status += f"／提出: {ja_date(report.submitted_on)}"
    else:
        status = report.get_status_display()
        if report.submitted_on:
            status += f" / submitted {report.submitted_on.isoformat()}"
    meta = report_meta(incident=incident, jurisdiction=jurisdiction, kind=kind, evaluation=evaluation)
    return ReportDocument(jurisdiction, kind, title, meta, sections, status)
