"""The DOCX and the plain text of a report: Japanese headings, Japanese font, and the PPC form's order."""

from __future__ import annotations

import io

import pytest
from docx import Document
from docx.oxml.ns import qn

from breachdesk.obligations import services
from breachdesk.obligations.reports.prefill import JP_ITEMS
from breachdesk.testing.fixtures import World, client_for

pytestmark = pytest.mark.django_db
REPORT = "/incidents/case-1/obligations/reports/jp-preliminary/"
HEADINGS = [f"{n} {heading}" for n, (_key, heading) in enumerate(JP_ITEMS, start=1)]


def test_the_docx_holds_the_japanese_text_the_nine_headings_and_a_japanese_font(world: World) -> None:
    services.report_create(incident=world.incident, actor=world.lead, jurisdiction="JP", kind="preliminary")
    response = client_for(world.responder).get(REPORT + "docx/")
    assert response.status_code == 200
    assert "case-1-preliminary-jp.docx" in response["Content-Disposition"]
    doc = Document(io.BytesIO(response.content))
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == "個人データの漏えい等に関する報告（速報）草案"
    assert [t for t in texts if t in HEADINGS] == HEADINGS
    assert "氏名、メールアドレス" in texts
    assert "1人" in texts
    cells = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}
    assert cells["報告の区分"] == "速報"
    assert cells["事態を知った日"] == "2026年3月2日"
    assert cells["該当する事態"] == "施行規則第7条第3号"
    fonts = doc.styles["Normal"].element.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:eastAsia")) == "Noto Sans CJK JP"


def test_the_docx_of_a_report_not_drafted_yet_is_the_prefill(world: World) -> None:
    response = client_for(world.lead).get(REPORT + "docx/")
    assert response.status_code == 200
    doc = Document(io.BytesIO(response.content))
    assert "未保存の下書き（自動作成）" in {row.cells[1].text for row in doc.tables[0].rows}


def test_the_plain_text_follows_the_order_of_the_ppc_form(world: World) -> None:
    services.report_create(incident=world.incident, actor=world.lead, jurisdiction="JP", kind="preliminary")
    response = client_for(world.lead).get(REPORT + "text/")
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode("utf-8")
    positions = [
        text.index(label) for label in ["【報告の区分】速報", "【報告者（事業者の名称）】", "【事態を知った日】"]
    ]
    positions += [text.index(f"■ {heading}") for heading in HEADINGS]
    assert positions == sorted(positions)


def test_the_gdpr_export_lists_the_article_33_3_contents(world: World) -> None:
    from breachdesk.testing.factories import incident_create

    incident = incident_create(lead=world.lead, code="eu-doc", jurisdictions=["EU"])
    services.report_create(incident=incident, actor=world.lead, jurisdiction="EU", kind="authority")
    text = client_for(world.lead).get("/incidents/eu-doc/obligations/reports/eu-authority/text/").content.decode()
    for part in ("(a) Nature of the breach", "(b) Name and contact details", "(c) Likely consequences", "(d) Measures"):
        assert part in text
