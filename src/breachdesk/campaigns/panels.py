"""Give the dashboard its campaigns panel and the person page its delivery history (no personal data in either)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from breachdesk.campaigns import selectors
from breachdesk.incidents.selectors import IncidentAccess
from breachdesk.registry.models import Person


def campaigns_panel_context(access: IncidentAccess, request: HttpRequest) -> dict[str, Any] | None:
    campaigns = list(selectors.campaign_list(incident=access.incident)[:5])
    rows = [(c, selectors.campaign_counts(campaign=c)) for c in campaigns]
    return {"incident": access.incident, "rows": rows}


def person_section_context(person: Person, access: IncidentAccess, request: HttpRequest) -> dict[str, Any] | None:
    return {"incident": access.incident, "history": selectors.person_deliveries(person=person)}
