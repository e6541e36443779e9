"""Train the classifier from a labelled corpus, reproducibly: same corpus, same artefact bytes.

Features are computed per inquiry (``features.named``) and hashed; a hash is kept only when it occurs in at least
``MIN_DF`` inquiries, so a name or an address that appears once never enters the model. One logistic regression per
label (liblinear, fixed seed, balanced class weights); each label's threshold is the one that maximises its F1 on
out-of-fold probabilities of a k-fold cross-validation on the same corpus, never below ``THRESHOLD_FLOOR``. The
thresholds and the character n-gram lengths are stored in the artefact, so a model is always applied as trained.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from breachdesk.inquiries.classify import features, rules, text
from breachdesk.inquiries.classify.model import Model
from breachdesk.inquiries.labels import LABEL_KEYS, clean_labels

DATA = Path(__file__).resolve().parent.parent / "data"
MIN_DF = 2
C = 256.0
FOLDS = 5
SEED = 20261203
_GRID = np.round(np.arange(0.05, 0.951, 0.025), 3)
# A tuned threshold is never below this: a rare label whose out-of-fold scores are all low would otherwise get a
# threshold that fires on nearly every inquiry.
THRESHOLD_FLOOR = 0.2
# The files from ``train-011.jsonl`` on are composed by ``scripts/classifier_corpus.py`` from a few hundred reused
# sentence fragments: trained on in full they teach the model the fragments rather than the phrasing of the world.
# Only this share of them is kept (chosen by a hash of the text, so the same rows every time). Chosen on the
# cross-validation and the hand-written development set (``data/dev.jsonl``), never on the evaluation set.
COMPOSED_FROM = 11
COMPOSED_SHARE = 0.5
_TRAIN_FILE = re.compile(r"train-(\d{3})\.jsonl")


def corpus_paths(root: Path = DATA) -> list[Path]:
    """Return the files of the base corpus: the team's labelled set and every file under ``training/``."""
    return [root / "labelled.jsonl", *sorted((root / "training").glob("*.jsonl"))]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Return the labelled rows of ``path``; a bad line is an error naming the file and line."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path.name} line {number}: not JSON ({exc.msg})") from None
            labels = row.get("labels") if isinstance(row, dict) else None
            if not isinstance(labels, list) or not labels or set(labels) - set(LABEL_KEYS):
                raise ValueError(f"{path.name} line {number}: labels must be a non-empty list of the desk's labels")
            rows.append(
                {
                    "id": str(row.get("id", f"{path.stem}:{number}")),
                    "subject": str(row.get("subject") or ""),
                    "body": str(row.get("body") or ""),
                    "labels": clean_labels(labels),
                }
            )
    return rows


def is_composed(path: Path) -> bool:
    """Return whether ``path`` is a file composed from reused fragments by ``scripts/classifier_corpus.py``."""
    match = _TRAIN_FILE.fullmatch(path.name)
    return match is not None and int(match.group(1)) >= COMPOSED_FROM


def _kept_share(row: dict[str, Any], share: float) -> bool:
    text = (row["subject"] + "\0" + row["body"]).encode()
    return int(hashlib.sha256(b"share\0" + text).hexdigest()[:8], 16) < share * 16**8


def load_corpus(paths: Iterable[Path] | None = None, *, composed_share: float = COMPOSED_SHARE) -> list[dict[str, Any]]:
    """Return the rows of the corpus files; of the composed files only ``composed_share`` of the rows."""
    rows: list[dict[str, Any]] = []
    for path in paths if paths is not None else corpus_paths():
        part = read_jsonl(path)
        if is_composed(path) and composed_share < 1.0:
            part = [row for row in part if _kept_share(row, composed_share)]
        rows.extend(part)
    return rows


def corpus_sha256(rows: Sequence[dict[str, Any]]) -> str:
    """Return the hash of the corpus content (subject, body, labels in order): the artefact records it."""
    digest = hashlib.sha256()
    for row in rows:
        digest.update(json.dumps([row["subject"], row["body"], row["labels"]], ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


@dataclass
class Matrix:
    keys: np.ndarray
    rows: Any  # scipy.sparse.csr_matrix
    targets: np.ndarray  # int8 [n, labels]


def featurise(
    rows: Sequence[dict[str, Any]], *, char_ngrams: Sequence[int] = features.CHAR_NGRAMS
) -> list[dict[int, float]]:
    """Return the hashed features of each row, with character n-grams of the lengths ``char_ngrams``."""
    out = []
    for row in rows:
        normalised = text.normalise(row["subject"], row["body"])
        out.append(features.hashed(features.named(normalised, rules.hits(normalised), char_ngrams=char_ngrams)))
    return out


def build_matrix(hashed: Sequence[dict[int, float]], labels: Sequence[list[str]], *, min_df: int = MIN_DF) -> Matrix:
    """Return the sparse matrix of the features that occur in at least ``min_df`` inquiries, and the targets."""
    from scipy.sparse import csr_matrix

    lengths = np.array([len(doc) for doc in hashed], dtype=np.int64)
    keys = np.fromiter(itertools.chain.from_iterable(doc.keys() for doc in hashed), dtype=np.uint32)
    values = np.fromiter(itertools.chain.from_iterable(doc.values() for doc in hashed), dtype=np.float64)
    # A document's keys are unique, so the count of a key is its document frequency.
    unique, inverse, df = np.unique(keys, return_inverse=True, return_counts=True)
    keep = df >= min_df
    column = np.cumsum(keep) - 1
    chosen = keep[inverse]
    row_ids = np.repeat(np.arange(len(hashed)), lengths)
    matrix = csr_matrix(
        (values[chosen], (row_ids[chosen], column[inverse][chosen])), shape=(len(hashed), int(keep.sum()))
    )
    matrix.sort_indices()
    targets = np.array([[label in row for label in LABEL_KEYS] for row in labels], dtype=np.int8)
    return Matrix(unique[keep], matrix, targets)


def _fit(matrix: Any, targets: np.ndarray, *, c: float = C) -> tuple[np.ndarray, np.ndarray]:
    """Return weights [features, labels] and biases of one logistic regression per label."""
    from sklearn.linear_model import LogisticRegression

    weights = np.zeros((matrix.shape[1], targets.shape[1]))
    bias = np.zeros(targets.shape[1])
    for j in range(targets.shape[1]):
        y = targets[:, j]
        if y.min() == y.max():  # a label absent (or everywhere) in this part: a constant
            bias[j] = 9.0 if y[0] else -9.0
            continue
        fitted = LogisticRegression(
            C=c, solver="liblinear", dual=True, class_weight="balanced", random_state=SEED, max_iter=2000
        ).fit(matrix, y)
        weights[:, j] = fitted.coef_[0]
        bias[j] = fitted.intercept_[0]
    return weights, bias


def fold_of(rows: Sequence[dict[str, Any]], folds: int) -> np.ndarray:
    """Assign each row to a fold by a hash of its text: stable whatever the order of the files."""
    return np.array(
        [int(hashlib.sha256((r["subject"] + "\0" + r["body"]).encode()).hexdigest()[:8], 16) % folds for r in rows]
    )


def out_of_fold(
    hashed: Sequence[dict[int, float]], rows: Sequence[dict[str, Any]], *, folds: int = FOLDS
) -> np.ndarray:
    """Return out-of-fold probabilities [n, labels]: each row scored by a model that never saw it."""
    assignment = fold_of(rows, folds)
    probabilities = np.zeros((len(rows), len(LABEL_KEYS)))
    for k in range(folds):
        train_index = np.flatnonzero(assignment != k).tolist()
        test_index = np.flatnonzero(assignment == k).tolist()
        if not len(test_index) or not len(train_index):
            continue
        part = build_matrix([hashed[i] for i in train_index], [rows[i]["labels"] for i in train_index])
        weights, bias = _fit(part.rows, part.targets)
        model = _model(part.keys, weights, bias, np.full(len(LABEL_KEYS), 0.5), "fold", "")
        for i in test_index:
            probabilities[i] = model.probabilities(hashed[i])
    return probabilities


def tune_thresholds(probabilities: np.ndarray, targets: np.ndarray, *, floor: float = THRESHOLD_FLOOR) -> np.ndarray:
    """Return per label the threshold of best F1 on ``probabilities`` (ties: the one nearest 0.5), never below
    ``floor``."""
    grid = sorted((t for t in _GRID if t >= floor - 1e-9), key=lambda t: abs(t - 0.5))
    chosen = []
    for j in range(targets.shape[1]):
        y = targets[:, j].astype(bool)
        best, best_t = -1.0, 0.5
        for t in grid:
            predicted = probabilities[:, j] >= t
            tp = int((predicted & y).sum())
            denominator = int(predicted.sum()) + int(y.sum())
            f1 = 1.0 if denominator == 0 else 2 * tp / denominator
            if f1 > best + 1e-9:
                best, best_t = f1, float(t)
        chosen.append(best_t)
    return np.array(chosen)


def _model(
    keys: np.ndarray, weights: np.ndarray, bias: np.ndarray, thresholds: np.ndarray, version: str, sha: str
) -> Model:
    # Weights are rounded to float32 and near-zero ones dropped: the artefact stays small and byte-stable.
    weights32 = weights.astype(np.float32)
    keep = np.abs(weights32).max(axis=1) >= 1e-4 if len(keys) else np.zeros(0, dtype=bool)
    return Model(
        version=version,
        corpus_sha256=sha,
        labels=LABEL_KEYS,
        thresholds=thresholds,
        bias=bias,
        keys=keys[keep].astype(np.uint32),
        weights=np.ascontiguousarray(weights32[keep]),
    )


@dataclass
class Trained:
    model: Model
    out_of_fold: np.ndarray
    targets: np.ndarray


def train(rows: Sequence[dict[str, Any]], *, folds: int = FOLDS, tag: str = "base") -> Trained:
    """Return the model trained on ``rows`` with thresholds tuned by ``folds``-fold cross-validation."""
    if len(rows) < folds * 2:
        raise ValueError(f"{len(rows)} labelled inquiries are too few to train ({folds * 2} at least)")
    hashed = featurise(rows, char_ngrams=features.CHAR_NGRAMS)
    oof = out_of_fold(hashed, rows, folds=folds)
    full = build_matrix(hashed, [r["labels"] for r in rows])
    thresholds = tune_thresholds(oof, full.targets)
    weights, bias = _fit(full.rows, full.targets)
    sha = corpus_sha256(rows)
    model = _model(full.keys, weights, bias, thresholds, f"{tag}-{sha[:12]}", sha)
    model.meta = {
        "examples": len(rows),
        "features": len(model.keys),
        "min_df": MIN_DF,
        "composed_share": COMPOSED_SHARE,
        "c": C,
        "folds": folds,
        "threshold_floor": THRESHOLD_FLOOR,
        "char_ngrams": list(features.CHAR_NGRAMS),
        "tokeniser": "fugashi+unidic-lite",
    }
    return Trained(model, oof, full.targets)
