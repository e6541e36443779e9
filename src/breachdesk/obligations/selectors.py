"""Read the obligations of an incident: the current verdicts, the deadline clocks, the notice duty and the reports.

Reads never write: the verdicts shown are computed from the current facts, and ``stale`` says when they differ from
the last logged evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from breachdesk.core.errors import ApplicationError, NotFound
from breachdesk.core.memo import memoized
from breachdesk.incidents.models import Incident
from breachdesk.obligations import deadlines
from breachdesk.obligations.engine import Evaluation, evaluate, parse_facts
from breachdesk.obligations.errors import NoRulePack
from breachdesk.obligations.facts import FactSheet, incident_facts
from breachdesk.obligations.models import REPORT_SLOTS, Assessment, RegulatorReport, ReportStatus
from breachdesk.obligations.rules.base import Facts, JPVerdict


@dataclass(frozen=True)
class Clock:
    key: str
    label: Any
    due: datetime
    reading: deadlines.ClockReading
    note: Any = ""
    report_slot: str = ""

    @property
    def state(self) -> str:
        return self.reading.state.value


@dataclass(frozen=True)
class Obligations:
    """Carry what the obligations page and the dashboard show."""

    sheet: FactSheet | None
    evaluation: Evaluation | None
    error: str = ""
    clocks: list[Clock] = field(default_factory=list)
    stale: bool = False
    assessment: Assessment | None = None


def _submitted(incident: Incident) -> set[tuple[str, str]]:
    rows = RegulatorReport.objects.filter(incident=incident, status=ReportStatus.SUBMITTED)
    return set(rows.values_list("jurisdiction", "kind"))


def _jp_clocks(jp: JPVerdict, tz: Any, now: datetime, submitted: set[tuple[str, str]], role: str) -> list[Clock]:
    clocks: list[Clock] = []
    if not jp.reportable or jp.preliminary_due is None:
        return clocks
    due = deadlines.end_of_day(jp.preliminary_due, tz)
    window = jp.preliminary_window
    note = _("guideline: 3–5 days (%(start)s – %(end)s)") % {
        "start": window[0].isoformat() if window else "",
        "end": window[1].isoformat() if window else "",
    }
    if role in ("entrusted", "processor"):
        done = ("JP", "to_principal") in submitted
        clocks.append(
            Clock(
                "jp-to-principal",
                _("Notice to the principal (委託元)"),
                due,
                deadlines.clock_read(due=due, now=now, submitted=done),
                note,
                "jp-to-principal",
            )
        )
        return clocks
    done = ("JP", "preliminary") in submitted
    clocks.append(
        Clock(
            "jp-preliminary",
            _("JP preliminary report (速報)"),
            due,
            deadlines.clock_read(due=due, now=now, submitted=done),
            note,
            "jp-preliminary",
        )
    )
    if jp.final_due is not None:
        due = deadlines.end_of_day(jp.final_due, tz)
        days = (jp.final_due - jp.preliminary_due).days + deadlines.PRELIMINARY_DAYS
        note = _("%(days)s days; the first day is not counted") % {"days": days}
        if jp.final_due_next_business_day:
            note = _("%(note)s; falls on a day the PPC is closed (next open day %(day)s)") % {
                "note": note,
                "day": jp.final_due_next_business_day.isoformat(),
            }
        done = ("JP", "final") in submitted
        clocks.append(
            Clock(
                "jp-final",
                _("JP final report (確報)"),
                due,
                deadlines.clock_read(due=due, now=now, submitted=done),
                note,
                "jp-final",
            )
        )
    return clocks


def clocks_for(*, evaluation: Evaluation, incident: Incident, now: datetime) -> list[Clock]:
    """Return the deadline clocks of ``evaluation`` at ``now``; a submitted report stops its clock."""
    submitted = _submitted(incident)
    clocks: list[Clock] = []
    tz = evaluation.facts.aware_at.tzinfo
    if evaluation.jp is not None:
        clocks += _jp_clocks(evaluation.jp, tz, now, submitted, evaluation.facts.role)
    eu = evaluation.eu
    if eu is not None and eu.authority_due is not None:
        done = ("EU", "authority") in submitted
        clocks.append(
            Clock(
                "eu-authority",
                _("EU authority notice (Art. 33)"),
                eu.authority_due,
                deadlines.clock_read(due=eu.authority_due, now=now, submitted=done),
                _("72 hours after becoming aware"),
                "eu-authority",
            )
        )
    return clocks


def obligations_get(*, incident: Incident, now: datetime | None = None, fresh: bool = True) -> Obligations:
    """Return the incident's facts, verdicts and clocks at ``now``.

    ``fresh`` assembles the facts again (a scan of the registry); otherwise the facts of the last recorded
    evaluation are used when there is one, which keeps the dashboard quick on a large registry. Those recorded
    facts are read once per page inside ``page_memo()``, where every panel sees the clocks at the page's moment.
    """
    if not fresh:
        return memoized(
            ("obligations_get", incident.pk), lambda: _obligations_get(incident=incident, now=now, fresh=False)
        )
    return _obligations_get(incident=incident, now=now, fresh=True)


def _obligations_get(*, incident: Incident, now: datetime | None, fresh: bool) -> Obligations:
    now = now or timezone.now()
    assessment = Assessment.objects.filter(incident=incident).first()
    sheet: FactSheet | None = None
    facts: Facts | None = None
    if not fresh and assessment is not None and assessment.facts and not assessment.error:
        try:
            facts = parse_facts(assessment.facts, allowed=assessment.facts.keys())
        except ApplicationError:
            facts = None  # recorded under another vocabulary: assemble them again
    if facts is None:
        sheet = incident_facts(incident=incident)
        facts = sheet.facts
    try:
        evaluation = evaluate(facts)
    except NoRulePack as exc:
        return Obligations(sheet=sheet, evaluation=None, error=str(exc.message), assessment=assessment)
    stale = assessment is None or assessment.result != evaluation.as_contract()
    clocks = clocks_for(evaluation=evaluation, incident=incident, now=now)
    return Obligations(sheet=sheet, evaluation=evaluation, clocks=clocks, stale=stale, assessment=assessment)


def report_list(*, incident: Incident) -> dict[str, RegulatorReport]:
    """Return the incident's reports by slot."""
    return {r.slot: r for r in RegulatorReport.objects.filter(incident=incident).select_related("author")}


def report_for_slot(*, incident: Incident, slot: str) -> RegulatorReport | None:
    """Return the report in ``slot`` (such as ``jp-preliminary``), or ``None`` when it is not drafted yet."""
    if slot not in REPORT_SLOTS:
        raise NotFound("No such report.")
    jurisdiction, kind = REPORT_SLOTS[slot]
    return (
        RegulatorReport.objects.filter(incident=incident, jurisdiction=jurisdiction, kind=kind)
        .select_related("author", "last_edited_by", "approved_by", "submitted_by")
        .first()
    )


def slots_for(*, incident: Incident, role: str) -> list[str]:
    """Return the report slots that fit the incident's jurisdictions and our role."""
    slots = []
    jurisdictions = incident.jurisdictions or []
    entrusted = role in ("entrusted", "processor")
    if "JP" in jurisdictions:
        slots += ["jp-to-principal"] if entrusted else ["jp-preliminary", "jp-final"]
    if "EU" in jurisdictions:
        slots += ["eu-to-principal"] if entrusted else ["eu-authority"]
    return slots


@dataclass(frozen=True)
class PersonNotice:
    """Say whether one affected person must be notified, and whether a substitute measure may replace it."""

    notify: bool
    substitute_allowed: bool
    basis: str


def person_notice_duty(*, evaluation: Evaluation, has_contact: bool) -> PersonNotice:
    """Return the notice duty towards one affected person (for the campaigns app)."""
    jp, eu = evaluation.jp, evaluation.eu
    notify = bool((jp and jp.notify_individuals) or (eu and eu.notify_subjects))
    if not notify:
        return PersonNotice(False, False, "no notice duty")
    basis = "法第26条第2項" if jp and jp.notify_individuals else "GDPR Art. 34(1)"
    if not has_contact:
        measure = "public announcement or publicised desk (法第26条第2項ただし書 / Art. 34(3)(c))"
        return PersonNotice(True, True, f"{basis}; no contact data: {measure}")
    return PersonNotice(True, False, basis)
