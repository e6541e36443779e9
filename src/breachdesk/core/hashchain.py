"""Hash the links of an append-only chain (the timeline, the access log) the same way everywhere."""

from __future__ import annotations

import hashlib
import json
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
