"""Store scan results as evidence on an incident's timeline."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from breachdesk.core import timeline
from breachdesk.scanner.detectors import TYPES
from breachdesk.scanner.engine import ScanSummary

if TYPE_CHECKING:
    from breachdesk.core.models import TimelineEvent
    from breachdesk.incidents.models import Incident

SCAN_SUMMARY = "scan.summary"
# A timeline event is read on every dashboard view: keep it bounded even for a tree of a million files.
MAX_PATHS = 200
MAX_SKIPPED = 100


def scan_evidence_data(*, summary: ScanSummary, roots: list[str] | None = None) -> dict[str, Any]:
    """Return the JSON-able evidence of a scan: counts per type and per path, masked samples, skipped files.

    Holds masked values only: the summary never carried a full value.
    """
    ranked = sorted(summary.paths.items(), key=lambda item: (-sum(item[1].counts.values()), item[0]))
    return {
        "roots": list(roots or []),
        "files": summary.files,
        "bytes": summary.bytes,
        "seconds": round(summary.seconds, 3),
        "counts": {kind: summary.counts.get(kind, 0) for kind in TYPES},
        "paths": [
            {
                "path": path,
                "counts": {kind: per_path.counts[kind] for kind in TYPES if per_path.counts.get(kind)},
                "samples": list(per_path.samples),
            }
            for path, per_path in ranked[:MAX_PATHS]
        ],
        "paths_total": len(summary.paths),
        "skipped": summary.skipped[:MAX_SKIPPED],
        "skipped_total": len(summary.skipped),
    }


def scan_evidence_record(
    *, incident: Incident, actor: Any, summary: ScanSummary, roots: list[str] | None = None
) -> TimelineEvent:
    """Append the scan's summary to ``incident``'s timeline as a ``scan.summary`` event and return the event."""
    return timeline.record(
        incident=incident, actor=actor, kind=SCAN_SUMMARY, data=scan_evidence_data(summary=summary, roots=roots)
    )
