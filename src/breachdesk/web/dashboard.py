"""Register the dashboard's built-in panels."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from breachdesk.incidents.selectors import IncidentAccess
from breachdesk.web.panels import register_panel


def clocks_context(access: IncidentAccess, request: HttpRequest) -> dict[str, Any] | None:
    """Return the deadline clocks; the obligations app replaces this panel with real clocks."""
    return {"incident": access.incident, "clocks": []}


register_panel("clocks", template="web/panels/clocks.html", context=clocks_context, order=10)
