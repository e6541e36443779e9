"""Classify an inquiry into the desk's labels, with the phrases that led to each label as evidence.

Japanese normalisation first (NFKC, half-width kana to full-width, invisible characters removed, quoted history and
signatures dropped), then hand-written phrase rules (``rules.py``). No database, no incident: the
``breachdesk classify`` command uses this directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from breachdesk.inquiries.classify import rules, text
from breachdesk.inquiries.labels import OTHER, clean_labels


@dataclass(frozen=True)
class Classification:
    labels: list[str]
    evidence: dict[str, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        return {"labels": self.labels, "evidence": self.evidence}


def classify(*, subject: str, body: str) -> Classification:
    """Return the sorted labels of an inquiry and, per label, the phrases found (``other`` has none)."""
    evidence = rules.match(text.prepare(subject or "", body or ""))
    labels = clean_labels(evidence)
    return Classification(labels=labels, evidence={k: v for k, v in sorted(evidence.items()) if k != OTHER})
