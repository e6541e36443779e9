"""Scan paths for personal identifiers, in one process or several, and summarise what was found.

``scan_paths`` is the scanner's API; the ``scan`` management command and the benchmark call it. A big text file is
cut into byte ranges aligned on line ends, so that several processes share it; line numbers are put back together
in the parent. Only masked values ever leave a worker. Pure Python, no Django import.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from breachdesk.scanner import readers, walker
from breachdesk.scanner.detectors import TYPES

# A text file bigger than this is cut into byte ranges when several processes run.
SPLIT_SIZE = 48 * 1024 * 1024
SAMPLES_PER_PATH = 3


@dataclass(frozen=True, slots=True)
class Finding:
    """Describe one identifier found: where, what, how sure, and its masked value (never the value itself)."""

    path: str
    line: int
    column: int
    type: str
    confidence: float
    masked: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "type": self.type,
            "confidence": self.confidence,
            "masked": self.masked,
        }


@dataclass
class PathSummary:
    """Count what one file held, and keep a few masked samples of it."""

    counts: dict[str, int] = field(default_factory=dict)
    samples: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class ScanSummary:
    """Summarise a scan: totals, per-type counts, per-file counts and what was skipped."""

    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    skipped: list[dict[str, str]] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(TYPES, 0))
    paths: dict[str, PathSummary] = field(default_factory=dict)

    def add(self, finding: Finding) -> None:
        self.counts[finding.type] = self.counts.get(finding.type, 0) + 1
        per_path = self.paths.setdefault(finding.path, PathSummary())
        per_path.counts[finding.type] = per_path.counts.get(finding.type, 0) + 1
        if len(per_path.samples) < SAMPLES_PER_PATH:
            per_path.samples.append({"type": finding.type, "line": finding.line, "masked": finding.masked})

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def as_dict(self) -> dict[str, Any]:
        """Return the summary in the command's contract: files, bytes, seconds, skipped, counts."""
        return {
            "files": self.files,
            "bytes": self.bytes,
            "seconds": round(self.seconds, 3),
            "skipped": list(self.skipped),
            "counts": {kind: self.counts.get(kind, 0) for kind in TYPES},
        }


@dataclass(frozen=True)
class _Task:
    path: str
    file_type: readers.FileType
    start: int = 0
    end: int | None = None


@dataclass
class _Outcome:
    findings: list[readers.RawFinding]
    newlines: int
    error: str | None = None


def _task_run(task: _Task) -> _Outcome:
    """Read one file or byte range; runs in a worker process, so it returns masked findings only."""
    try:
        result = readers.file_read(path=Path(task.path), file_type=task.file_type, start=task.start, end=task.end)
    except readers.UnreadableFile as exc:
        return _Outcome([], 0, str(exc))
    return _Outcome(result.findings, result.newlines)


@dataclass
class _Plan:
    """Hold a file and the tasks that read it, in order."""

    path: str
    size: int
    tasks: list[_Task]


def _plans(paths: list[str], jobs: int, summary: ScanSummary) -> Iterator[_Plan]:
    seen: set[tuple[int, int]] = set()
    for root in paths:
        for item in walker.entries_walk(root=root, seen=seen):
            if isinstance(item, walker.Skipped):
                summary.skipped.append({"path": item.path, "reason": item.reason})
                continue
            try:
                file_type = readers.file_type_sniff(path=item.path)
            except readers.UnreadableFile as exc:
                summary.skipped.append({"path": str(item.path), "reason": str(exc)})
                continue
            splittable = file_type.kind == readers.TEXT and not file_type.gz and file_type.encoding != "utf-16"
            if jobs > 1 and splittable and item.size > SPLIT_SIZE:
                parts = max(jobs * 2, -(-item.size // SPLIT_SIZE))
                step = -(-item.size // parts)
                tasks = [
                    _Task(str(item.path), file_type, offset, min(offset + step, item.size))
                    for offset in range(0, item.size, step)
                ]
            else:
                tasks = [_Task(str(item.path), file_type)]
            yield _Plan(str(item.path), item.size, tasks)


def _merge(
    plan: _Plan, outcomes: list[_Outcome], summary: ScanSummary, on_finding: Callable[[Finding], None] | None
) -> None:
    line_offset = 0
    errors = [outcome.error for outcome in outcomes if outcome.error]
    for outcome in outcomes:
        for line, column, kind, confidence, masked in outcome.findings:
            finding = Finding(plan.path, line + line_offset, column, kind, confidence, masked)
            summary.add(finding)
            if on_finding is not None:
                on_finding(finding)
        line_offset += outcome.newlines
    if errors and not any(outcome.findings for outcome in outcomes) and len(errors) == len(outcomes):
        summary.skipped.append({"path": plan.path, "reason": errors[0]})
        return
    if errors:
        summary.skipped.append({"path": plan.path, "reason": f"partly read: {errors[0]}"})
    summary.files += 1
    summary.bytes += plan.size


def scan_paths(paths: list[str], *, jobs: int = 1, on_finding: Callable[[Finding], None] | None = None) -> ScanSummary:
    """Scan files and directory trees and return the summary; call ``on_finding`` for each finding, in order.

    ``jobs`` > 1 reads files (and byte ranges of big files) in that many processes. The roots must exist
    (check them first with ``walker.root_check``); what cannot be read inside them is reported as skipped.
    """
    if jobs < 1:
        raise ValueError("jobs must be at least 1")
    started = time.perf_counter()
    summary = ScanSummary()
    plans = _plans(paths, jobs, summary)
    if jobs == 1:
        for plan in plans:
            _merge(plan, [_task_run(task) for task in plan.tasks], summary, on_finding)
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            # Submit ahead so workers stay busy, but merge strictly in order so output is stable.
            pending: list[tuple[_Plan, list[Future[_Outcome]]]] = []
            window = jobs * 4
            for plan in plans:
                pending.append((plan, [pool.submit(_task_run, task) for task in plan.tasks]))
                while sum(len(futures) for _, futures in pending) > window:
                    done_plan, futures = pending.pop(0)
                    _merge(done_plan, [future.result() for future in futures], summary, on_finding)
            for done_plan, futures in pending:
                _merge(done_plan, [future.result() for future in futures], summary, on_finding)
    summary.seconds = time.perf_counter() - started
    return summary
