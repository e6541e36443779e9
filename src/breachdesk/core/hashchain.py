"""Hash the links of an append-only chain (the timeline, the access log) the same way everywhere."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def chain_time(at: datetime) -> str:
    """Return ``at`` as the chain writes it: UTC, ISO 8601, microseconds."""
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def chain_digest(content: dict[str, Any]) -> str:
    """Return the SHA-256 (hex) of ``content`` as canonical JSON (sorted keys, UTF-8, no spaces)."""
    payload = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainReport:
    """Describe the result of checking an incident's chain."""

    ok: bool
    events: int
    first_bad_event: int | None = None
    seq: int | None = None
    reason: str | None = None

    def as_dict(self) -> dict[str, Any]:
        if self.ok:
            return {"ok": True, "events": self.events}
        return {
            "ok": False,
            "events": self.events,
            "first_bad_event": self.first_bad_event,
            "seq": self.seq,
            "reason": self.reason,
        }


def chain_verify(
    rows: Iterable[Any], digest_of: Callable[[Any], str], *, start_seq: int = 0, start_hash: str = GENESIS
) -> ChainReport:
    """Walk ``rows`` (by ``seq``, each with ``pk``, ``seq``, ``prev_hash``, ``hash``) and report the first break.

    ``digest_of`` recomputes a row's hash from its content; sequence numbers must run 1, 2, … without a gap, or,
    for a chain whose oldest rows were pruned, from ``start_seq + 1`` on, linked to ``start_hash``.
    """
    prev = start_hash
    count = 0
    for row in rows:
        count += 1
        if row.seq != start_seq + count:
            return ChainReport(False, count, row.pk, row.seq, f"expected sequence {start_seq + count}")
        if row.prev_hash != prev:
            return ChainReport(False, count, row.pk, row.seq, "previous hash does not match")
        if digest_of(row) != row.hash:
            return ChainReport(False, count, row.pk, row.seq, "content does not match its hash")
        prev = row.hash
    return ChainReport(True, count)
