"""Create the timeline events of the notices app: one creator per event kind. Data never holds personal data.

Self-check requests are not events: they are counted per day in ``DailyCount`` (see ``selfcheck.py``).
"""

from __future__ import annotations

from typing import Any

from breachdesk.core import timeline
from breachdesk.core.models import TimelineEvent
from breachdesk.incidents.models import Incident
from breachdesk.notices.models import FaqEntry, Notice, PressStatement, StakeholderBriefing

NOTICE_CREATED = "notice.created"
NOTICE_EDITED = "notice.edited"
NOTICE_APPROVED = "notice.approved"
NOTICE_PUBLISHED = "notice.published"
READINESS_CONFIRMED = "notice.readiness_confirmed"
FAQ_SAVED = "faq.saved"
FAQ_APPROVED = "faq.approved"
FAQ_RETIRED = "faq.retired"
FAQ_DRIFT = "faq.drift_flagged"
BRIEFING_PREPARED = "stakeholder.briefing_prepared"
BRIEFING_SENT = "stakeholder.briefing_sent"
BRIEFING_ACKNOWLEDGED = "stakeholder.briefing_acknowledged"
PRESS_DRAFTED = "press.drafted"
PRESS_TITLE_DECIDED = "press.title_decided"


def _notice(notice: Notice) -> dict[str, Any]:
    return {"notice": notice.pk, "number": notice.number, "title": notice.title, "status": notice.status}


def notice_created_event(*, notice: Notice, actor: Any) -> TimelineEvent:
    data = _notice(notice)
    if notice.corrects_id:
        data["corrects"] = notice.corrects_id
    return timeline.record(incident=notice.incident, actor=actor, kind=NOTICE_CREATED, data=data)


def notice_edited_event(*, notice: Notice, actor: Any, fields: list[str], approval_voided: bool) -> TimelineEvent:
    return timeline.record(
        incident=notice.incident,
        actor=actor,
        kind=NOTICE_EDITED,
        data={**_notice(notice), "fields": fields, "approval_voided": approval_voided},
    )


def notice_approved_event(*, notice: Notice, actor: Any) -> TimelineEvent:
    return timeline.record(incident=notice.incident, actor=actor, kind=NOTICE_APPROVED, data=_notice(notice))


def notice_published_event(*, notice: Notice, actor: Any, first: bool) -> TimelineEvent:
    return timeline.record(
        incident=notice.incident, actor=actor, kind=NOTICE_PUBLISHED, data={**_notice(notice), "first": first}
    )


def readiness_confirmed_event(*, notice: Notice, actor: Any, items: dict[str, str], reason: str) -> TimelineEvent:
    return timeline.record(
        incident=notice.incident,
        actor=actor,
        kind=READINESS_CONFIRMED,
        data={"notice": notice.pk, "open_items": items, "reason": reason},
    )


def _faq(entry: FaqEntry) -> dict[str, Any]:
    return {"faq": entry.pk, "key": entry.key, "version": entry.version, "block": entry.block_key}


def faq_saved_event(*, entry: FaqEntry, actor: Any) -> TimelineEvent:
    return timeline.record(incident=entry.incident, actor=actor, kind=FAQ_SAVED, data=_faq(entry))


def faq_approved_event(*, entry: FaqEntry, actor: Any) -> TimelineEvent:
    return timeline.record(incident=entry.incident, actor=actor, kind=FAQ_APPROVED, data=_faq(entry))


def faq_retired_event(*, entry: FaqEntry, actor: Any) -> TimelineEvent:
    return timeline.record(incident=entry.incident, actor=actor, kind=FAQ_RETIRED, data=_faq(entry))


def faq_drift_event(*, incident: Incident, actor: Any, entry: FaqEntry, side: str, reason: str) -> TimelineEvent:
    return timeline.record(
        incident=incident, actor=actor, kind=FAQ_DRIFT, data={**_faq(entry), "flagged": side, "reason": reason}
    )


def _briefing(briefing: StakeholderBriefing) -> dict[str, Any]:
    return {"briefing": briefing.pk, "stakeholder": briefing.stakeholder_id, "kind": briefing.kind}


def briefing_prepared_event(*, briefing: StakeholderBriefing, actor: Any) -> TimelineEvent:
    return timeline.record(incident=briefing.incident, actor=actor, kind=BRIEFING_PREPARED, data=_briefing(briefing))


def briefing_sent_event(*, briefing: StakeholderBriefing, actor: Any) -> TimelineEvent:
    return timeline.record(incident=briefing.incident, actor=actor, kind=BRIEFING_SENT, data=_briefing(briefing))


def briefing_acknowledged_event(*, briefing: StakeholderBriefing, actor: Any) -> TimelineEvent:
    return timeline.record(
        incident=briefing.incident, actor=actor, kind=BRIEFING_ACKNOWLEDGED, data=_briefing(briefing)
    )


def press_drafted_event(*, statement: PressStatement, actor: Any) -> TimelineEvent:
    return timeline.record(
        incident=statement.incident,
        actor=actor,
        kind=PRESS_DRAFTED,
        data={"statement": statement.pk, "notice": statement.notice_id, "title": statement.title},
    )


def press_title_decided_event(
    *, statement: PressStatement, actor: Any, title: str, alternatives: list[str], reason: str
) -> TimelineEvent:
    return timeline.record(
        incident=statement.incident,
        actor=actor,
        kind=PRESS_TITLE_DECIDED,
        data={"statement": statement.pk, "title": title, "alternatives": alternatives, "reason": reason},
    )
