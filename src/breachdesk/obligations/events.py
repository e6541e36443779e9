"""Create the timeline events of the obligations app: one creator per event kind. Data never holds personal data."""

from __future__ import annotations

from typing import Any

from breachdesk.core import timeline
from breachdesk.core.models import TimelineEvent
from breachdesk.incidents.models import Incident
from breachdesk.obligations.models import RegulatorReport

OBLIGATIONS_CHANGED = "obligations.changed"
FACT_OVERRIDDEN = "obligations.fact_overridden"
FACT_OVERRIDE_CLEARED = "obligations.fact_override_cleared"
REPORT_CREATED = "report.created"
REPORT_EDITED = "report.edited"
REPORT_APPROVED = "report.approved"
REPORT_SUBMITTED = "report.submitted"


def obligations_changed_event(
    *, incident: Incident, actor: Any, changes: dict[str, list[Any]], packs: dict[str, str]
) -> TimelineEvent:
    return timeline.record(
        incident=incident, actor=actor, kind=OBLIGATIONS_CHANGED, data={"changes": changes, "rule_packs": packs}
    )


def fact_overridden_event(
    *, incident: Incident, actor: Any, fact: str, old: Any, new: Any, reason: str
) -> TimelineEvent:
    return timeline.record(
        incident=incident,
        actor=actor,
        kind=FACT_OVERRIDDEN,
        data={"fact": fact, "from": old, "to": new, "reason": reason},
    )


def fact_override_cleared_event(*, incident: Incident, actor: Any, fact: str, old: Any, reason: str) -> TimelineEvent:
    return timeline.record(
        incident=incident, actor=actor, kind=FACT_OVERRIDE_CLEARED, data={"fact": fact, "was": old, "reason": reason}
    )


def _report(report: RegulatorReport) -> dict[str, Any]:
    return {"report": report.pk, "jurisdiction": report.jurisdiction, "kind": report.kind}


def report_created_event(*, report: RegulatorReport, actor: Any) -> TimelineEvent:
    return timeline.record(incident=report.incident, actor=actor, kind=REPORT_CREATED, data=_report(report))


def report_edited_event(
    *, report: RegulatorReport, actor: Any, fields: list[str], approval_voided: bool
) -> TimelineEvent:
    return timeline.record(
        incident=report.incident,
        actor=actor,
        kind=REPORT_EDITED,
        data={**_report(report), "fields": fields, "approval_voided": approval_voided},
    )


def report_approved_event(*, report: RegulatorReport, actor: Any) -> TimelineEvent:
    return timeline.record(incident=report.incident, actor=actor, kind=REPORT_APPROVED, data=_report(report))


def report_submitted_event(*, report: RegulatorReport, actor: Any) -> TimelineEvent:
    submitted = report.submitted_on.isoformat() if report.submitted_on else None
    return timeline.record(
        incident=report.incident,
        actor=actor,
        kind=REPORT_SUBMITTED,
        data={**_report(report), "submitted_on": submitted},
    )
