"""Test that the prefilter never hides a line the full scan would report."""

from __future__ import annotations

from pathlib import Path

from breachdesk.scanner import detectors, prefilter
from breachdesk.scanner.tests import corpus as corpus_module


def _full_scan(block: bytes) -> set[int]:
    """Return the start offsets of the lines where a line-by-line text_scan finds something."""
    starts = set()
    offset = 0
    for line in block.split(b"\n"):
        if detectors.text_scan(text=line.decode("utf-8", "replace")):
            starts.add(offset)
        offset += len(line) + 1
    return starts


def test_it_keeps_every_line_the_full_scan_reports(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    root.mkdir()
    corpus_module.corpus_build(root=root)
    block = prefilter.bytes_normalise(data=(root / "logs/app.log").read_bytes())
    hits = set(prefilter.block_hits(block=block))
    expected = _full_scan(block)
    assert expected
    assert expected <= hits


def test_it_drops_lines_with_only_decoys() -> None:
    block = b"2026-11-21T10:00:00 trace=20261121143055123 epoch=1763700000000 v5.2.1 ip=10.0.0.1 status=200\n"
    assert prefilter.block_hits(block=block) == []


def test_it_finds_every_context_word() -> None:
    for word in detectors.CONTEXT_LED_WORDS:
        block = prefilter.bytes_normalise(data=f"x\n... {word.upper()} ...\n".encode())
        assert prefilter.block_hits(block=block) == [2], word


def test_it_normalises_full_width_bytes_like_text() -> None:
    text = "カード：４１１１－１１１１－１１１１－１１１１　０９０ー１２３４ー５６７８　ｙａｍａ＠ｅｘａｍｐｌｅ．ｊｐ"
    assert prefilter.bytes_normalise(data=text.encode()).decode() == detectors.text_normalise(text=text)
