"""Give the dashboard its registry panel: aggregate counts, which every member may see."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from breachdesk.incidents.selectors import IncidentAccess
from breachdesk.registry import selectors


def registry_panel_context(access: IncidentAccess, request: HttpRequest) -> dict[str, Any] | None:
    return {"incident": access.incident, "counts": selectors.registry_counts(incident=access.incident)}
