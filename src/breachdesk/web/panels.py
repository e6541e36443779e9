"""Let apps add panels to the incident dashboard without the dashboard knowing them.

An app registers a panel in its ``AppConfig.ready()``::

    from breachdesk.web.panels import register_panel
    register_panel("scanner", template="scanner/panel.html", context=scan_panel_context, order=40)

``context(access, request)`` receives the ``IncidentAccess`` (incident and role) and returns the template context,
or ``None`` to hide the panel. The dashboard renders panels by ascending ``order``; the ``clocks`` slot is order 10.

A panel whose figures cost several queries may pass ``cache_seconds``: ``panel_html`` then keeps the rendered panel
for that long under the incident's stamp (the timeline head, less the desk's bookkeeping events), the role and the
language. Every recorded change that may move a figure gives a new stamp, so the panel is fresh at once after any
change anyone makes, in any process; the seconds bound only what moves
without an event (the clock, a campaign's deliveries). Such a panel is rendered without the request, so it cannot
hold anything of one user's session (a CSRF token renders empty, and ``user`` and ``request`` are unset): a panel
with a form must not be cached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar, cast

if TYPE_CHECKING:
    from django.http import HttpRequest

    from breachdesk.incidents.selectors import IncidentAccess

PanelContext = Callable[["IncidentAccess", "HttpRequest"], dict[str, Any] | None]
T = TypeVar("T")


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: PanelContext
    order: int = 100
    cache_seconds: int = 0


_panels: dict[str, Panel] = {}


def register_panel(key: str, *, template: str, context: PanelContext, order: int = 100, cache_seconds: int = 0) -> None:
    """Add (or replace) the dashboard panel ``key``."""
    _panels[key] = Panel(key=key, template=template, context=context, order=order, cache_seconds=cache_seconds)


def panel_html(panel: Panel, access: IncidentAccess, request: HttpRequest) -> str | None:
    """Return the rendered panel, or ``None`` when it is hidden; a cached panel comes from the cache when nothing
    was recorded since."""
    from django.template.loader import render_to_string

    def render(shown_to: HttpRequest | None) -> str | None:
        context = panel.context(access, request)
        if context is None:
            return None
        return render_to_string(panel.template, {"access": access, **context}, request=shown_to)

    if not panel.cache_seconds:
        return render(request)
    # Drawn without the request: nothing of this session (CSRF token, user) can reach the other members' views.
    return incident_cached(
        access=access, name=f"panel:{panel.key}", seconds=panel.cache_seconds, compute=lambda: render(None)
    )


StampSource = Callable[..., str]  # called as fn(incident=...)
_stamp_source: StampSource | None = None


def register_dashboard_stamp(source: StampSource) -> None:
    """Give the dashboard a steadier stamp than the timeline head: the latest event that may move a figure.

    The desk registers one that skips its bookkeeping events (draft saves, mailbox polls), which change no panel and
    would otherwise make every dashboard view after them draw every panel again.
    """
    global _stamp_source
    _stamp_source = source


def incident_cached(*, access: IncidentAccess, name: str, seconds: int, compute: Callable[[], T]) -> T:
    """Return ``compute()``, kept for ``seconds`` under the incident's stamp, the role and the language.

    The stamp is the timeline head, or what ``register_dashboard_stamp`` gave: it changes with every recorded change
    that may move a figure, so the value is recomputed at once after one; ``seconds`` bounds only what moves without
    an event. ``compute`` must return something picklable.
    """
    from django.core.cache import cache
    from django.utils.translation import get_language

    from breachdesk.incidents.selectors import timeline_head

    incident = access.incident
    head = _stamp_source(incident=incident) if _stamp_source is not None else timeline_head(incident=incident)
    key = f"web:{name}:{incident.pk}:{access.role}:{get_language()}:{head}"
    kept = cache.get(key)
    if kept is not None:
        return cast(T, kept["value"])
    value = compute()
    cache.set(key, {"value": value}, seconds)
    return value


def panels() -> list[Panel]:
    """Return the registered panels in display order."""
    return sorted(_panels.values(), key=lambda p: (p.order, p.key))


@dataclass(frozen=True)
class NavLink:
    key: str
    label: Any  # a lazy translation
    url_name: str  # reversed with the incident code as ``code``
    order: int = 100


_nav: dict[str, NavLink] = {}


def register_nav(key: str, *, label: Any, url_name: str, order: int = 100) -> None:
    """Add a link to the incident navigation bar, for example ``register_nav("registry", label=_("Registry"),
    url_name="registry:person_list", order=30)``."""
    _nav[key] = NavLink(key=key, label=label, url_name=url_name, order=order)


def nav_links() -> list[NavLink]:
    """Return the registered incident navigation links in display order."""
    return sorted(_nav.values(), key=lambda n: (n.order, n.key))
