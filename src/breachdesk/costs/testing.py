"""Create the costs app's sample objects for the shared ``world`` fixture."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from breachdesk.costs import services
from breachdesk.costs.models import CostCategory, CostItem, ExecutiveReport, ReportKind, ReportStatus
from breachdesk.incidents.models import Incident

# A stand-in for a stored PDF: rendering a real one for every test that uses the world would cost a second each.
SAMPLE_PDF = b"%PDF-1.7\n% breachdesk sample report\n%%EOF\n"


def sample_costs(*, incident: Incident, actor: Any) -> tuple[CostItem, ExecutiveReport]:
    """Return one cost item and one finished on-demand report of ``incident``."""
    item = services.cost_item_create(
        incident=incident,
        actor=actor,
        category=CostCategory.FORENSICS,
        description="Forensic investigation",
        vendor="Sample Forensics K.K.",
        pricing="lump_sum",
        planned_amount_yen=3_000_000,
    )
    report = ExecutiveReport.objects.create(
        incident=incident,
        kind=ReportKind.ON_DEMAND,
        status=ReportStatus.DONE,
        for_date=timezone.localdate(),
        requested_by=actor,
        generated_at=timezone.now(),
        pdf=SAMPLE_PDF,
        size=len(SAMPLE_PDF),
        pages=1,
    )
    return item, report
