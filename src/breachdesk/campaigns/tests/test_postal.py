"""Postal letters: Japanese text really ends up in the PDF, and the mailing CSV cannot carry a formula."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest

from breachdesk.campaigns import printing, services
from breachdesk.campaigns.models import Channel, Delivery, DeliveryStatus
from breachdesk.campaigns.tests.conftest import Team, affected_only_new, make_campaign, make_template
from breachdesk.campaigns.transports.postal import Letter, letters_pdf, mailing_csv
from breachdesk.testing.fixtures import require_tool


def letter(**overrides: Any) -> Letter:
    fields: dict[str, Any] = {
        "delivery_id": 7,
        "postal_code": "150-0001",
        "address": "東京都渋谷区神宮前1-2-3",
        "name": "山田 太郎",
        "member_id": "OCO0000007",
        "subject": "個人情報漏えいに関するお詫びとお知らせ",
        "body": "漏えいしたお客様の情報：氏名、住所",
    }
    fields.update(overrides)
    return Letter(**fields)


def test_the_letter_pdf_holds_japanese_text_with_the_address_block() -> None:
    pdftotext = require_tool("pdftotext", "poppler-utils reads the PDF back")
    pdf = letters_pdf([letter(), letter(delivery_id=8, name="佐藤 花子")], sender="オールチケットオンライン")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "letters.pdf"
        path.write_bytes(pdf)
        text = subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True, check=True, text=True).stdout
    for expected in (
        "〒150-0001",
        "東京都渋谷区神宮前1-2-3",
        "山田 太郎 様",
        "佐藤 花子 様",
        "お詫びとお知らせ",
        "氏名、住所",
    ):
        assert expected in text
    assert text.count("\f") >= 2  # one letter per page


def test_the_mailing_csv_neutralises_formulas() -> None:
    text = mailing_csv([letter(name="=cmd|' /C calc'!A0", address="+81 東京", member_id="@SUM(1)")]).decode("utf-8-sig")
    assert "'=cmd" in text
    assert "'+81" in text
    assert "'@SUM" in text


@pytest.mark.django_db
def test_a_person_without_an_address_fails_for_good_and_the_batch_holds_the_others(team: Team, add_person: Any) -> None:
    affected_only_new(team.world)
    add_person()
    nowhere = add_person(with_address=False)
    campaign = services.campaign_start(
        campaign=make_campaign(team, make_template(team), channel=Channel.POSTAL), actor=team.lead
    )
    batch, archive = printing.print_batch_create(campaign=campaign, actor=team.lead)
    assert (batch.letters, batch.failed) == (1, 1)
    failed = Delivery.objects.get(campaign=campaign, person=nowhere)
    assert failed.status == DeliveryStatus.FAILED_PERMANENT
    assert failed.last_error == "campaigns.no_postal_address"
    again = printing.print_batch_download(batch=batch, actor=team.lead)
    assert again[:2] == archive[:2] == b"PK"
