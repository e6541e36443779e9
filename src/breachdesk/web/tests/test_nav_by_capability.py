"""The incident navigation shows a link only to members whose role may open it."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from breachdesk.incidents.models import Membership
from breachdesk.testing.fixtures import World, client_for


def nav_of(html: str) -> str:
    """Return the incident navigation bar of a page."""
    start = html.index('<nav class="incident-nav"')
    return html[start : html.index("</nav>", start)]


@pytest.mark.django_db
def test_the_desk_link_is_shown_to_desk_roles_and_hidden_from_pr(world: World) -> None:
    pr = get_user_model().objects.create_user(username="pr-nav", password="x")
    Membership.objects.create(incident=world.incident, user=pr, role="pr")
    dashboard = reverse("web:incident_dashboard", kwargs={"code": world.incident.code})
    desk = reverse("inquiries:inquiry_list", kwargs={"code": world.incident.code})
    notices = reverse("notices:list", kwargs={"code": world.incident.code})

    # The responder's page is rendered first, so a navigation cached per incident alone would leak into PR's.
    shown = nav_of(client_for(world.responder).get(dashboard).content.decode())
    assert f'href="{desk}"' in shown
    hidden = nav_of(client_for(pr).get(dashboard).content.decode())
    assert f'href="{desk}"' not in hidden
    assert f'href="{notices}"' in hidden  # the links without a capability stay
    assert client_for(pr).get(desk).status_code == 403
