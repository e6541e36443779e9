"""Draw the dashboard panels and the incident navigation that apps register in ``core.extensions``.

The apps add their parts from their own ``contributions.py`` (``extensions.panels``, ``extensions.nav``,
``extensions.dashboard_stamps``); this module only reads them, so the web layer knows none of them by name.

A panel whose figures cost several queries sets ``cache_seconds``: ``panel_html`` then keeps the rendered panel
for that long under the incident's stamp (the timeline head, less the desk's bookkeeping events), the role and the
language. Every recorded change that may move a figure gives a new stamp, so the panel is fresh at once after any
change anyone makes, in any process; the seconds bound only what moves
without an event (the clock, a campaign's deliveries). Such a panel is rendered without the request, so it cannot
hold anything of one user's session (a CSRF token renders empty, and ``user`` and ``request`` are unset): a panel
with a form must not be cached.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar, cast

from breachdesk.core import extensions
from breachdesk.core.extensions import NavEntry, Panel

if TYPE_CHECKING:
    from django.http import HttpRequest

    from breachdesk.incidents.selectors import IncidentAccess

T = TypeVar("T")


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


def incident_cached(*, access: IncidentAccess, name: str, seconds: int, compute: Callable[[], T]) -> T:
    """Return ``compute()``, kept for ``seconds`` under the incident's stamp, the role and the language.

    The stamp is the timeline head, or what the first ``extensions.dashboard_stamps`` entry gives: it changes with
    every recorded change that may move a figure, so the value is recomputed at once after one; ``seconds`` bounds
    only what moves without an event. ``compute`` must return something picklable.
    """
    from django.core.cache import cache
    from django.utils.translation import get_language

    from breachdesk.incidents.selectors import timeline_head

    incident = access.incident
    stamps = extensions.dashboard_stamps.all()
    head = stamps[0].fn(incident=incident) if stamps else timeline_head(incident=incident)
    key = f"web:{name}:{incident.pk}:{access.role}:{get_language()}:{head}"
    kept = cache.get(key)
    if kept is not None:
        return cast(T, kept["value"])
    value = compute()
    cache.set(key, {"value": value}, seconds)
    return value


def panels() -> list[Panel]:
    """Return the registered panels in display order."""
    return extensions.panels.all()


def nav_links() -> list[NavEntry]:
    """Return the registered incident navigation links in display order."""
    return extensions.nav.all()
