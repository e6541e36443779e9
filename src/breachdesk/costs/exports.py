"""Write the costs and the summary figures as CSV (UTF-8 with BOM, for Excel) or XLSX. No personal data.

Every text cell that a spreadsheet could read as a formula gets a leading apostrophe (``core.exports.safe_cell``);
numbers stay numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from breachdesk.core.exports import safe_cell
from breachdesk.costs.selectors import CostSheet, IncidentEstimate
from breachdesk.costs.summary import Summary

COST_HEADER = [
    "category",
    "description",
    "vendor",
    "pricing",
    "unit_price_yen",
    "unit",
    "planned_quantity",
    "actual_quantity",
    "actual_quantity_source",
    "tax_treatment",
    "tax_rate_percent",
    "planned_net_yen",
    "planned_tax_yen",
    "planned_gross_yen",
    "actual_net_yen",
    "actual_tax_yen",
    "actual_gross_yen",
]


def _plain(value: Any) -> Any:
    if value is None:
        return ""
    if hasattr(value, "as_tuple"):  # Decimal: keep it exact, without float noise
        return str(value)
    return value


def cost_rows(sheet: CostSheet) -> list[list[Any]]:
    rows: list[list[Any]] = [COST_HEADER]
    for line in sheet.lines:
        item = line.item
        source = ("metric:" + item.quantity_metric) if line.from_metric else ("manual" if line.actual_quantity else "")
        planned, actual = line.planned, line.actual
        rows.append(
            [
                item.category,
                item.description,
                item.vendor,
                item.pricing,
                item.unit_price_yen,
                item.unit,
                item.planned_quantity,
                line.actual_quantity,
                source,
                item.tax_treatment,
                item.tax_rate_percent,
                planned.net if planned else None,
                planned.tax if planned else None,
                planned.gross if planned else None,
                actual.net if actual else None,
                actual.tax if actual else None,
                actual.gross if actual else None,
            ]
        )
    p, a = sheet.planned, sheet.actual
    rows.append(["total", "", "", "", None, "", None, None, "", "", None, p.net, p.tax, p.gross, a.net, a.tax, a.gross])
    return rows


def estimate_rows(estimate: IncidentEstimate) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [
            "items",
            "persons",
            "sensitivity",
            "identifiability",
            "social_responsibility",
            "response_evaluation",
            "per_person_yen",
            "subtotal_yen",
        ],
    ]
    for g in estimate.groups:
        e = g.estimate
        rows.append(
            [
                ",".join(g.items),
                g.persons,
                e.sensitivity,
                e.identifiability,
                e.social_responsibility,
                e.response_evaluation,
                g.per_person_yen,
                g.subtotal_yen,
            ]
        )
    rows.append(["total", estimate.persons, None, None, None, None, None, estimate.total_yen])
    return rows


def summary_rows(summary: Summary) -> list[list[Any]]:
    return [["key", "label", "value"], *[[k, label, v] for k, label, v in summary.figures()]]


def to_csv(rows: Iterable[list[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(_plain(v)) for v in row])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(sheets: dict[str, Iterable[list[Any]]]) -> bytes:
    # Imported here, not at the top: openpyxl is heavy and only the XLSX download needs it.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            cells = []
            for value in row:
                value = _plain(value)
                cell = WriteOnlyCell(sheet, value=safe_cell(value))
                if isinstance(value, str):
                    cell.data_type = "s"  # text stays text, never a formula
                cells.append(cell)
            sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
