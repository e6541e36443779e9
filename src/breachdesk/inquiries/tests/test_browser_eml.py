"""Upload real-world-shaped .eml files (one per client) through the desk page in headless Chromium and read them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from breachdesk.inquiries.models import Inquiry
from breachdesk.inquiries.tests import mailcorpus
from breachdesk.inquiries.tests.mailcorpus import same_for_reader
from breachdesk.testing.factories import PASSWORD
from breachdesk.testing.fixtures import World

pytestmark = [pytest.mark.browser]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")

# One mail per client and robot of the corpus; the screenshots go to BREACHDESK_SCREENSHOTS when it is set.
UPLOADED = (
    "outlook-win-jis-extensions",
    "outlook-win-utf8-inquiry",
    "thunderbird-dame-moji",
    "gmail-web-extensions",
    "gmail-app-symbols",
    "iphone-mail-long",
    "yahoo-japan-inquiry",
    "becky-extensions",
    "docomo-halfwidth",
    "au-deletion",
    "softbank-extensions",
    "webform-2-cp50220-7bit",
    "fwd-phish-outlook-name",
    "dsn-bounce-crlf",
)


@pytest.mark.django_db(transaction=True)
def test_eml_uploads_show_japanese_subject_sender_text_and_attachment_names(
    world: World, live_server: Any, page: Any, chromium_path: str
) -> None:
    cases = {case.name: case for case in mailcorpus.cases()}
    shots = os.environ.get("BREACHDESK_SCREENSHOTS", "")
    page.set_viewport_size({"width": 1280, "height": 1400})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "responder")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    for name in UPLOADED:
        case = cases[name]
        expected = case.expected
        page.goto(f"{live_server.url}/incidents/{world.incident.code}/desk/upload/")
        page.set_input_files(
            "input[type=file]", files=[{"name": f"{name}.eml", "mimeType": "message/rfc822", "buffer": case.raw}]
        )
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        inquiry = Inquiry.objects.filter(incident=world.incident).order_by("-pk").first()
        assert inquiry is not None
        page.goto(f"{live_server.url}/incidents/{world.incident.code}/desk/{inquiry.pk}/")
        page.wait_for_selector("#inquiry-messages")
        summary = same_for_reader(page.locator("#inquiry-summary").inner_text())
        messages = same_for_reader(page.locator("#inquiry-messages").inner_text())
        assert same_for_reader(" ".join(expected.subject.split())) in summary, name
        assert expected.from_address in summary, name
        if expected.from_name:
            assert same_for_reader(expected.from_name) in summary, name
        for phrase in expected.text:
            assert same_for_reader(phrase)[:60] in messages, name
        for filename in expected.attachments:
            assert same_for_reader(filename) in messages, name
        for subject, sender in expected.attached_mails:
            attached = same_for_reader(page.locator(".attached-mail").first.inner_text())
            assert same_for_reader(subject) in attached, name
            assert sender in attached, name
        for text in (summary, messages):
            assert "\ufffd" not in text, name
            assert "\x1b" not in text, name
        if shots:
            Path(shots).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(Path(shots) / f"{name}.png"), full_page=True)
