"""Scan paths for personal identifiers, in one process or several, and summarise what was found.

``scan_paths`` is the scanner's API; the ``scan`` management command and the benchmark call it. A big text file is
cut into byte ranges aligned on line ends, so that several processes share it; line numbers are put back together
in the parent. Only masked values ever leave a worker. Pure Python, no Django import.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from breachdesk.scanner import readers, walker
from breachdesk.scanner.detectors import TYPES

# A text file bigger than this is cut into byte ranges of about RANGE_SIZE when several processes run. Ranges are
# small enough that a worker slowed down by other load on the machine leaves the rest of the file to the others.
SPLIT_SIZE = 16 * 1024 * 1024
RANGE_SIZE = 8 * 1024 * 1024
# Small files go to a worker in batches of at most this many files (or RANGE_SIZE bytes).
BATCH_FILES = 64
SAMPLES_PER_PATH = 3


@dataclass(frozen=True, slots=True)
class Finding:
    """Describe one identifier found: where, what, how sure, and its masked value (never the value itself).

    In a workbook, ``line`` and ``column`` are the cell's row and column and ``sheet`` names its sheet.
    """

    path: str
    line: int
    column: int
    type: str
    confidence: float
    masked: str
    sheet: str = ""

    @property
    def cell(self) -> str:
        """Return the cell reference (``B2``) of a finding in a workbook, else an empty string."""
        return readers.cell_reference(row=self.line, column=self.column) if self.sheet else ""

    def location(self) -> dict[str, Any]:
        """Return where the finding is: line and column, plus sheet and cell for a workbook."""
        where: dict[str, Any] = {"line": self.line, "column": self.column}
        if self.sheet:
            where["sheet"] = self.sheet
            where["cell"] = self.cell
        return where

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            **self.location(),
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
            sample = {"type": finding.type, "line": finding.line, "masked": finding.masked}
            if finding.sheet:
                sample.update(sheet=finding.sheet, cell=finding.cell)
            per_path.samples.append(sample)

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
    file_type: readers.FileType | None  # None: the worker sniffs the file itself
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
        path = Path(task.path)
        file_type = task.file_type or readers.file_type_sniff(path=path)
        result = readers.file_read(path=path, file_type=file_type, start=task.start, end=task.end)
    except readers.UnreadableFile as exc:
        return _Outcome([], 0, str(exc))
    return _Outcome(result.findings, result.newlines, result.error)


def _tasks_run(tasks: list[_Task]) -> list[_Outcome]:
    """Run several tasks in one worker call: small files travel in batches, not one round trip each."""
    return [_task_run(task) for task in tasks]


@dataclass
class _Plan:
    """Hold a file and the tasks that read it, in order, or why it is skipped (then with no task)."""

    path: str
    size: int
    tasks: list[_Task]
    skipped: str | None = None


def _plans(paths: list[str], jobs: int) -> Iterator[_Plan]:
    seen: set[tuple[int, int]] = set()
    for root in paths:
        for item in walker.entries_walk(root=root, seen=seen):
            if isinstance(item, walker.Skipped):
                yield _Plan(item.path, 0, [], item.reason)
                continue
            path = str(item.path)
            if jobs == 1 or item.size <= SPLIT_SIZE:
                yield _Plan(path, item.size, [_Task(path, None)])  # sniffed by the worker
                continue
            try:
                file_type = readers.file_type_sniff(path=item.path)
            except readers.UnreadableFile as exc:
                yield _Plan(path, 0, [], str(exc))
                continue
            if file_type.kind == readers.TEXT and not file_type.gz and file_type.encoding != "utf-16":
                parts = max(jobs * 2, -(-item.size // RANGE_SIZE))
                step = -(-item.size // parts)
                tasks = [
                    _Task(path, file_type, offset, min(offset + step, item.size))
                    for offset in range(0, item.size, step)
                ]
            else:
                tasks = [_Task(path, file_type)]
            yield _Plan(path, item.size, tasks)


def _units(plans: Iterator[_Plan]) -> Iterator[tuple[list[_Plan], list[list[_Task]]]]:
    """Group plans for the pool: a split file alone, one call per range; small files in batches of one call."""
    batch: list[_Plan] = []
    size = 0
    for plan in plans:
        if len(plan.tasks) > 1:
            if batch:
                yield batch, [[task for item in batch for task in item.tasks]]
                batch, size = [], 0
            yield [plan], [[task] for task in plan.tasks]
            continue
        batch.append(plan)
        size += plan.size
        if len(batch) >= BATCH_FILES or size >= RANGE_SIZE:
            yield batch, [[task for item in batch for task in item.tasks]]
            batch, size = [], 0
    if batch:
        yield batch, [[task for item in batch for task in item.tasks]]


def _merge(
    plan: _Plan, outcomes: list[_Outcome], summary: ScanSummary, on_finding: Callable[[Finding], None] | None
) -> None:
    line_offset = 0
    errors = [outcome.error for outcome in outcomes if outcome.error]
    for outcome in outcomes:
        for line, column, kind, confidence, masked, sheet in outcome.findings:
            finding = Finding(plan.path, line + line_offset, column, kind, confidence, masked, sheet)
            summary.add(finding)
            if on_finding is not None:
                on_finding(finding)
        line_offset += outcome.newlines
    if plan.skipped is not None:
        summary.skipped.append({"path": plan.path, "reason": plan.skipped})
        return
    if errors and not any(outcome.findings for outcome in outcomes) and len(errors) == len(outcomes):
        summary.skipped.append({"path": plan.path, "reason": errors[0]})
        return
    if errors:
        summary.skipped.append({"path": plan.path, "reason": f"partly read: {errors[0]}"})
    summary.files += 1
    summary.bytes += plan.size


def _unit_merge(
    unit: list[_Plan],
    futures: list[Future[list[_Outcome]]],
    summary: ScanSummary,
    on_finding: Callable[[Finding], None] | None,
) -> int:
    """Wait for a unit's calls, merge its plans in order, and return how many calls it had."""
    outcomes = [outcome for future in futures for outcome in future.result()]
    for plan in unit:
        count = len(plan.tasks)
        _merge(plan, outcomes[:count], summary, on_finding)
        del outcomes[:count]
    return len(futures)


def scan_paths(paths: list[str], *, jobs: int = 1, on_finding: Callable[[Finding], None] | None = None) -> ScanSummary:
    """Scan files and directory trees and return the summary; call ``on_finding`` for each finding, in order.

    ``jobs`` > 1 reads files (and byte ranges of big files) in that many processes. The roots must exist
    (check them first with ``walker.root_check``); what cannot be read inside them is reported as skipped.
    """
    if jobs < 1:
        raise ValueError("jobs must be at least 1")
    started = time.perf_counter()
    summary = ScanSummary()
    plans = _plans(paths, jobs)
    if jobs == 1:
        for plan in plans:
            _merge(plan, [_task_run(task) for task in plan.tasks], summary, on_finding)
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            # Submit ahead so workers stay busy, but merge strictly in order so output is stable.
            pending: deque[tuple[list[_Plan], list[Future[list[_Outcome]]]]] = deque()
            in_flight = 0
            for unit, calls in _units(plans):
                pending.append((unit, [pool.submit(_tasks_run, tasks) for tasks in calls]))
                in_flight += len(calls)
                while in_flight > jobs * 4:
                    in_flight -= _unit_merge(*pending.popleft(), summary, on_finding)
            while pending:
                _unit_merge(*pending.popleft(), summary, on_finding)
    summary.seconds = time.perf_counter() - started
    return summary
