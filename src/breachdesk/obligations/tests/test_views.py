"""Persona tests of the obligations pages: everyone in the incident sees, the lead edits, a reviewer approves."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from breachdesk.core.models import TimelineEvent
from breachdesk.obligations.models import FactOverride, RegulatorReport, ReportStatus
from breachdesk.testing.fixtures import World, client_for

pytestmark = pytest.mark.django_db
BASE = "/incidents/case-1/obligations/"
REPORT = BASE + "reports/jp-preliminary/"


def draft(world: World) -> RegulatorReport:
    assert client_for(world.lead).post(REPORT).status_code == 302
    return RegulatorReport.objects.get(incident=world.incident, jurisdiction="JP", kind="preliminary")


def test_everyone_in_the_incident_sees_the_clocks_on_the_dashboard(world: World) -> None:
    for user in (world.lead, world.responder, world.reviewer_client):
        page = client_for(user).get("/incidents/case-1/").content.decode()
        assert 'id="clock-jp-preliminary"' in page
        assert 'id="clock-jp-final"' in page
        assert "速報" in page
        assert "No deadlines have been computed" not in page  # the placeholder panel was replaced


def test_everyone_in_the_incident_sees_the_verdicts_and_the_severity_parts(world: World) -> None:
    page = client_for(world.reviewer_client).get(BASE).content.decode()
    assert "施行規則第7条第3号" in page
    assert "jp_appi_2024" in page
    assert 'name="reason"' not in page  # only the lead overrides facts


def test_it_hides_the_obligations_from_an_outsider(world: World) -> None:
    outsider = client_for(world.outsider)
    for url in (BASE, REPORT, REPORT + "docx/", REPORT + "text/"):
        assert outsider.get(url).status_code == 404
    assert (
        outsider.post(BASE + "facts/", {"fact": "persons", "value": "5", "reason": "x", "action": "set"}).status_code
        == 404
    )
    assert not FactOverride.objects.exists()


def test_the_lead_overrides_a_fact_with_a_reason(world: World) -> None:
    response = client_for(world.lead).post(
        BASE + "facts/", {"fact": "persons", "value": "1,500", "reason": "Forensics report.", "action": "set"}
    )
    assert response.status_code == 302
    override = FactOverride.objects.get(incident=world.incident)
    assert (override.fact, override.value, override.reason) == ("persons", 1500, "Forensics report.")
    assert TimelineEvent.objects.filter(incident=world.incident, kind="obligations.fact_overridden").exists()
    page = client_for(world.lead).get(BASE).content.decode()
    assert "施行規則第7条第4号：本人の数は1,500人で、1,000人を超えます。" in page


def test_it_refuses_an_override_to_a_responder(world: World) -> None:
    client_for(world.responder).post(BASE + "facts/", {"fact": "persons", "value": "5", "reason": "x", "action": "set"})
    assert not FactOverride.objects.exists()


def test_the_lead_drafts_the_preliminary_report(world: World) -> None:
    report = draft(world)
    assert report.author == world.lead
    page = client_for(world.lead).get(REPORT).content.decode()
    assert "1 概要" in page
    assert "9 その他参考となる事項" in page


def test_it_refuses_approval_by_the_author(world: World) -> None:
    report = draft(world)
    client_for(world.lead).post(REPORT + "approve/")
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_it_refuses_approval_to_a_responder(world: World) -> None:
    report = draft(world)
    client_for(world.responder).post(REPORT + "approve/")
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_the_reviewer_approves_and_the_lead_marks_it_submitted_which_stops_the_clock(world: World) -> None:
    report = draft(world)
    reviewer: Client = client_for(world.reviewer_client, language="en")
    assert "Approve" in reviewer.get(REPORT).content.decode()
    assert reviewer.post(REPORT + "approve/").status_code == 302
    report.refresh_from_db()
    assert (report.status, report.approved_by) == (ReportStatus.APPROVED, world.reviewer_client)
    assert client_for(world.lead).post(REPORT + "submit/", {"submitted_on": "2026-03-06"}).status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    dashboard = client_for(world.responder).get("/incidents/case-1/").content.decode()
    assert 'class="clock clock-done" id="clock-jp-preliminary"' in dashboard


def test_the_lead_edits_a_report_item(world: World) -> None:
    report = draft(world)
    data = {**report.content, "prevention": "全管理者アカウントに多要素認証を導入する。"}
    assert client_for(world.lead).post(REPORT, data).status_code == 302
    report.refresh_from_db()
    assert report.content["prevention"] == "全管理者アカウントに多要素認証を導入する。"
    assert report.last_edited_by == world.lead


def test_a_viewer_cannot_edit_a_report(world: World) -> None:
    report = draft(world)
    client_for(world.reviewer_client).post(REPORT, {**report.content, "other": "changed"})
    report.refresh_from_db()
    assert report.content["other"] != "changed"


def test_the_overview_flags_facts_that_changed_since_the_recorded_evaluation(world: World, add_person: Any) -> None:
    from breachdesk.obligations.services import obligations_evaluate

    obligations_evaluate(incident=world.incident, actor=world.lead)
    lead = client_for(world.lead, language="en")
    assert "changed since the last recorded evaluation" not in lead.get(BASE).content.decode()
    add_person(world.incident, world.lead, items=["medical_history"])
    assert "changed since the last recorded evaluation" in lead.get(BASE).content.decode()
    assert lead.post(BASE + "evaluate/").status_code == 302
    assert "changed since the last recorded evaluation" not in lead.get(BASE).content.decode()
    latest = TimelineEvent.objects.filter(incident=world.incident, kind="obligations.changed").latest("seq")
    assert latest.data["changes"]["JP.categories"] == [["malicious"], ["malicious", "sensitive"]]
