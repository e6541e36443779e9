"""Drive the real desk in headless Chromium (the Debian package), under the production CSP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from breachdesk.testing.factories import PASSWORD
from breachdesk.testing.fixtures import World

pytestmark = [pytest.mark.browser]


@pytest.fixture(autouse=True, scope="module")
def _allow_sync_orm_beside_playwright() -> Iterator[None]:
    """Let the ORM run while Playwright's event loop exists in this thread (DESIGN.md §1).

    Module-scoped so that it outlives pytest-django's database flush at teardown, which also runs in this thread.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
        yield


@pytest.mark.django_db(transaction=True)
def test_a_member_logs_in_opens_the_incident_and_switches_to_english(
    world: World, live_server: Any, page: Any, chromium_path: str, tmp_path: Path
) -> None:
    console_errors: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{live_server.url}/incidents/")
    assert "/accounts/login/" in page.url
    page.fill("#id_username", "responder")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.click(f"text={world.incident.code}")
    page.wait_for_selector("#panel-tasks")
    assert "担当者別の未完了タスク" in page.content()
    page.screenshot(path=str(tmp_path / "dashboard-ja.png"), full_page=True)

    page.select_option("#lang-select", "en")
    page.wait_for_selector("text=Open tasks by owner")
    assert page.locator("html").get_attribute("lang") == "en"
    page.screenshot(path=str(tmp_path / "dashboard-en.png"), full_page=True)
    assert (tmp_path / "dashboard-en.png").stat().st_size > 10_000

    page.click("text=Timeline")
    page.wait_for_selector('[data-kind="incident.created"]')
    page.click("text=Tasks")
    page.wait_for_selector("#column-open")
    assert not console_errors  # no CSP refusal, and no resource missing (the favicon included)
