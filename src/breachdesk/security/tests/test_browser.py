"""Render hostile data in headless Chromium: no script runs, no CSP violation is reported, htmx still works.

One test per module shares the browser; the data is planted through the same channels as the server-side suite
(public form, API, .eml upload) plus the staff services for a task and a stakeholder.
"""

from __future__ import annotations

import os
from typing import Any

import pytest

from breachdesk.incidents import services as incident_services
from breachdesk.incidents.models import Task
from breachdesk.inquiries.models import Inquiry
from breachdesk.security.corpus import HOSTILE, MARKER
from breachdesk.security.tests.planting import plant_intake
from breachdesk.testing.factories import PASSWORD
from breachdesk.testing.fixtures import World, client_for

pytestmark = [pytest.mark.browser]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")

TRAP = """
window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || ''));
});
"""


def _assert_inert(page: Any, url: str, dialogs: list[str], console: list[str]) -> None:
    assert page.evaluate("typeof window.__pwned") == "undefined", url
    assert page.evaluate("window.__csp") == [], f"{url}: CSP violations {page.evaluate('window.__csp')}"
    assert dialogs == [], f"{url}: dialogs {dialogs}"
    assert not [c for c in console if "Content Security Policy" in c], f"{url}: {console}"
    active = "script:not([src]):not([type='application/json']), iframe, base, object, embed, [onerror], [onload]"
    assert page.locator(active).count() == 0, url


@pytest.mark.django_db(transaction=True)
def test_hostile_data_renders_inert_and_htmx_still_works(
    world: World, published: Any, live_server: Any, page: Any, chromium_path: str
) -> None:
    lead_http = client_for(world.lead, language="en")
    plant_intake(world, lead_http)
    hostile_task = incident_services.task_create(
        incident=world.incident, actor=world.lead, title=HOSTILE[0].text[:200], phase="grasp"
    )
    incident_services.stakeholder_create(
        incident=world.incident, actor=world.lead, kind="police", name=HOSTILE[2].text[:200]
    )
    # The first uploaded mails carry <script>, <script src=data:>, <img onerror> and <svg onload>.
    mails = list(
        Inquiry.objects.filter(incident=world.incident, channel="upload")
        .exclude(pk=world.desk["inquiry_id"])
        .order_by("pk")
        .values_list("pk", flat=True)[:4]
    )
    assert len(mails) == 4
    dialogs: list[str] = []
    console: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("console", lambda m: console.append(m.text))
    page.add_init_script(TRAP)

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "lead")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/incidents/**")
    code = world.incident.code
    pages = [
        f"/incidents/{code}/",
        f"/incidents/{code}/desk/",
        *[f"/incidents/{code}/desk/{pk}/?view={view}" for pk in mails for view in ("text", "html")],
        f"/incidents/{code}/tasks/",
        f"/incidents/{code}/stakeholders/",
        f"/incidents/{code}/timeline/",
        f"/p/{code}/",
        f"/p/{code}/contact/",
        f"/p/{code}/check/",
    ]
    for path in pages:
        page.goto(live_server.url + path)
        page.wait_for_load_state("load")
        _assert_inert(page, path, dialogs, console)
        if "/desk/" in path or "/tasks/" in path or "/stakeholders/" in path:
            assert MARKER in page.inner_text("main"), f"{path}: the planted text is not shown"

    # htmx under the CSP: changing a task's status swaps the card in place, through an htmx request.
    page.goto(f"{live_server.url}/incidents/{code}/tasks/")
    with page.expect_response(lambda r: f"/tasks/{hostile_task.pk}/status/" in r.url) as answer:
        page.select_option(f"#status-{hostile_task.pk}", "in_progress")
    assert answer.value.request.headers.get("hx-request") == "true"
    assert answer.value.status == 200
    page.wait_for_selector(f"#task-{hostile_task.pk}")
    assert Task.objects.get(pk=hostile_task.pk).status == "in_progress"
    assert page.url.endswith("/tasks/")  # swapped in place, no full page load
    _assert_inert(page, "task board after htmx", dialogs, console)
