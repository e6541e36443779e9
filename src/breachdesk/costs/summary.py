"""Assemble the executive summary: one read of everything management needs, shared by the page, the PDF and exports.

It holds aggregates only (counts, yen, dates), never personal data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from breachdesk.costs import charts, selectors, sources
from breachdesk.incidents.models import Incident, StakeholderStatus
from breachdesk.incidents.selectors import stakeholder_status_counts, task_list
from breachdesk.registry import items as vocabulary
from breachdesk.registry.selectors import registry_counts

BRIEFED = (StakeholderStatus.BRIEFED, StakeholderStatus.ACKNOWLEDGED, StakeholderStatus.CLOSED)
TOP_TASKS = 5


@dataclass
class Summary:
    incident: Incident
    now: datetime
    deadlines: list[Any]
    deadline_error: str
    people: dict[str, Any]
    notices: list[dict[str, Any]] | None
    notification: dict[str, Any] | None
    backlog: dict[str, Any] | None
    deletion: dict[str, Any] | None
    stakeholders: dict[str, Any]
    estimate: selectors.IncidentEstimate
    costs: selectors.CostSheet
    top_tasks: list[Any]
    open_tasks: int
    charts: dict[str, dict[str, Any] | None]

    def figures(self) -> list[tuple[str, str, Any]]:
        """Return the headline figures as (key, English label, value) rows, for the CSV and XLSX exports."""
        rows: list[tuple[str, str, Any]] = [
            ("incident", "Incident", self.incident.code),
            ("phase", "Phase", self.incident.phase),
            ("generated_at", "Generated at", self.now.isoformat(timespec="seconds")),
            ("people_total", "People in the registry", self.people["total"]),
            ("people_affected", "People affected", self.people["affected"]),
        ]
        rows += [(f"affected_item.{r['key']}", f"Affected with {r['key']}", r["count"]) for r in self.people["by_item"]]
        for clock in self.deadlines:
            rows.append((f"deadline.{clock.key}", str(clock.label), f"{clock.due.isoformat()} ({clock.state})"))
        for name, value in (
            ("notification", self.notification),
            ("inquiry_backlog", self.backlog),
            ("deletion_requests", self.deletion),
        ):
            if value is None:
                rows.append((name, name, "not available yet"))
            else:
                rows += [(f"{name}.{k}", f"{name} {k}", v) for k, v in value.items()]
        rows.append(("notices_published", "Notices published", len(self.notices) if self.notices is not None else ""))
        rows += [
            ("stakeholders_total", "Stakeholders", self.stakeholders["total"]),
            ("stakeholders_briefed", "Stakeholders briefed", self.stakeholders["briefed"]),
            ("estimate_persons", "JNSA estimate: people", self.estimate.persons),
            ("estimate_total_yen", "JNSA estimate: total (yen)", self.estimate.total_yen),
            ("estimate_median_yen", "JNSA estimate: median per person (yen)", self.estimate.median_yen),
            ("social_responsibility", "Social responsibility factor", self.estimate.settings.social_responsibility),
            ("response_evaluation", "Response evaluation factor", self.estimate.settings.response_evaluation),
            ("costs_planned_gross_yen", "Costs planned, tax included (yen)", self.costs.planned.gross),
            ("costs_actual_gross_yen", "Costs to date, tax included (yen)", self.costs.actual.gross),
            ("costs_actual_tax_yen", "Costs to date, consumption tax (yen)", self.costs.actual.tax),
            ("open_tasks", "Open tasks", self.open_tasks),
        ]
        return rows


def _people(incident: Incident) -> dict[str, Any]:
    counts = registry_counts(incident=incident)
    by_item = [{**row, "label_ja": vocabulary.ITEMS[row["key"]].label_ja} for row in counts["by_item"]]
    return {"total": counts["total"], "affected": counts["affected"], "by_item": by_item}


def _stakeholders(incident: Incident) -> dict[str, Any]:
    by_status = stakeholder_status_counts(incident=incident)
    return {
        "total": sum(by_status.values()),
        "briefed": sum(n for status, n in by_status.items() if status in BRIEFED),
        "not_contacted": by_status.get(StakeholderStatus.NOT_CONTACTED, 0),
        "by_status": by_status,
    }


def _deadlines(incident: Incident, now: datetime) -> tuple[list[Any], str]:
    from breachdesk.obligations.selectors import obligations_get

    obligations = obligations_get(incident=incident, now=now, fresh=False)
    return obligations.clocks, obligations.error


def summary_build(*, incident: Incident, now: datetime) -> Summary:
    """Return the executive summary of ``incident`` as of ``now``."""
    clocks, error = _deadlines(incident, now)
    open_tasks = task_list(incident=incident, open_only=True)
    return Summary(
        incident=incident,
        now=now,
        deadlines=clocks,
        deadline_error=error,
        people=_people(incident),
        notices=sources.metric("notices_published", incident),
        notification=sources.metric("notification_progress", incident),
        backlog=sources.metric("inquiry_backlog", incident),
        deletion=sources.metric("deletion_requests", incident),
        stakeholders=_stakeholders(incident),
        estimate=selectors.incident_estimate(incident=incident),
        costs=selectors.cost_sheet(incident=incident),
        top_tasks=list(open_tasks[:TOP_TASKS]),
        open_tasks=open_tasks.count(),
        charts=charts.all_charts(incident, clocks, now),
    )
