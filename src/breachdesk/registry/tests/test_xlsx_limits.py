"""XLSX parsing is hardened: defusedxml at runtime, and a cap on what the workbook's zip parts inflate to."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from breachdesk.registry.importing import readers
from breachdesk.registry.importing.errors import BadFile


def test_openpyxl_parses_with_defusedxml() -> None:
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML is True


def _bomb(path: Path, size: int) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<" + b" " * size + b"/>")
    return path


def test_a_part_that_inflates_hundreds_of_times_is_refused_before_parsing(tmp_path: Path) -> None:
    with pytest.raises(BadFile) as refused:
        readers.open_table(_bomb(tmp_path / "bomb.xlsx", 8 * 1024**2))
    assert refused.value.code == "registry.xlsx_too_large"
    assert "sheet1.xml" in str(refused.value.message)


def test_a_workbook_over_the_total_cap_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["会員番号", "メールアドレス"])
    for n in range(200):
        sheet.append([f"X-{n}", f"x{n}@example.jp"])
    path = tmp_path / "ok.xlsx"
    workbook.save(path)
    table = readers.open_table(path)  # a real workbook passes
    table.close()
    monkeypatch.setattr(readers, "XLSX_MAX_UNCOMPRESSED", 10_000)
    with pytest.raises(BadFile) as refused:
        readers.open_table(path)
    assert refused.value.code == "registry.xlsx_too_large"
