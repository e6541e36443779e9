"""Evaluation, its timeline events and task due dates; the report's draft, review and submission; the clocks."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from breachdesk.core import extensions
from breachdesk.core.errors import PermissionDenied
from breachdesk.core.models import TimelineEvent
from breachdesk.incidents import services as incident_services
from breachdesk.incidents.models import Task
from breachdesk.obligations import services
from breachdesk.obligations.errors import AuthorCannotApprove, ReportStateError
from breachdesk.obligations.models import Assessment, ReportStatus
from breachdesk.obligations.reports.prefill import JP_ITEMS
from breachdesk.obligations.selectors import obligations_get, person_notice_duty
from breachdesk.testing.factories import incident_create
from breachdesk.testing.fixtures import World

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


def changes(world: World) -> list[dict[str, Any]]:
    return [
        e.data["changes"]
        for e in TimelineEvent.objects.filter(incident=world.incident, kind="obligations.changed").order_by("seq")
    ]


def test_the_first_evaluation_logs_the_verdict_and_sets_the_task_due_dates(world: World) -> None:
    assessment = services.obligations_evaluate(incident=world.incident, actor=world.lead)
    assert assessment.result["JP"]["categories"] == ["malicious"]
    [first] = changes(world)
    assert first["JP.reportable"] == [None, True]
    assert first["JP.final_due"] == [None, "2026-05-01"]
    preliminary = Task.objects.get(incident=world.incident, playbook_key="ppc-preliminary")
    final = Task.objects.get(incident=world.incident, playbook_key="ppc-final")
    assert preliminary.due_at is not None
    assert final.due_at is not None
    assert preliminary.due_at.astimezone(TOKYO).date() == date(2026, 3, 7)
    assert final.due_at.astimezone(TOKYO).date() == date(2026, 5, 1)
    assert (final.due_at.astimezone(TOKYO).hour, final.due_at.astimezone(TOKYO).minute) == (23, 59)
    assert Task.objects.filter(incident=world.incident, playbook_key="ppc-final").count() == 1


def test_an_evaluation_that_changes_nothing_logs_nothing(world: World) -> None:
    services.obligations_evaluate(incident=world.incident, actor=world.lead)
    before = TimelineEvent.objects.filter(incident=world.incident).count()
    services.obligations_evaluate(incident=world.incident, actor=world.lead)
    assert TimelineEvent.objects.filter(incident=world.incident).count() == before


def test_a_changed_verdict_is_logged_with_what_changed(world: World) -> None:
    services.obligations_evaluate(incident=world.incident, actor=world.lead)
    services.fact_override_set(
        incident=world.incident, actor=world.lead, fact="cause", value="misconfiguration", reason="No attacker."
    )
    latest = changes(world)[-1]
    assert latest["JP.reportable"] == [True, False]
    assert latest["JP.categories"] == [["malicious"], []]
    assert Assessment.objects.get(incident=world.incident).result["JP"]["reportable"] is False


def test_a_changed_aware_time_moves_the_deadlines_once_the_change_commits(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    services.obligations_evaluate(incident=world.incident, actor=world.lead)
    with django_capture_on_commit_callbacks(execute=True):
        incident_services.incident_update(
            incident=world.incident, actor=world.lead, aware_at=datetime(2026, 3, 10, 9, 0, tzinfo=TOKYO)
        )
    latest = changes(world)[-1]
    assert latest["JP.preliminary_due"] == ["2026-03-07", "2026-03-15"]
    task = Task.objects.get(incident=world.incident, playbook_key="ppc-preliminary")
    assert task.due_at is not None
    assert task.due_at.astimezone(TOKYO).date() == date(2026, 3, 15)


def test_the_eu_task_is_due_72_hours_after_awareness_to_the_minute(world: World) -> None:
    incident = incident_create(
        lead=world.lead,
        code="eu-case",
        jurisdictions=["JP", "EU"],
        aware_at=datetime(2026, 3, 30, 22, 45, tzinfo=TOKYO),
    )
    services.fact_override_set(
        incident=incident, actor=world.lead, fact="items", value=["name", "email", "order_history"], reason="Logs."
    )
    task = Task.objects.get(incident=incident, playbook_key="eu-authority")
    assert task.due_at == datetime(2026, 4, 2, 22, 45, tzinfo=TOKYO)


def test_an_entrusted_party_gets_the_principal_clock_and_no_final_deadline(world: World) -> None:
    incident = incident_create(lead=world.lead, code="entrusted", org_role="entrusted", principal="委託元株式会社")
    result = obligations_get(incident=incident, now=datetime(2026, 3, 3, tzinfo=TOKYO))
    assert result.evaluation is not None
    assert result.evaluation.jp is not None
    assert result.evaluation.jp.report_to == "principal"
    assert [c.key for c in result.clocks] == ["jp-to-principal"]


@pytest.mark.parametrize(
    ("now", "state"),
    [
        (datetime(2026, 3, 5, 12, 0, tzinfo=TOKYO), "ok"),
        (datetime(2026, 3, 7, 9, 0, tzinfo=TOKYO), "amber"),
        (datetime(2026, 3, 8, 0, 1, tzinfo=TOKYO), "red"),
    ],
)
def test_the_preliminary_clock_turns_amber_then_red(world: World, now: datetime, state: str) -> None:
    clocks = {c.key: c for c in obligations_get(incident=world.incident, now=now).clocks}
    assert clocks["jp-preliminary"].state == state
    assert clocks["jp-final"].state == "ok"


def test_a_submitted_report_stops_its_clock(world: World) -> None:
    report = services.report_create(incident=world.incident, actor=world.lead, jurisdiction="JP", kind="preliminary")
    services.report_approve(report=report, reviewer=world.reviewer_client)
    services.report_submit(report=report, actor=world.lead, submitted_on=date(2026, 3, 6))
    late = datetime(2026, 3, 9, tzinfo=TOKYO)
    clocks = {c.key: c for c in obligations_get(incident=world.incident, now=late).clocks}
    assert clocks["jp-preliminary"].state == "done"
    assert clocks["jp-final"].state == "ok"


def test_a_new_report_is_prefilled_with_the_nine_items(world: World) -> None:
    report = services.report_create(incident=world.incident, actor=world.lead, jurisdiction="JP", kind="preliminary")
    assert list(report.content) == [key for key, _heading in JP_ITEMS]
    assert report.content["persons"] == "1人"
    assert report.content["items"] == "氏名、メールアドレス"
    assert "不正アクセス" in report.content["cause"]
    assert "施行規則第7条第3号" in report.content["other"]
    assert "警察" not in report.content["other"]  # the police stakeholder was not contacted yet
    assert all(report.content.values())
    assert TimelineEvent.objects.filter(incident=world.incident, kind="report.created").count() == 1


def test_a_registered_provider_fills_its_item(world: World) -> None:
    # Stands in for the desk's own section (same key), which comes back after the block.
    section = extensions.ReportSection(
        "inquiries.secondary_harm",
        item="secondary_harm",
        provider=lambda incident: f"{incident.code}: 不審な電話の申告 2件",
    )
    with extensions.report_sections.replaced([section]):
        report = services.report_create(incident=world.incident, actor=world.lead, jurisdiction="JP", kind="final")
    assert report.content["secondary_harm"] == "case-1: 不審な電話の申告 2件"


def test_the_gdpr_report_has_the_article_33_3_contents(world: World) -> None:
    incident = incident_create(lead=world.lead, code="eu-report", jurisdictions=["EU"])
    report = services.report_create(incident=incident, actor=world.lead, jurisdiction="EU", kind="authority")
    assert set(report.content) == {"nature", "contact", "consequences", "measures", "delay"}
    assert "ENISA severity" in report.content["consequences"]


def test_it_refuses_a_report_outside_the_incident_jurisdictions(world: World) -> None:
    with pytest.raises(Exception, match="EU jurisdiction"):
        services.report_create(incident=world.incident, actor=world.lead, jurisdiction="EU", kind="authority")


def test_it_refuses_approval_by_the_author(world: World) -> None:
    report = services.report_create(incident=world.incident, actor=world.lead, jurisdiction="JP", kind="preliminary")
    with pytest.raises(AuthorCannotApprove):
        services.report_approve(report=report, reviewer=world.lead)
    report.refresh_from_db()
    assert report.status == ReportStatus.DRAFT


def test_it_refuses_approval_by_the_last_editor(world: World) -> None:
    report = services.report_create(incident=world.incident, actor=world.lead, jurisdiction="JP", kind="preliminary")
    services.report_update(report=report, actor=world.reviewer_client, content={"prevention": "多要素認証を導入する。"})
    with pytest.raises(AuthorCannotApprove):
        services.report_approve(report=report, reviewer=world.reviewer_client)


def test_it_refuses_approval_to_a_member_who_cannot_review(world: World) -> None:
    report = services.report_create(incident=world.incident, actor=world.lead, jurisdiction="JP", kind="preliminary")
    with pytest.raises(PermissionDenied):
        services.report_approve(report=report, reviewer=world.responder)


def test_editing_an_approved_report_withdraws_the_approval(world: World) -> None:
    report = services.report_create(incident=world.incident, actor=world.lead, jurisdiction="JP", kind="preliminary")
    services.report_approve(report=report, reviewer=world.reviewer_client)
    report = services.report_update(report=report, actor=world.lead, content={"publication": "3月5日に公表した。"})
    assert report.status == ReportStatus.DRAFT
    assert report.approved_by is None
    edited = TimelineEvent.objects.get(incident=world.incident, kind="report.edited")
    assert edited.data["approval_voided"] is True
    assert edited.data["fields"] == ["publication"]


def test_only_an_approved_report_can_be_submitted_and_then_it_is_locked(world: World) -> None:
    report = services.report_create(incident=world.incident, actor=world.lead, jurisdiction="JP", kind="preliminary")
    with pytest.raises(ReportStateError):
        services.report_submit(report=report, actor=world.lead, submitted_on=date(2026, 3, 6))
    services.report_approve(report=report, reviewer=world.reviewer_client)
    report = services.report_submit(report=report, actor=world.lead, submitted_on=date(2026, 3, 6))
    assert (report.status, report.submitted_on) == (ReportStatus.SUBMITTED, date(2026, 3, 6))
    with pytest.raises(ReportStateError):
        services.report_update(report=report, actor=world.lead, content={"other": "追記"})
    submitted = TimelineEvent.objects.get(incident=world.incident, kind="report.submitted")
    assert submitted.data["submitted_on"] == "2026-03-06"


def test_each_person_without_contact_may_get_a_substitute_notice(world: World, add_person: Any) -> None:
    add_person(world.incident, world.lead, items=["name"], contact=False)
    evaluation = obligations_get(incident=world.incident, now=datetime(2026, 3, 3, tzinfo=TOKYO)).evaluation
    assert evaluation is not None
    assert evaluation.jp is not None
    assert evaluation.jp.substitute_notice_allowed is True
    assert person_notice_duty(evaluation=evaluation, has_contact=True).substitute_allowed is False
    reachable_not = person_notice_duty(evaluation=evaluation, has_contact=False)
    assert reachable_not.notify is True
    assert reachable_not.substitute_allowed is True


def test_the_time_seam_reads_the_clock_as_of_now(world: World) -> None:
    early = obligations_get(incident=world.incident, now=datetime(2026, 3, 2, 12, 0, tzinfo=TOKYO))
    clock = {c.key: c for c in early.clocks}["jp-preliminary"]
    assert clock.reading.left > timedelta(days=5)
