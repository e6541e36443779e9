"""Plant formulas in the data behind every CSV and XLSX export, read each export back, and find them neutralised."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from breachdesk.core.exports import FORMULA_PREFIXES, safe_cell, safe_row
from breachdesk.costs.models import CostItem
from breachdesk.security.corpus import FORMULAS
from breachdesk.testing.fixtures import World, client_for

pytestmark = pytest.mark.django_db
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")


def _csv_cells(data: bytes, encoding: str = "utf-8-sig") -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.decode(encoding), newline="")) for cell in row]


def _xlsx_cells(data: bytes) -> list[Any]:
    book = load_workbook(io.BytesIO(data))
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}"
                cells.append(cell.value)
    return cells


def _assert_neutral(cells: list[Any], planted: list[str]) -> None:
    """No text cell starts like a formula, and each planted formula is there with its apostrophe."""
    texts = [c for c in cells if isinstance(c, str)]
    live = [c for c in texts if c.startswith(FORMULA_PREFIXES) and not _NUMBER.match(c)]
    assert not live, f"cells a spreadsheet would evaluate: {live}"
    for formula in planted:
        assert "'" + formula in texts, f"planted {formula!r} is missing from the export"


def test_the_shared_helper_neutralises_every_prefix() -> None:
    for formula in FORMULAS:
        assert safe_cell(formula) == "'" + formula
    assert safe_cell("山田") == "山田"
    assert safe_cell(-5) == -5
    assert safe_row(["=1", 2, None]) == ["'=1", 2, None]


@pytest.fixture
def hostile_costs(world: World) -> list[str]:
    planted = [FORMULAS[0], FORMULAS[1], FORMULAS[6]]
    CostItem.objects.filter(pk=world.cost_item.pk).update(
        description=planted[0], vendor=planted[1], unit=planted[2][:20]
    )
    return [planted[0], planted[1]]


@pytest.mark.parametrize("name", ["costs.csv", "summary.csv"])
def test_costs_csv_exports(world: World, hostile_costs: list[str], name: str) -> None:
    response = client_for(world.lead).get(f"/incidents/{world.incident.code}/costs/export/{name}")
    assert response.status_code == 200
    _assert_neutral(_csv_cells(response.content), hostile_costs if name == "costs.csv" else [])


@pytest.mark.parametrize("name", ["costs.xlsx", "summary.xlsx"])
def test_costs_xlsx_exports(world: World, hostile_costs: list[str], name: str) -> None:
    response = client_for(world.lead).get(f"/incidents/{world.incident.code}/costs/export/{name}")
    assert response.status_code == 200
    _assert_neutral(_xlsx_cells(response.content), hostile_costs if name == "costs.xlsx" else [])


@pytest.fixture
def hostile_person(world: World) -> list[str]:
    """Plant formulas in a person's stored data, past the importer (which refuses them) as an old backup could."""
    from breachdesk.core.crypto import cipher_for
    from breachdesk.registry.models import ENCRYPTED, Person

    cipher = cipher_for(world.incident.pk)
    planted = {"member_id": FORMULAS[2], "name": FORMULAS[0], "address": FORMULAS[3], "email": FORMULAS[9]}
    at = {"table": "registry.person", "row": world.person.aad_id}
    Person.objects.filter(pk=world.person.pk).update(
        **{ENCRYPTED[k]: cipher.encrypt(k, v, **at) for k, v in planted.items()}
    )
    return list(planted.values())


@pytest.mark.parametrize(("fmt", "encoding"), [("csv", "utf-8"), ("csv", "cp932"), ("xlsx", "utf-8")])
def test_registry_full_export(world: World, hostile_person: list[str], fmt: str, encoding: str) -> None:
    response = client_for(world.lead).post(
        f"/incidents/{world.incident.code}/registry/export/", {"format": fmt, "encoding": encoding, "full": "on"}
    )
    assert response.status_code == 200
    data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    text_encoding = "utf-8-sig" if encoding == "utf-8" else "cp932"
    cells = _xlsx_cells(data) if fmt == "xlsx" else _csv_cells(data, text_encoding)
    if fmt == "csv" and encoding == "cp932":
        hostile_person = [f for f in hostile_person if not f.startswith("＠")]  # CP932 has no full-width @ form
    _assert_neutral(cells, hostile_person)


def test_registry_masked_export_has_no_live_cells(world: World, hostile_person: list[str]) -> None:
    response = client_for(world.lead).post(
        f"/incidents/{world.incident.code}/registry/export/", {"format": "csv", "encoding": "utf-8"}
    )
    assert response.status_code == 200
    data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    _assert_neutral(_csv_cells(data), [])


def test_registry_side_files_error_and_match_reports(tmp_path: Path) -> None:
    """The error file and the match report repeat rows of an uploaded file, so they are neutralised too."""
    from breachdesk.registry.importing.files import SideFile

    side = SideFile(tmp_path / "errors.csv", ["row", "member_id", "name", "reason"])
    side.write([7, FORMULAS[1], FORMULAS[7], "invalid"])
    side.close()
    _assert_neutral(_csv_cells((tmp_path / "errors.csv").read_bytes()), [FORMULAS[1], FORMULAS[7]])
    # Resuming keeps the rows already written, unchanged (no second apostrophe).
    resumed = SideFile(tmp_path / "errors.csv", ["row", "member_id", "name", "reason"], keep_up_to=10)
    resumed.close()
    _assert_neutral(_csv_cells((tmp_path / "errors.csv").read_bytes()), [FORMULAS[1], FORMULAS[7]])


def test_campaign_postal_mailing_list() -> None:
    from breachdesk.campaigns.transports.postal import Letter, mailing_csv

    letter = Letter(
        delivery_id=1,
        postal_code=FORMULAS[4],
        address=FORMULAS[0],
        name=FORMULAS[8],
        member_id=FORMULAS[2],
        subject="s",
        body="b",
    )
    _assert_neutral(_csv_cells(mailing_csv([letter])), [FORMULAS[0], FORMULAS[8], FORMULAS[2], FORMULAS[4]])


def test_every_spreadsheet_writer_in_the_code_uses_the_shared_helper() -> None:
    """A new csv.writer or openpyxl workbook outside the known exports must be added here (and neutralised)."""
    root = Path(__file__).resolve().parents[2]
    writers = set()
    for path in root.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if "csv.writer(" in text or "csv.DictWriter(" in text or "Workbook(" in text:
            writers.add(str(path.relative_to(root)))
    known = {
        "costs/exports.py",
        "registry/exporting.py",
        "registry/importing/files.py",
        "campaigns/transports/postal.py",
        "registry/demo.py",  # writes the demo's sample upload file (input for the importer, not an export)
    }
    assert writers <= known, f"new spreadsheet writers to neutralise and test: {writers - known}"
    for name in known - {"registry/demo.py"}:
        assert "core.exports import" in (root / name).read_text(encoding="utf-8"), name
