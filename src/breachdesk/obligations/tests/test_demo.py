"""The demo incident gets its clocks and a prefilled 速報 that the reviewer can approve and export."""

from __future__ import annotations

import io

import pytest
from docx import Document

from breachdesk.incidents import demo as incidents_demo
from breachdesk.obligations import demo, services
from breachdesk.obligations.models import RegulatorReport, ReportStatus
from breachdesk.obligations.reports.document import report_document
from breachdesk.obligations.reports.docx import report_docx
from breachdesk.obligations.selectors import obligations_get

pytestmark = pytest.mark.django_db


def test_the_demo_evaluates_the_incident_and_drafts_its_preliminary_report_once() -> None:
    logs: list[str] = []
    incidents_demo.build(log=logs.append)
    demo.build(log=logs.append)
    demo.build(log=logs.append)
    report = RegulatorReport.objects.get(incident__code="oco-2026")
    assert (report.jurisdiction, report.kind, report.status) == ("JP", "preliminary", ReportStatus.DRAFT)
    assert report.author is not None
    assert report.author.get_username() == "lead"
    assert any("reportable=True" in line for line in logs)
    obligations = obligations_get(incident=report.incident)
    assert [c.key for c in obligations.clocks] == ["jp-preliminary", "jp-final"]
    legal = report.incident.memberships.get(user__username="legal").user
    services.report_approve(report=report, reviewer=legal)
    document = report_document(
        incident=report.incident,
        jurisdiction="JP",
        kind="preliminary",
        content=report.content,
        evaluation=obligations.evaluation,
        report=report,
    )
    texts = [p.text for p in Document(io.BytesIO(report_docx(document))).paragraphs]
    assert "1 概要" in texts
    assert any("オールチケットオンライン" in t for t in texts)
