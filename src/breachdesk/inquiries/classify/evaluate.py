"""Measure the classifier honestly: on a held-out evaluation set (with bootstrap intervals) and by k-fold
cross-validation on the training corpus.

The evaluation set (``data/evaluation.jsonl``) is written from a brief of situations by someone who did not write
the training corpus, and nothing is tuned on it: it is read only here and by ``classify train --incident`` (which
compares two models on it, and changes neither).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from breachdesk.inquiries.classify import classify, train
from breachdesk.inquiries.classify.model import Model
from breachdesk.inquiries.labels import LABEL_KEYS

DATA = train.DATA / "labelled.jsonl"
EVALUATION = train.DATA / "evaluation.jsonl"
HELDOUT = train.DATA / "heldout.jsonl"
# The development set: hand-written apart from the corpus; corpus weights and settings are chosen on it, never
# trained on it.
DEV = train.DATA / "dev.jsonl"
BOOTSTRAP = 1000


def load(path: Path = DATA) -> list[dict[str, Any]]:
    """Return the labelled inquiries ({"id", "subject", "body", "labels"}) of ``path``."""
    return train.read_jsonl(path)


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def f1(self) -> float:
        denominator = 2 * self.tp + self.fp + self.fn
        return 1.0 if denominator == 0 else 2 * self.tp / denominator


def predict_all(rows: Sequence[dict[str, Any]], model: Model | None = None) -> list[list[str]]:
    return [classify(subject=r["subject"], body=r["body"], model=model).labels for r in rows]


def counts_of(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> dict[str, Counts]:
    counts = {label: Counts() for label in LABEL_KEYS}
    for g, p in zip(gold, predicted, strict=True):
        for label in LABEL_KEYS:
            if label in p and label in g:
                counts[label].tp += 1
            elif label in p:
                counts[label].fp += 1
            elif label in g:
                counts[label].fn += 1
    return counts


def score(rows: Sequence[dict[str, Any]], model: Model | None = None) -> dict[str, Counts]:
    """Return true/false positives and false negatives per label for ``rows``."""
    return counts_of([r["labels"] for r in rows], predict_all(rows, model))


def macro_f1(counts: dict[str, Counts]) -> float:
    """Return the mean F1 over the labels that occur in the gold labels or the predictions."""
    present = [c for c in counts.values() if c.tp + c.fp + c.fn]
    return sum(c.f1 for c in present) / len(present) if present else 1.0


def exact_match(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> float:
    return sum(sorted(g) == sorted(p) for g, p in zip(gold, predicted, strict=True)) / max(len(gold), 1)


def _figures(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> dict[str, Any]:
    counts = counts_of(gold, predicted)
    return {
        "macro_f1": macro_f1(counts),
        "exact_match": exact_match(gold, predicted),
        "per_label_f1": {label: c.f1 for label, c in counts.items() if c.tp + c.fp + c.fn},
    }


def report(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]], *, seed: int = 21) -> dict[str, Any]:
    """Return macro-F1, exact match and per-label F1, each with a 95% percentile bootstrap interval."""
    point = _figures(gold, predicted)
    rng = random.Random(seed)  # noqa: S311 - a reproducible resample, not a secret
    n = len(gold)
    samples: list[dict[str, Any]] = []
    for _ in range(BOOTSTRAP):
        pick = [rng.randrange(n) for _ in range(n)]
        samples.append(_figures([gold[i] for i in pick], [predicted[i] for i in pick]))

    def interval(values: list[float]) -> list[float]:
        return [round(float(np.percentile(values, 2.5)), 4), round(float(np.percentile(values, 97.5)), 4)]

    return {
        "examples": n,
        "macro_f1": round(point["macro_f1"], 4),
        "macro_f1_ci95": interval([s["macro_f1"] for s in samples]),
        "exact_match": round(point["exact_match"], 4),
        "exact_match_ci95": interval([s["exact_match"] for s in samples]),
        "per_label": {
            label: {
                "f1": round(f1, 4),
                "ci95": interval([s["per_label_f1"].get(label, 1.0) for s in samples]),
                "support": sum(label in g for g in gold),
            }
            for label, f1 in point["per_label_f1"].items()
        },
    }


def evaluate_file(path: Path, model: Model | None = None) -> dict[str, Any]:
    rows = load(path)
    return report([r["labels"] for r in rows], predict_all(rows, model))


def cross_validate(rows: Sequence[dict[str, Any]], *, folds: int = train.FOLDS) -> dict[str, Any]:
    """Return k-fold figures on ``rows``: each fold scored by a model trained on the others, with thresholds tuned on
    the other folds' out-of-fold scores (so no fold's figure saw its own labels)."""
    hashed = train.featurise(rows)
    probabilities = train.out_of_fold(hashed, rows, folds=folds)
    targets = np.array([[label in r["labels"] for label in LABEL_KEYS] for r in rows], dtype=np.int8)
    assignment = train.fold_of(rows, folds)
    model = Model.without_features("cv")  # decision rule only
    predicted: list[list[str]] = [[] for _ in rows]
    per_fold = []
    for k in range(folds):
        inside = np.flatnonzero(assignment == k)
        outside = np.flatnonzero(assignment != k)
        model.thresholds = train.tune_thresholds(probabilities[outside], targets[outside])
        members = inside.tolist()
        for i in members:
            predicted[i] = model.decide(probabilities[i])
        per_fold.append(
            round(macro_f1(counts_of([rows[i]["labels"] for i in members], [predicted[i] for i in members])), 4)
        )
    result = report([r["labels"] for r in rows], predicted)
    result["folds"] = folds
    result["macro_f1_per_fold"] = per_fold
    return result


def rules_only(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Return the figures of the hand-written rules alone on ``rows`` (the classifier before the model)."""
    from breachdesk.inquiries.classify import rules, text
    from breachdesk.inquiries.labels import clean_labels

    predicted = [clean_labels({h.label for h in rules.hits(text.normalise(r["subject"], r["body"]))}) for r in rows]
    return report([r["labels"] for r in rows], predicted)
