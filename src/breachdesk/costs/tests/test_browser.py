"""Draw the dashboard charts in headless Chromium under the production CSP, and check they are not blank."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from breachdesk.costs.tests.helpers import fake_metrics
from breachdesk.testing.factories import PASSWORD
from breachdesk.testing.fixtures import World

pytestmark = [pytest.mark.browser]
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "1")

# Count the canvas pixels that are not transparent: a chart that drew nothing has none.
PAINTED = """(id) => {
  const canvas = document.getElementById(id);
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let painted = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) painted++;
  return {painted, width: canvas.width, height: canvas.height};
}"""
CHARTS = ("chart-inquiries-per-day", "chart-notification-progress", "chart-backlog-ages", "chart-deadlines")


@pytest.mark.django_db(transaction=True)
def test_the_dashboard_draws_the_four_charts_and_the_costs_page_its_reference_lines(
    world: World, live_server: Any, page: Any, chromium_path: str, tmp_path: Path
) -> None:
    console_errors: list[str] = []
    missing: list[str] = []
    page.on("console", lambda msg: console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 and "favicon" not in r.url else None)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "responder")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    with fake_metrics():
        page.goto(f"{live_server.url}/incidents/{world.incident.code}/")
        page.wait_for_selector("#panel-charts canvas[data-drawn='1']")
        page.screenshot(path=str(tmp_path / "dashboard-charts.png"), full_page=True)
        for chart_id in CHARTS:
            result = page.evaluate(PAINTED, chart_id)
            assert result["width"] > 100, (chart_id, result)
            assert result["height"] > 100, (chart_id, result)
            assert result["painted"] > 2_000, (chart_id, result)
        page.goto(f"{live_server.url}/incidents/{world.incident.code}/costs/")
        page.wait_for_selector("#chart-costs[data-drawn='1']")
        assert page.evaluate(PAINTED, "chart-costs")["painted"] > 2_000
        page.screenshot(path=str(tmp_path / "costs.png"), full_page=True)
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
    assert not missing, missing  # Chart.js and our script were served
