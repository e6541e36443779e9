"""Load and apply a trained classifier artefact: one-vs-rest logistic regression over hashed features.

The artefact is gzip-compressed JSON (no pickle): format, version, the SHA-256 of the corpus it was trained on,
per-label thresholds and biases, the sorted feature hashes and a float32 weight matrix (one row per hash, one
column per label), both base64. Inference is a sorted-array lookup and one small matrix product in numpy.
"""

from __future__ import annotations

import base64
import gzip
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from breachdesk.inquiries.classify import features, rules
from breachdesk.inquiries.labels import LABEL_KEYS, OTHER, clean_labels

FORMAT = 1
DEFAULT_PATH = Path(__file__).resolve().parent / "artefact" / "default.json.gz"


class ArtefactError(ValueError):
    """The artefact cannot be read: wrong format, labels or sizes."""


@dataclass
class Model:
    version: str
    corpus_sha256: str
    labels: tuple[str, ...]
    thresholds: np.ndarray
    bias: np.ndarray
    keys: np.ndarray  # sorted uint32
    weights: np.ndarray  # float32 [len(keys), len(labels)]
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def char_ngrams(self) -> tuple[int, ...]:
        """Return the character n-gram lengths the model was trained with (its texts must be featurised the same)."""
        recorded = self.meta.get("char_ngrams")
        return tuple(int(n) for n in recorded) if recorded else features.LEGACY_CHAR_NGRAMS

    # -- serialisation ---------------------------------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        """Return the artefact: the same model always gives the same bytes (no timestamp in the gzip header)."""
        document = {
            "format": FORMAT,
            "version": self.version,
            "corpus_sha256": self.corpus_sha256,
            "labels": list(self.labels),
            "thresholds": [round(float(t), 4) for t in self.thresholds],
            "bias": [round(float(b), 6) for b in self.bias],
            "keys": base64.b64encode(self.keys.astype("<u4").tobytes()).decode("ascii"),
            "weights": base64.b64encode(self.weights.astype("<f4").tobytes()).decode("ascii"),
            "meta": self.meta,
        }
        raw = json.dumps(document, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return gzip.compress(raw, compresslevel=9, mtime=0)

    @classmethod
    def without_features(cls, version: str, *, threshold: float = 0.5) -> Model:
        """Return a model with no features and one threshold for every label: its decision rule alone."""
        return cls(
            version,
            "",
            LABEL_KEYS,
            np.full(len(LABEL_KEYS), threshold),
            np.zeros(len(LABEL_KEYS)),
            np.zeros(0, dtype=np.uint32),
            np.zeros((0, len(LABEL_KEYS)), dtype=np.float32),
        )

    @classmethod
    def from_bytes(cls, blob: bytes) -> Model:
        try:
            document = json.loads(gzip.decompress(blob))
        except (OSError, ValueError) as exc:
            raise ArtefactError(f"not a classifier artefact: {exc}") from None
        if document.get("format") != FORMAT:
            raise ArtefactError(f"artefact format {document.get('format')!r}, expected {FORMAT}")
        labels = tuple(document["labels"])
        if set(labels) != set(LABEL_KEYS):
            raise ArtefactError("the artefact's labels are not the desk's labels")
        keys = np.frombuffer(base64.b64decode(document["keys"]), dtype="<u4")
        weights = np.frombuffer(base64.b64decode(document["weights"]), dtype="<f4").reshape(-1, len(labels))
        if len(keys) != len(weights):
            raise ArtefactError("the artefact has as many weight rows as feature hashes")
        return cls(
            version=document["version"],
            corpus_sha256=document["corpus_sha256"],
            labels=labels,
            thresholds=np.asarray(document["thresholds"], dtype=np.float64),
            bias=np.asarray(document["bias"], dtype=np.float64),
            keys=keys,
            weights=weights,
            meta=document.get("meta", {}),
        )

    @classmethod
    def load(cls, path: Path = DEFAULT_PATH) -> Model:
        return cls.from_bytes(path.read_bytes())

    # -- inference -------------------------------------------------------------------------------------------------
    def _rows(self, hashed: dict[int, float]) -> tuple[np.ndarray, np.ndarray, list[int]]:
        """Return the weight rows and values of the known features, and the positions (in ``hashed``) they came from."""
        if not hashed:
            return np.zeros(0, dtype=np.int64), np.zeros(0), []
        wanted = np.fromiter(hashed.keys(), dtype=np.uint32, count=len(hashed))
        values = np.fromiter(hashed.values(), dtype=np.float64, count=len(hashed))
        index = np.searchsorted(self.keys, wanted)
        index[index >= len(self.keys)] = 0
        known = self.keys[index] == wanted if len(self.keys) else np.zeros(len(wanted), dtype=bool)
        return index[known], values[known], [int(i) for i in np.flatnonzero(known)]

    def probabilities(self, hashed: dict[int, float]) -> np.ndarray:
        rows, values, _ = self._rows(hashed)
        z = self.bias + values @ self.weights[rows]
        return 1.0 / (1.0 + np.exp(-z))

    def decide(self, probabilities: np.ndarray) -> list[str]:
        """Return the labels over their thresholds; when none is, the one nearest its threshold."""
        chosen = [label for label, p, t in zip(self.labels, probabilities, self.thresholds, strict=True) if p >= t]
        if not chosen:
            ratios = probabilities / np.maximum(self.thresholds, 1e-6)
            chosen = [self.labels[int(np.argmax(ratios))]]
        return clean_labels(chosen)

    def explain(self, named: dict[str, float], label: str, *, top: int = 5) -> list[tuple[str, float]]:
        """Return the features of a text that pushed most towards ``label``, with their contribution (logit)."""
        names = list(named)
        hashed_keys = [features.key(n) for n in names]
        rows, values, positions = self._rows(dict(zip(hashed_keys, (named[n] for n in names), strict=True)))
        column = self.labels.index(label)
        contributions = values * self.weights[rows, column]
        order = np.argsort(-contributions, kind="stable")[:top]
        return [(names[positions[i]], round(float(contributions[i]), 3)) for i in order if contributions[i] > 0]


@dataclass(frozen=True)
class Prediction:
    labels: list[str]
    hits: list[rules.Hit]
    probabilities: dict[str, float]


def predict(model: Model, *, subject: str, body: str) -> tuple[Prediction, str, dict[str, float]]:
    """Return the prediction, the normalised text and its named features (the latter two for explanations)."""
    from breachdesk.inquiries.classify import text

    normalised = text.normalise(subject, body)
    hits = rules.hits(normalised)
    named = features.named(normalised, hits, char_ngrams=model.char_ngrams)
    probabilities = model.probabilities(features.hashed(named))
    labels = model.decide(probabilities)
    scores = {label: round(float(p), 4) for label, p in zip(model.labels, probabilities, strict=True)}
    return Prediction(labels, hits, scores), normalised, named


__all__ = ["DEFAULT_PATH", "OTHER", "ArtefactError", "Model", "Prediction", "predict"]
