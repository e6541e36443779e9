"""Give the dashboard its registry panel: aggregate counts, which every member may see."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from breachdesk.incidents.selectors import IncidentAccess
from breachdesk.registry import selectors
from breachdesk.registry.signals import registry_changed

# This module is imported by ``RegistryConfig.ready()``: a change clears this process's cached counts at once (the
# registry stamp covers the other processes).
registry_changed.connect(selectors.registry_changed_clear, dispatch_uid="registry.counts_clear")


def registry_panel_context(access: IncidentAccess, request: HttpRequest) -> dict[str, Any] | None:
    """Show the aggregate counts, cached under the registry stamp: the dashboard is watched by many at once."""
    return {"incident": access.incident, "counts": selectors.registry_counts_cached(incident=access.incident)}
