"""Dashboard panels that allow it are computed once per recorded change, role and language; look-ups made in one
page are shared through ``page_memo``."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.utils.translation import get_language

from breachdesk.core import extensions, timeline
from breachdesk.core.extensions import Panel
from breachdesk.core.memo import memoized, page_memo
from breachdesk.testing.fixtures import World, client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted() -> Iterator[list[tuple[str, str, str]]]:
    """Register two panels that count their computations: one cached for a minute, one never cached."""
    calls: list[tuple[str, str, str]] = []

    def cached(access: Any, request: Any) -> dict[str, Any]:
        calls.append(("cached", access.role, get_language()))
        return {"incident": access.incident, "clocks": []}

    def uncached(access: Any, request: Any) -> dict[str, Any]:
        calls.append(("uncached", access.role, get_language()))
        return {"incident": access.incident, "clocks": []}

    added = [
        Panel("test_cached", template="obligations/panels/clocks.html", context=cached, cache_seconds=60),
        Panel("test_uncached", template="obligations/panels/clocks.html", context=uncached),
    ]
    with extensions.panels.replaced(added):
        yield calls


def _dashboard(client: Any, world: World) -> None:
    assert client.get(f"/incidents/{world.incident.code}/").status_code == 200


def test_a_cached_panel_is_computed_again_only_after_a_recorded_change(world: World, counted: list[Any]) -> None:
    client = client_for(world.lead)
    _dashboard(client, world)
    _dashboard(client, world)
    assert [c[0] for c in counted].count("cached") == 1
    assert [c[0] for c in counted].count("uncached") == 2

    timeline.record(incident=world.incident, actor=world.lead, kind="test.changed", data={})
    _dashboard(client, world)
    assert [c[0] for c in counted].count("cached") == 2


def test_a_draft_save_or_a_mailbox_poll_leaves_the_cached_panels(world: World, counted: list[Any]) -> None:
    """The desk's bookkeeping events move no dashboard figure: they must not make every view draw every panel."""
    from breachdesk.inquiries import events

    client = client_for(world.lead)
    _dashboard(client, world)
    for kind in (events.REPLY_EDITED, events.REPLY_DRAFTED, events.MAILBOX_POLLED):
        timeline.record(incident=world.incident, actor=world.lead, kind=kind, data={})
    _dashboard(client, world)
    assert [c[0] for c in counted].count("cached") == 1
    timeline.record(incident=world.incident, actor=world.lead, kind="inquiry.assigned", data={})
    _dashboard(client, world)
    assert [c[0] for c in counted].count("cached") == 2


def test_the_cached_context_is_kept_apart_per_role_and_language(world: World, counted: list[Any]) -> None:
    _dashboard(client_for(world.lead), world)
    _dashboard(client_for(world.responder), world)
    _dashboard(client_for(world.lead, language="en"), world)
    _dashboard(client_for(world.lead), world)
    assert [c[1:] for c in counted if c[0] == "cached"] == [("lead", "ja"), ("responder", "ja"), ("lead", "en")]


def test_a_change_made_by_another_member_shows_at_once(world: World) -> None:
    """The real readiness panel: a stakeholder briefed by someone else turns its item green on the next view."""
    from breachdesk.incidents import services
    from breachdesk.incidents.models import Stakeholder

    services.stakeholder_create(incident=world.incident, actor=world.lead, kind="card_company", name="JCB")
    client = client_for(world.lead, language="en")
    page = client.get(f"/incidents/{world.incident.code}/").content.decode()
    assert "not briefed: JCB" in page
    for stakeholder in Stakeholder.objects.filter(incident=world.incident, kind="card_company"):
        services.stakeholder_set_status(stakeholder=stakeholder, actor=world.responder, status="briefed")
    page = client.get(f"/incidents/{world.incident.code}/").content.decode()
    assert "not briefed: JCB" not in page


def test_memoized_answers_once_inside_a_page_and_every_time_outside() -> None:
    computed: list[int] = []

    def compute() -> int:
        computed.append(1)
        return len(computed)

    assert memoized("k", compute) == 1
    assert memoized("k", compute) == 2
    with page_memo():
        assert memoized("k", compute) == 3
        with page_memo():  # a nested block shares the outer memo
            assert memoized("k", compute) == 3
        assert memoized("other", compute) == 4
        assert memoized("k", compute) == 3
    assert memoized("k", compute) == 5


def test_a_cached_panel_is_drawn_without_the_request_and_an_uncached_one_with_it(
    world: World, counted: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Nothing of one session (a CSRF token, the user) can end up in HTML that other members are shown."""
    from django.template import loader

    real = loader.render_to_string
    seen: dict[str, bool] = {}

    def spy(template_name: Any, context: Any = None, request: Any = None, using: Any = None) -> str:
        if context and context.get("clocks") == [] and "access" in context:
            key = "uncached" if counted[-1][0] == "uncached" else "cached"
            seen[key] = request is not None
        return real(template_name, context, request, using)

    monkeypatch.setattr(loader, "render_to_string", spy)
    _dashboard(client_for(world.lead), world)
    assert seen == {"cached": False, "uncached": True}
