"""Render the executive PDF for real: WeasyPrint with Japanese fonts, then pdftoppm and pdftotext read it back."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from django.utils import timezone

from breachdesk.costs import services
from breachdesk.costs.models import ReportStatus
from breachdesk.costs.pdf import summary_pdf
from breachdesk.costs.tests.helpers import add_people, fake_metrics
from breachdesk.testing.fixtures import World, require_tool

pytestmark = pytest.mark.django_db


def test_the_executive_pdf_shows_the_key_figures_in_japanese_on_at_most_two_a4_pages(
    world: World, tmp_path: Path
) -> None:
    pdftotext = require_tool("pdftotext", "reading the executive PDF back")
    pdftoppm = require_tool("pdftoppm", "turning the executive PDF into images")
    add_people(world.incident, [(["name", "address", "card_number"], 10), (["name", "email"], 30)])
    with fake_metrics():
        pdf, pages = summary_pdf(incident=world.incident, now=timezone.now())
    assert 1 <= pages <= 2
    path = tmp_path / "summary.pdf"
    path.write_bytes(pdf)
    text = subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "エグゼクティブサマリー" in text
    assert "¥873,000" in text  # 10 × ¥78,000 + 31 × ¥3,000 (the world's sample person has name and email too)
    assert "78,000" in text
    assert "86,500" in text  # notifications sent
    assert "第1報" in text
    subprocess.run([pdftoppm, "-png", "-r", "60", str(path), str(tmp_path / "page")], check=True)
    images = sorted(tmp_path.glob("page*.png"))
    assert len(images) == pages
    assert all(image.stat().st_size > 10_000 for image in images)


def test_without_other_apps_the_pdf_says_the_figures_are_not_available_yet(world: World, tmp_path: Path) -> None:
    pdftotext = require_tool("pdftotext", "reading the executive PDF back")
    pdf, _pages = summary_pdf(incident=world.incident, now=timezone.now())
    path = tmp_path / "summary.pdf"
    path.write_bytes(pdf)
    text = subprocess.run([pdftotext, str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "データ未提供" in text


def test_a_member_generates_a_report_on_demand_and_it_is_stored(world: World) -> None:
    report = services.report_generate_now(incident=world.incident, actor=world.responder)
    assert report.status == ReportStatus.DONE
    assert report.pdf is not None
    assert bytes(report.pdf).startswith(b"%PDF")
    assert report.pages >= 1
