"""Issue 17: the desk cannot be turned against the people it protects (each attack as a test)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from breachdesk.testing.fixtures import World, client_for

pytestmark = pytest.mark.django_db


# --- 4. Nothing public before publication -----------------------------------------------------------------------------
def test_the_contact_form_is_404_before_the_first_notice_like_an_unknown_code(world: World) -> None:
    unknown = Client().get("/p/no-such-incident/contact/")
    before = Client().get(f"/p/{world.incident.code}/contact/")
    assert before.status_code == unknown.status_code == 404
    assert before.content == unknown.content
    assert world.incident.title not in before.content.decode()
    posted = Client().post(f"/p/{world.incident.code}/contact/", {"email": "a@example.jp", "body": "x"})
    assert posted.status_code == 404
    # Members see a preview of the form before publication.
    assert client_for(world.responder).get(f"/p/{world.incident.code}/contact/").status_code == 200


def test_the_contact_form_opens_with_the_first_notice(world: World, published: Any) -> None:
    assert Client().get(f"/p/{world.incident.code}/contact/").status_code == 200
