from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from breachdesk.core.models import TimelineEvent
from breachdesk.registry import masking, services
from breachdesk.registry.exporting import safe_cell
from breachdesk.registry.tests.helpers import MASTER_HEADER, MASTER_ROWS, run, write_csv
from breachdesk.testing.fixtures import World

pytestmark = pytest.mark.django_db


def test_masks_read_as_the_issue_shows() -> None:
    assert masking.mask_name("山田 太郎") == "山田 *郎"
    assert masking.mask_email("yamada@example.jp") == "ya***@example.jp"
    assert masking.mask_phone("090-1234-5678") == "090-****-5678"
    assert masking.mask_address("東京都千代田区千代田1-1") == "東京都千代田区***"
    assert masking.mask_birth("1980-04-01") == "1980-**-**"


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "＝1"])
def test_every_cell_that_a_spreadsheet_would_run_is_defused(value: str) -> None:
    assert safe_cell(value).startswith("'")


def _import_with_formula(world: World, tmp_path: Path) -> None:
    rows = [MASTER_HEADER, *MASTER_ROWS, ["-1+2", "普通 名前", "", "", "", "", "", ""]]
    run("import-people", "--incident", "case-1", str(write_csv(tmp_path / "m.csv", rows)))


def test_a_masked_csv_export_has_a_bom_and_no_full_values(world: World, tmp_path: Path) -> None:
    _import_with_formula(world, tmp_path)
    out = io.BytesIO()
    count = services.person_export(
        incident=world.incident, actor=world.responder, fmt="csv", encoding="utf-8", full=False, out=out
    )
    data = out.getvalue()
    assert count == 5  # the world's sample person and four imported
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    assert "山田 *郎" in text
    assert "ta***@example.jp" in text
    assert "taro@example.jp" not in text
    # Member IDs are masked too (all but the last two characters), so the formula never reaches a cell whole.
    assert "**+2" in text
    assert "-1+2" not in text
    for row in MASTER_ROWS:
        assert row[0] not in text
    assert "W-0001" not in text
    event = TimelineEvent.objects.filter(kind="registry.exported").get()
    assert event.data == {"format": "csv", "encoding": "utf-8", "masked": True, "people": 5}


def test_a_full_cp932_and_xlsx_export_hold_the_values_and_stay_formula_safe(world: World, tmp_path: Path) -> None:
    _import_with_formula(world, tmp_path)
    out = io.BytesIO()
    services.person_export(incident=world.incident, actor=world.lead, fmt="csv", encoding="cp932", full=True, out=out)
    assert "taro@example.jp" in out.getvalue().decode("cp932")
    out = io.BytesIO()
    services.person_export(incident=world.incident, actor=world.lead, fmt="xlsx", encoding="", full=True, out=out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert "山田 太郎" in values
    assert "'-1+2" in values
    assert all(not (isinstance(v, str) and v.startswith(("=", "+", "-", "@"))) for v in values)
