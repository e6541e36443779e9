"""Add the obligations to the OCO demo: evaluate the incident (after the registry is filled) and draft its 速報."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import transaction

from breachdesk.incidents.demo import DEMO_CODE
from breachdesk.incidents.models import Incident
from breachdesk.obligations.models import RegulatorReport, ReportKind
from breachdesk.obligations.services import obligations_evaluate, report_create

ORDER = 20  # after the registry (10), so the number of people and the items are known


def build(*, log: Callable[[str], None]) -> None:
    """Evaluate the demo incident and create its preliminary report draft, written by the lead, once."""
    incident = Incident.objects.filter(code=DEMO_CODE).first()
    if incident is None:
        log(f"demo: no incident {DEMO_CODE}; obligations skipped")
        return
    lead = get_user_model().objects.get(username="lead")
    with transaction.atomic():
        assessment = obligations_evaluate(incident=incident, actor=lead)
        jp = assessment.result.get("JP", {})
        log(
            f"demo: obligations of {DEMO_CODE}: reportable={jp.get('reportable')} categories={jp.get('categories')} "
            f"preliminary_due={jp.get('preliminary_due')} final_due={jp.get('final_due')}"
        )
        exists = RegulatorReport.objects.filter(incident=incident, jurisdiction="JP", kind=ReportKind.PRELIMINARY)
        if not exists.exists():
            report_create(incident=incident, actor=lead, jurisdiction="JP", kind=ReportKind.PRELIMINARY)
            log("demo: drafted the preliminary report (速報); the reviewer 'legal' can approve it")
