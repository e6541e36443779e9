"""Test the scan API: summaries, ordering, several processes and byte-range splitting."""

from __future__ import annotations

from pathlib import Path

import pytest

from breachdesk.scanner import engine, readers
from breachdesk.scanner.detectors import TYPES


def _tree(root: Path) -> None:
    (root / "logs").mkdir(parents=True)
    lines = [
        f"{n} user{n}@example.jp card=4111111111111111" if n % 50 == 0 else f"{n} nothing here" for n in range(5000)
    ]
    (root / "logs/big.log").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "logs/small.log").write_text("tel 090-1234-5678\n", encoding="utf-8")
    (root / "image.bin").write_bytes(b"\x00\x01\x02")


def test_it_summarises_per_type_and_per_file(tmp_path: Path) -> None:
    _tree(tmp_path)
    summary = engine.scan_paths([str(tmp_path)])
    assert summary.files == 2
    assert summary.counts == {**dict.fromkeys(TYPES, 0), "email": 100, "credit_card": 100, "phone": 1}
    assert summary.paths[str(tmp_path / "logs/small.log")].counts == {"phone": 1}
    assert summary.skipped == [{"path": str(tmp_path / "image.bin"), "reason": "binary"}]
    assert list(summary.as_dict()) == ["files", "bytes", "seconds", "skipped", "counts"]


def test_several_processes_and_split_files_give_the_same_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _tree(tmp_path)
    # Split the big file into many small ranges; workers are forked, so they see the patched sizes too.
    monkeypatch.setattr(engine, "SPLIT_SIZE", 4096)
    monkeypatch.setattr(readers, "CHUNK_SIZE", 1024)
    one: list[engine.Finding] = []
    many: list[engine.Finding] = []
    engine.scan_paths([str(tmp_path)], jobs=1, on_finding=one.append)
    summary = engine.scan_paths([str(tmp_path)], jobs=3, on_finding=many.append)
    assert many == one
    assert [f.line for f in many if f.type == "email"][:3] == [1, 51, 101]
    assert summary.files == 2


def test_it_rejects_zero_jobs() -> None:
    with pytest.raises(ValueError, match="jobs"):
        engine.scan_paths(["."], jobs=0)
