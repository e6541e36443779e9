"""Create the timeline events of the costs app: one creator per kind. Data holds no personal data."""

from __future__ import annotations

from typing import Any

from breachdesk.core import timeline
from breachdesk.core.models import TimelineEvent
from breachdesk.costs.models import CostItem, ExecutiveReport
from breachdesk.incidents.models import Incident

SETTINGS_CHANGED = "costs.settings_changed"
ITEM_CREATED = "costs.item_created"
ITEM_UPDATED = "costs.item_updated"
ITEM_DELETED = "costs.item_deleted"
REPORT_QUEUED = "costs.report_queued"
REPORT_GENERATED = "costs.report_generated"
REPORT_FAILED = "costs.report_failed"


def settings_changed_event(*, incident: Incident, actor: Any, changes: dict[str, list[Any]]) -> TimelineEvent:
    return timeline.record(incident=incident, actor=actor, kind=SETTINGS_CHANGED, data={"changes": changes})


def _item(item: CostItem) -> dict[str, Any]:
    return {"cost_item": item.pk, "category": item.category, "description": item.description}


def item_created_event(*, item: CostItem, actor: Any) -> TimelineEvent:
    return timeline.record(incident=item.incident, actor=actor, kind=ITEM_CREATED, data=_item(item))


def item_updated_event(*, item: CostItem, actor: Any, changes: dict[str, list[Any]]) -> TimelineEvent:
    return timeline.record(
        incident=item.incident, actor=actor, kind=ITEM_UPDATED, data={**_item(item), "changes": changes}
    )


def item_deleted_event(
    *, incident: Incident, actor: Any, item_id: int, category: str, description: str
) -> TimelineEvent:
    return timeline.record(
        incident=incident,
        actor=actor,
        kind=ITEM_DELETED,
        data={"cost_item": item_id, "category": category, "description": description},
    )


def _report(report: ExecutiveReport) -> dict[str, Any]:
    return {"report": report.pk, "kind": report.kind, "for_date": report.for_date.isoformat()}


def report_queued_event(*, report: ExecutiveReport, actor: Any) -> TimelineEvent:
    return timeline.record(incident=report.incident, actor=actor, kind=REPORT_QUEUED, data=_report(report))


def report_generated_event(*, report: ExecutiveReport, actor: Any) -> TimelineEvent:
    return timeline.record(
        incident=report.incident,
        actor=actor,
        kind=REPORT_GENERATED,
        data={**_report(report), "pages": report.pages, "bytes": report.size},
    )


def report_failed_event(*, report: ExecutiveReport, actor: Any, reason: str) -> TimelineEvent:
    return timeline.record(
        incident=report.incident, actor=actor, kind=REPORT_FAILED, data={**_report(report), "reason": reason[:300]}
    )
