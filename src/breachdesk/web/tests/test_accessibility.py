"""Open the demo's main pages in headless Chromium and check what people with any ability and any screen meet.

axe-core (from npm, ``node_modules/axe-core``) runs on every page: no serious or critical violation (labels, contrast
AA, names of controls, landmarks). The public pages must fit a 360-px-wide phone without sideways scrolling, and the
dashboard must show its most urgent facts (the deadline clocks, the desk) in the first screen at 1366×768.

With ``BREACHDESK_SCREENSHOTS=<dir>`` the test also writes the screenshots used in docs/screenshots/.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from breachdesk.incidents.demo import DEMO_PASSWORD as PASSWORD
from breachdesk.testing.demo import load_small_demo

pytestmark = [pytest.mark.browser]

AXE = Path(__file__).resolve().parents[4] / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = {"serious", "critical"}


@pytest.fixture(autouse=True, scope="module")
def _allow_sync_orm_beside_playwright() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
        yield


def _axe(page: Any) -> list[str]:
    """Run axe-core on the page and return its serious and critical violations, one line each."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — " + "; ".join(n["target"][0] for n in v["nodes"][:4])
        for v in result["violations"]
        if v["impact"] in BLOCKING
    ]


def _shoot(page: Any, name: str, *, full_page: bool = False) -> None:
    directory = os.environ.get("BREACHDESK_SCREENSHOTS")
    if directory:
        page.screenshot(path=str(Path(directory) / name), full_page=full_page)


@pytest.mark.django_db(transaction=True)
def test_the_main_pages_pass_axe_and_fit_a_phone_and_the_first_screen(
    live_server: Any, browser: Any, chromium_path: str, monkeypatch: Any
) -> None:
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: run `npm ci`")
    from breachdesk.incidents.demo import DEMO_CODE
    from breachdesk.inquiries.models import Inquiry

    load_small_demo(monkeypatch)
    inquiry = Inquiry.objects.filter(incident__code=DEMO_CODE).order_by("id").first()
    assert inquiry is not None
    base = f"/incidents/{DEMO_CODE}"
    staff_pages = {
        "dashboard": f"{base}/",
        "obligations": f"{base}/obligations/",
        "timeline": f"{base}/timeline/",
        "tasks": f"{base}/tasks/",
        "desk": f"{base}/desk/",
        "inquiry": f"{base}/desk/{inquiry.pk}/",
        "registry": f"{base}/registry/",
        "campaigns": f"{base}/campaigns/",
        "notices": f"{base}/notices/",
        "costs": f"{base}/costs/",
    }
    public_pages = {
        "public page (preview)": f"/p/{DEMO_CODE}/",
        "public self-check": f"/p/{DEMO_CODE}/check/",
        "public contact form": f"/p/{DEMO_CODE}/contact/",
    }

    # Anonymous first: the login page and the public 404 (the notice is not published yet).
    visitor = browser.new_context(viewport={"width": 360, "height": 740}, locale="ja-JP", bypass_csp=True)
    page = visitor.new_page()
    response = page.goto(f"{live_server.url}/p/{DEMO_CODE}/")
    assert response is not None
    assert response.status == 404
    assert "見つかりません" in page.content()
    problems = {"public 404": _axe(page)}
    page.goto(f"{live_server.url}/accounts/login/")
    problems["login"] = _axe(page)
    page.fill("#id_username", "lead")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_selector("text=ログアウト")

    for name, url in public_pages.items():
        page.goto(live_server.url + url)
        problems[name] = _axe(page)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{name} is {width}px wide on a 360-px phone"
    page.goto(live_server.url + public_pages["public page (preview)"])
    _shoot(page, "9-public-phone.png", full_page=True)
    visitor.close()

    staff = browser.new_context(viewport={"width": 1366, "height": 768}, locale="ja-JP", bypass_csp=True)
    page = staff.new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "lead")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_selector("text=ログアウト")
    for name, url in staff_pages.items():
        page.goto(live_server.url + url)
        problems[name] = _axe(page)
        if name == "dashboard":
            for panel in ("#panel-urgent", "#panel-clocks"):
                box = page.locator(panel).bounding_box()
                assert box is not None, panel
                assert box["y"] + min(box["height"], 120) <= 768, f"{panel} starts below the first screen: {box}"
            _shoot(page, "7-dashboard-1366.png")
        if name == "obligations":
            _shoot(page, "8-obligations.png", full_page=True)
    staff.close()
    failing = {name: lines for name, lines in problems.items() if lines}
    assert not failing, "axe found serious or critical problems:\n" + "\n".join(
        f"{name}: {line}" for name, lines in failing.items() for line in lines
    )
