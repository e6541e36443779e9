"""Change the obligations state: evaluate, override facts, and draft, edit, approve and submit regulator reports.

Every change writes one timeline event; an evaluation writes one only when a verdict or a deadline changed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib.auth.models import User
from django.db import IntegrityError, transaction
from django.utils import timezone

from breachdesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from breachdesk.core.four_eyes import four_eyes_require
from breachdesk.core.roles import Capability, role_can
from breachdesk.incidents import services as incident_services
from breachdesk.incidents.models import Incident, Task, TaskStatus
from breachdesk.incidents.selectors import membership_role
from breachdesk.obligations import events
from breachdesk.obligations.deadlines import end_of_day
from breachdesk.obligations.engine import Evaluation, check_value, evaluate
from breachdesk.obligations.errors import AuthorCannotApprove, NoRulePack, ReportStateError, UnknownFact
from breachdesk.obligations.facts import FactSheet, incident_facts
from breachdesk.obligations.models import (
    REPORT_SLOTS,
    Assessment,
    Fact,
    FactOverride,
    RegulatorReport,
    ReportStatus,
    slot_for,
)
from breachdesk.obligations.reports.prefill import item_headings, report_prefill

# The verdict fields whose change is logged; explanations and exact scores are not.
_LOGGED = {
    "JP": ("reportable", "categories", "notify_individuals", "report_to", "preliminary_due", "final_due", "rule_pack"),
    "EU": ("notify_authority", "authority_due", "notify_subjects", "report_to", "level", "rule_pack"),
}


def _verdict_summary(result: dict[str, Any]) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    for jurisdiction, fields in _LOGGED.items():
        verdict = result.get(jurisdiction)
        if verdict is None:
            continue
        flat = {**verdict, "level": verdict.get("severity", {}).get("level")}
        for name in fields:
            summary[f"{jurisdiction}.{name}"] = flat.get(name)
    return summary


def _detail(evaluation: Evaluation, sheet: FactSheet) -> dict[str, Any]:
    detail: dict[str, Any] = {"packs": evaluation.packs, "sources": {}}
    for name, source in sheet.sources.items():
        detail["sources"][name] = {"source": source.source, "reason": source.reason}
    if evaluation.jp is not None:
        jp = evaluation.jp
        detail["JP"] = {
            "facts_used": jp.facts_used,
            "preliminary_window": [d.isoformat() for d in jp.preliminary_window] if jp.preliminary_window else None,
            "final_due_next_business_day": (
                jp.final_due_next_business_day.isoformat() if jp.final_due_next_business_day else None
            ),
            "substitute_notice_allowed": jp.substitute_notice_allowed,
        }
    if evaluation.eu is not None:
        detail["EU"] = {
            "facts_used": evaluation.eu.facts_used,
            "severity": evaluation.eu.severity.as_dict(),
            "public_communication_allowed": evaluation.eu.public_communication_allowed,
        }
    return detail


def _task_dues(incident: Incident, evaluation: Evaluation) -> dict[str, datetime]:
    """Return the due date of each playbook task the engine sets."""
    dues: dict[str, datetime] = {}
    tz = evaluation.facts.aware_at.tzinfo
    jp, eu = evaluation.jp, evaluation.eu
    if jp is not None and jp.reportable and tz is not None:
        if jp.preliminary_due:
            dues["ppc-preliminary"] = end_of_day(jp.preliminary_due, tz)
        if jp.final_due:
            dues["ppc-final"] = end_of_day(jp.final_due, tz)
    if eu is not None and eu.authority_due is not None:
        dues["eu-authority"] = eu.authority_due
    return dues


def _tasks_sync(*, incident: Incident, actor: Any, evaluation: Evaluation) -> None:
    """Set the due dates of the playbook's report tasks, creating a missing one from the playbook."""
    dues = _task_dues(incident, evaluation)
    if not dues:
        return
    tasks = {t.playbook_key: t for t in Task.objects.filter(incident=incident, playbook_key__in=dues)}
    if set(dues) - set(tasks):
        # The jurisdictions may have changed since the incident was opened: add the playbook tasks that now apply.
        incident_services.playbook_apply(incident=incident)
        tasks = {t.playbook_key: t for t in Task.objects.filter(incident=incident, playbook_key__in=dues)}
    for key, due in dues.items():
        task = tasks.get(key)
        if task is None or task.status in (TaskStatus.DONE, TaskStatus.CANCELLED) or task.due_at == due:
            continue
        incident_services.task_update(task=task, actor=actor, due_at=due)


def obligations_evaluate(*, incident: Incident, actor: Any = None, now: datetime | None = None) -> Assessment:
    """Evaluate the incident's obligations, keep the result, set the task due dates, and log any change."""
    now = now or timezone.now()
    sheet = incident_facts(incident=incident)
    with transaction.atomic():
        assessment = Assessment.objects.select_for_update().filter(incident=incident).first()
        previous = _verdict_summary(assessment.result) if assessment else {}
        if assessment is None:
            assessment = Assessment(incident=incident, evaluated_at=now)
        try:
            evaluation = evaluate(sheet.facts)
        except NoRulePack as exc:
            assessment.facts, assessment.result, assessment.detail = sheet.facts.as_dict(), {}, {}
            assessment.error, assessment.evaluated_at = str(exc.message), now
            assessment.save()
            return assessment
        assessment.facts = sheet.facts.as_dict()
        assessment.result = evaluation.as_contract()
        assessment.detail = _detail(evaluation, sheet)
        assessment.error = ""
        assessment.evaluated_at = now
        assessment.save()
        current = _verdict_summary(assessment.result)
        changes = {
            key: [previous.get(key), current.get(key)]
            for key in sorted(set(previous) | set(current))
            if previous.get(key) != current.get(key)
        }
        if changes:
            events.obligations_changed_event(incident=incident, actor=actor, changes=changes, packs=evaluation.packs)
        _tasks_sync(incident=incident, actor=actor, evaluation=evaluation)
    return assessment


def _override_value(fact: str, value: Any) -> Any:
    if fact not in Fact.values:
        raise UnknownFact(f"Unknown fact {fact!r}; these can be overridden: {', '.join(Fact.values)}.")
    checked = check_value(fact, value)
    return sorted(checked) if isinstance(checked, frozenset) else checked


def fact_override_set(*, incident: Incident, actor: User, fact: str, value: Any, reason: str) -> FactOverride:
    """Replace the assembled value of ``fact`` with ``value``, log why, and re-evaluate."""
    stored = _override_value(fact, value)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("Give a reason for the override.", code="obligations.reason_required")
    with transaction.atomic():
        override = FactOverride.objects.select_for_update().filter(incident=incident, fact=fact).first()
        if override is None:
            sheet = incident_facts(incident=incident)
            old = sheet.sources[fact].value
            old = sorted(old) if isinstance(old, frozenset) else old
            override = FactOverride(incident=incident, fact=fact)
        else:
            old = override.value
        override.value, override.reason, override.set_by = stored, reason, actor
        override.save()
        events.fact_overridden_event(incident=incident, actor=actor, fact=fact, old=old, new=stored, reason=reason)
        obligations_evaluate(incident=incident, actor=actor)
    return override


def fact_override_clear(*, incident: Incident, actor: User, fact: str, reason: str = "") -> None:
    """Drop the override of ``fact``, so the assembled value applies again; log it and re-evaluate."""
    with transaction.atomic():
        override = FactOverride.objects.select_for_update().filter(incident=incident, fact=fact).first()
        if override is None:
            raise Conflict(f"The fact {fact!r} has no override.", code="obligations.no_override")
        old = override.value
        override.delete()
        events.fact_override_cleared_event(incident=incident, actor=actor, fact=fact, old=old, reason=reason.strip())
        obligations_evaluate(incident=incident, actor=actor)


def report_create(*, incident: Incident, actor: User, jurisdiction: str, kind: str) -> RegulatorReport:
    """Draft the report ``kind`` for ``jurisdiction``, prefilled from the incident, the registry and the providers."""
    if slot_for(jurisdiction, kind) not in REPORT_SLOTS:
        raise ValidationFailed(f"There is no {jurisdiction} report of kind {kind!r}.", code="obligations.report_kind")
    if jurisdiction not in (incident.jurisdictions or []):
        raise ValidationFailed(
            f"The incident is not under the {jurisdiction} jurisdiction.", code="obligations.report_jurisdiction"
        )
    sheet = incident_facts(incident=incident)
    content = report_prefill(
        incident=incident, jurisdiction=jurisdiction, kind=kind, sheet=sheet, evaluation=evaluate(sheet.facts)
    )
    report = RegulatorReport(
        incident=incident, jurisdiction=jurisdiction, kind=kind, content=content, author=actor, last_edited_by=actor
    )
    with transaction.atomic():
        try:
            with transaction.atomic():
                report.save()
        except IntegrityError:
            raise Conflict("This report already exists.", code="obligations.report_exists") from None
        events.report_created_event(report=report, actor=actor)
    return report


def report_update(*, report: RegulatorReport, actor: User, content: dict[str, str]) -> RegulatorReport:
    """Change report items; an approved report goes back to draft, a submitted one cannot change."""
    keys = {key for key, _heading in item_headings(report.jurisdiction)}
    unknown = sorted(set(content) - keys)
    if unknown:
        raise ValidationFailed(f"Unknown report items: {', '.join(unknown)}.", code="obligations.report_item")
    with transaction.atomic():
        report = RegulatorReport.objects.select_for_update().get(pk=report.pk)
        if report.status == ReportStatus.SUBMITTED:
            raise ReportStateError("A submitted report cannot be changed.")
        changed = sorted(k for k, v in content.items() if report.content.get(k, "") != v)
        if not changed:
            return report
        report.content = {**report.content, **content}
        report.last_edited_by = actor
        voided = report.status == ReportStatus.APPROVED
        if voided:
            report.status, report.approved_by, report.approved_at = ReportStatus.DRAFT, None, None
        report.save()
        events.report_edited_event(report=report, actor=actor, fields=changed, approval_voided=voided)
    return report


def report_approve(*, report: RegulatorReport, reviewer: User, now: datetime | None = None) -> RegulatorReport:
    """Approve a draft; the reviewer needs the review capability and must not have written or edited it."""
    if not role_can(membership_role(user=reviewer, incident=report.incident), Capability.REVIEW):
        raise PermissionDenied("Only a reviewer of this incident can approve a report.", code="permission.review")
    with transaction.atomic():
        report = RegulatorReport.objects.select_for_update().get(pk=report.pk)
        four_eyes_require(
            approver=reviewer,
            writers=[report.author_id, report.last_edited_by_id],
            what="report",
            error=AuthorCannotApprove,
        )
        if report.status != ReportStatus.DRAFT:
            raise ReportStateError(f"Only a draft can be approved; this report is {report.get_status_display()}.")
        report.status, report.approved_by, report.approved_at = ReportStatus.APPROVED, reviewer, now or timezone.now()
        report.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
        events.report_approved_event(report=report, actor=reviewer)
    return report


def report_submit(*, report: RegulatorReport, actor: User, submitted_on: date) -> RegulatorReport:
    """Mark an approved report submitted on ``submitted_on``; this stops its deadline clock."""
    with transaction.atomic():
        report = RegulatorReport.objects.select_for_update().get(pk=report.pk)
        if report.status != ReportStatus.APPROVED:
            raise ReportStateError("Only an approved report can be marked submitted.")
        if submitted_on < timezone.localtime(report.incident.found_at).date():
            raise ValidationFailed("The submission date is before the incident was found.")
        report.status, report.submitted_on, report.submitted_by = ReportStatus.SUBMITTED, submitted_on, actor
        report.save(update_fields=["status", "submitted_on", "submitted_by", "updated_at"])
        events.report_submitted_event(report=report, actor=actor)
    return report
