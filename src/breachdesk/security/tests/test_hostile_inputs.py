"""Send the hostile corpus through every staff form and intake channel, then read every page: all of it escaped."""

from __future__ import annotations

from typing import Any

import pytest

from breachdesk.inquiries.intake.mime import parse, sanitize_html
from breachdesk.security.corpus import HOSTILE, MARKER
from breachdesk.security.tests.planting import forms_of, hostile_mail, page_urls, plant_forms, plant_intake, scan
from breachdesk.testing.fixtures import World, client_for

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("entry", HOSTILE, ids=[h.name for h in HOSTILE])
def test_the_mime_parser_keeps_hostile_html_inert(entry: Any) -> None:
    parsed = parse(hostile_mail(entry, 1))
    assert MARKER in parsed.text
    assert not scan(parsed.html), parsed.html
    assert not scan(sanitize_html(entry.text))
    assert "\x00" not in parsed.subject


def test_the_form_reader_finds_free_text_fields() -> None:
    html = '<form method="post"><input name="a"><input type="hidden" name="h" value="1"><textarea name="t"></textarea>'
    html += '<select name="s"><option value="x">x</option></select></form>'
    (form,) = forms_of(html)
    assert form.free_text == ["a", "t"]
    assert form.fields == {"h": "1", "s": "x"}


def test_hostile_text_through_every_form_and_channel_is_shown_escaped(world: World, published: Any) -> None:
    lead = client_for(world.lead, language="en")
    accepted = plant_forms(lead, world)
    # The planting reached the staff forms of every app (incident, tasks, desk, notices, campaigns, costs).
    apps = {key.split(":")[0] for key in accepted}
    assert {"web", "inquiries", "notices", "campaigns", "costs", "obligations"} <= apps, accepted
    counts = plant_intake(world, lead)
    assert counts["form"] >= len(HOSTILE) - 2, counts
    assert counts["api"] >= len(HOSTILE) - 2, counts
    assert counts["eml"] == len(HOSTILE), counts
    found_marker = 0
    for url in page_urls(world):
        response = lead.get(url)
        assert response.status_code < 500, f"{url}: {response.status_code}"
        if "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        assert not scan(html), f"{url}: {scan(html)}"
        found_marker += MARKER in html
    assert found_marker >= 10  # the planted text is shown (escaped), not dropped
