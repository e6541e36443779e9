"""Let apps add panels to the incident dashboard without the dashboard knowing them.

An app registers a panel in its ``AppConfig.ready()``::

    from breachdesk.web.panels import register_panel
    register_panel("scanner", template="scanner/panel.html", context=scan_panel_context, order=40)

``context(access, request)`` receives the ``IncidentAccess`` (incident and role) and returns the template context,
or ``None`` to hide the panel. The dashboard renders panels by ascending ``order``; the ``clocks`` slot is order 10.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest

    from breachdesk.incidents.selectors import IncidentAccess

PanelContext = Callable[["IncidentAccess", "HttpRequest"], dict[str, Any] | None]


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: PanelContext
    order: int = 100


_panels: dict[str, Panel] = {}


def register_panel(key: str, *, template: str, context: PanelContext, order: int = 100) -> None:
    """Add (or replace) the dashboard panel ``key``."""
    _panels[key] = Panel(key=key, template=template, context=context, order=order)


def panels() -> list[Panel]:
    """Return the registered panels in display order."""
    return sorted(_panels.values(), key=lambda p: (p.order, p.key))
