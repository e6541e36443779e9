"""Write a report as a DOCX file for internal review, with a Japanese font named for East Asian text."""

from __future__ import annotations

import io

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from breachdesk.obligations.reports.document import ReportDocument

FONT = "Noto Sans CJK JP"
STYLES = ("Normal", "Title", "Heading 1", "Heading 2", "Table Grid")


def _name_font(style: object) -> None:
    font = style.font  # type: ignore[attr-defined]
    font.name = FONT
    # python-docx sets only the ASCII and hAnsi slots; Word picks Japanese glyphs from the eastAsia slot.
    r_pr = style.element.get_or_add_rPr()  # type: ignore[attr-defined]
    r_fonts = r_pr.find(qn("w:rFonts"))
    if r_fonts is None:
        r_fonts = r_pr.makeelement(qn("w:rFonts"), {})
        r_pr.append(r_fonts)
    r_fonts.set(qn("w:eastAsia"), FONT)
    lang = r_pr.find(qn("w:lang"))
    if lang is None:
        lang = r_pr.makeelement(qn("w:lang"), {})
        r_pr.append(lang)
    lang.set(qn("w:eastAsia"), "ja-JP")


def report_docx(document: ReportDocument) -> bytes:
    """Return the DOCX bytes of ``document``."""
    doc = Document()
    for name in STYLES:
        try:
            _name_font(doc.styles[name])
        except KeyError:
            continue
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.core_properties.title = document.title
    doc.core_properties.language = "ja-JP" if document.jurisdiction == "JP" else "en"
    doc.add_heading(document.title, level=1)
    table = doc.add_table(rows=0, cols=2)
    table.style = doc.styles["Table Grid"]
    for label, value in [*document.meta, ("状態" if document.jurisdiction == "JP" else "Status", document.status_line)]:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    for heading, text in document.sections:
        doc.add_heading(heading, level=2)
        for paragraph in (text.strip() or "—").split("\n"):
            doc.add_paragraph(paragraph)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
