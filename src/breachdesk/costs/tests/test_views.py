"""Persona tests: every member sees the estimate, costs and summary; only the lead edits; outsiders see nothing."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import pytest
from openpyxl import load_workbook

from breachdesk.costs import charts
from breachdesk.costs.models import CostItem, CostSettings, ExecutiveReport
from breachdesk.costs.tests.helpers import add_people, fake_metrics, fake_values, no_metrics
from breachdesk.inquiries.sla import AGE_BUCKETS
from breachdesk.testing.fixtures import World, client_for

pytestmark = pytest.mark.django_db
BASE = "/incidents/case-1/costs/"
NEW_ITEM = {
    "category": "legal",
    "description": "Counsel",
    "pricing": "lump_sum",
    "planned_amount_yen": "800000",
    "tax_treatment": "exclusive",
    "tax_rate_percent": "10",
}


def test_every_member_sees_the_estimate_with_its_formula(world: World) -> None:
    add_people(world.incident, [(["card_number", "name", "address"], 2)])
    for user in (world.lead, world.responder, world.reviewer_client):
        page = client_for(user).get(BASE).content.decode()
        assert "500 × 26 × 6 × 1 × 1 = 78,000" in page
        assert "¥159,000" in page  # 2 × ¥78,000 + the sample person's ¥3,000
        assert "東京高裁 2020年3月25日判決" in page


def test_only_the_lead_sees_the_edit_forms(world: World) -> None:
    assert 'id="settings-form"' in client_for(world.lead).get(BASE).content.decode()
    assert 'id="settings-form"' not in client_for(world.responder).get(BASE).content.decode()


def test_the_lead_adds_a_cost_item(world: World) -> None:
    response = client_for(world.lead).post(BASE + "items/new/", NEW_ITEM)
    assert response.status_code == 302
    assert CostItem.objects.filter(incident=world.incident, description="Counsel").exists()


def test_it_refuses_cost_changes_to_a_responder_and_a_reviewer(world: World) -> None:
    for user in (world.responder, world.reviewer_client):
        client = client_for(user)
        assert client.get(BASE + "items/new/").status_code == 403
        assert client.get(BASE + f"items/{world.cost_item.pk}/").status_code == 403
        client.post(BASE + "items/new/", NEW_ITEM)  # refused: a message and a redirect back
        client.post(BASE + f"items/{world.cost_item.pk}/delete/")
        client.post(
            BASE + "settings/",
            {"social_responsibility": "2", "social_responsibility_reason": "x", "response_evaluation": "1"},
        )
    assert CostItem.objects.filter(incident=world.incident).count() == 1
    assert not CostSettings.objects.filter(incident=world.incident).exists()


def test_the_lead_doubles_a_factor_with_its_reason(world: World) -> None:
    client = client_for(world.lead)
    client.post(
        BASE + "settings/",
        {
            "social_responsibility": "2",
            "social_responsibility_reason": "A bank.",
            "response_evaluation": "1",
            "daily_report_hour": "8",
        },
    )
    settings = CostSettings.objects.get(incident=world.incident)
    assert (settings.social_responsibility, settings.daily_report_hour) == (2, 8)
    assert "A bank." in client.get(BASE).content.decode()


def test_it_hides_everything_from_an_outsider(world: World) -> None:
    outsider = client_for(world.outsider)
    for url in (
        BASE,
        BASE + "summary/",
        BASE + "reports/",
        BASE + f"reports/{world.executive_report.pk}/pdf/",
        BASE + "export/costs.csv",
        BASE + "export/summary.xlsx",
        BASE + f"items/{world.cost_item.pk}/",
    ):
        assert outsider.get(url).status_code == 404, url
    assert outsider.post(BASE + "reports/generate/").status_code == 404
    assert outsider.post(BASE + "items/new/", NEW_ITEM).status_code == 404
    assert ExecutiveReport.objects.filter(incident=world.incident).count() == 1


def test_the_summary_says_what_is_not_available_yet(world: World) -> None:
    with no_metrics():
        page = client_for(world.reviewer_client, language="en").get(BASE + "summary/").content.decode()
    assert "Not available yet." in page
    assert 'id="chart-deadlines"' in page  # the deadlines come from the obligations app, which exists now
    assert 'id="chart-inquiries-per-day"' not in page


def test_the_summary_shows_the_figures_other_apps_register(world: World) -> None:
    with fake_metrics():
        page = client_for(world.responder).get(BASE + "summary/").content.decode()
    assert "86,500" in page
    assert 'id="chart-inquiries-per-day-data" type="application/json"' in page
    assert "<script>" not in page  # data only: the CSP forbids inline script


def test_a_member_generates_the_pdf_in_one_click(world: World) -> None:
    response = client_for(world.responder).post(BASE + "reports/generate/", follow=True)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert ExecutiveReport.objects.filter(incident=world.incident, requested_by=world.responder).exists()


def test_the_report_list_offers_the_stored_pdfs(world: World) -> None:
    page = client_for(world.reviewer_client).get(BASE + "reports/").content.decode()
    assert f"reports/{world.executive_report.pk}/pdf/" in page


def test_the_costs_csv_neutralises_formulas(world: World) -> None:
    client_for(world.lead).post(BASE + "items/new/", {**NEW_ITEM, "description": '=HYPERLINK("http://x")'})
    content = client_for(world.responder).get(BASE + "export/costs.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][:2] == ["category", "description"]
    assert '\'=HYPERLINK("http://x")' in [r[1] for r in rows]
    assert rows[-1][0] == "total"


def test_the_summary_xlsx_holds_text_never_formulas(world: World) -> None:
    client_for(world.lead).post(BASE + "items/new/", {**NEW_ITEM, "description": "@SUM(1,2)"})
    with no_metrics():
        response = client_for(world.reviewer_client).get(BASE + "export/summary.xlsx")
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["summary", "estimate", "costs"]
    descriptions = [row[1] for row in workbook["costs"].iter_rows(values_only=True)]
    assert "'@SUM(1,2)" in descriptions
    figures = {row[0]: row[2] for row in workbook["summary"].iter_rows(values_only=True)}
    assert figures["people_affected"] == 1
    assert figures["notification"] == "not available yet"


def test_the_dashboard_shows_the_charts_and_the_cost_panel(world: World) -> None:
    page = client_for(world.responder).get("/incidents/case-1/").content.decode()
    assert 'id="panel-charts"' in page
    assert 'id="panel-costs"' in page
    assert "vendor/chartjs/chart.umd.js" in page


def _chart_data(page: str, chart_id: str) -> dict[str, Any]:
    match = re.search(rf'<script id="{chart_id}-data" type="application/json">(.*?)</script>', page, re.S)
    assert match, chart_id
    return json.loads(match.group(1))


def test_the_charts_speak_the_readers_language(world: World) -> None:
    values = fake_values()
    values["inquiry_backlog_ages"] = [{"bucket": key, "count": n} for n, (key, _limit) in enumerate(AGE_BUCKETS)]
    expected = {
        "ja": (
            ["送信済み", "郵送", "不確定", "失敗"],
            ["1営業日未満", "1〜2営業日", "2〜5営業日", "5営業日超"],
            "未回答の経過時間",
        ),
        "en": (
            ["Sent", "Postal", "Uncertain", "Failed"],
            ["under 1 business day", "1–2 business days", "2–5 business days", "over 5 business days"],
            "Inquiry backlog by age",
        ),
    }
    for language, (series, buckets, title) in expected.items():
        with fake_metrics(values):
            page = client_for(world.responder, language=language).get("/incidents/case-1/").content.decode()
        progress = _chart_data(page, "chart-notification-progress")
        assert [d["label"] for d in progress["datasets"]] == series
        backlog = _chart_data(page, "chart-backlog-ages")
        assert backlog["labels"] == buckets
        assert f"<figcaption>{title}</figcaption>" in page


def test_every_backlog_bucket_has_a_label_for_the_web_and_the_pdf() -> None:
    keys = [key for key, _limit in AGE_BUCKETS]
    assert list(charts.BUCKET_LABELS) == keys
    assert list(charts.BUCKET_LABELS_JA) == keys
