"""Measure the classifier on the team's labelled set: per-label and macro F1 over k folds."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from breachdesk.inquiries.classify import classify
from breachdesk.inquiries.labels import LABEL_KEYS

DATA = Path(__file__).resolve().parent.parent / "data" / "labelled.jsonl"


def load(path: Path = DATA) -> list[dict[str, Any]]:
    """Return the labelled inquiries ({"id", "subject", "body", "labels"}) of ``path``."""
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def f1(self) -> float:
        denominator = 2 * self.tp + self.fp + self.fn
        return 1.0 if denominator == 0 else 2 * self.tp / denominator


def score(rows: Iterable[dict[str, Any]]) -> dict[str, Counts]:
    """Return true/false positives and false negatives per label for ``rows``."""
    counts = {label: Counts() for label in LABEL_KEYS}
    for row in rows:
        predicted = set(classify(subject=row["subject"], body=row["body"]).labels)
        gold = set(row["labels"])
        for label in LABEL_KEYS:
            if label in predicted and label in gold:
                counts[label].tp += 1
            elif label in predicted:
                counts[label].fp += 1
            elif label in gold:
                counts[label].fn += 1
    return counts


def macro_f1(counts: dict[str, Counts]) -> float:
    return sum(c.f1 for c in counts.values()) / len(counts)


def cross_validate(rows: list[dict[str, Any]], *, folds: int = 5) -> dict[str, Any]:
    """Return the macro-F1 of each fold (rows assigned round-robin by position), their mean, and per-label F1.

    The rules learn nothing from the training part, so each fold's figure is a held-out score; the folds show how
    much the figure moves between subsets.
    """
    per_fold = [round(macro_f1(score(rows[k::folds])), 4) for k in range(folds)]
    overall = score(rows)
    return {
        "examples": len(rows),
        "folds": folds,
        "macro_f1_per_fold": per_fold,
        "macro_f1_mean": round(sum(per_fold) / folds, 4),
        "per_label_f1": {label: round(c.f1, 4) for label, c in overall.items()},
    }
