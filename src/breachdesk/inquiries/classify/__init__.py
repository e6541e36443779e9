"""Classify an inquiry into the desk's labels: a trained linear model over words, character n-grams and rules.

Japanese normalisation first (NFKC, half-width kana to full-width, invisible characters removed, quoted history and
signatures dropped, ``text.normalise``), then features (``features``) scored by a one-vs-rest logistic regression
(``model``) trained by ``breachdesk classify train`` (``train``). The hand-written phrase rules (``rules``) are
features of the model; when one of them matched for a chosen label, its rule id and offsets are the stored evidence
(never the text). No database, no incident: the ``breachdesk classify`` command uses this directly; an incident's
own model (retrained with its staff corrections) is chosen by ``incident_models``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from breachdesk.inquiries.classify import model as model_module
from breachdesk.inquiries.classify.model import Model


@dataclass(frozen=True)
class Classification:
    labels: list[str]
    evidence: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)
    model: str = ""

    def as_dict(self) -> dict[str, object]:
        return {"labels": self.labels, "evidence": self.evidence, "scores": self.scores, "model": self.model}


@lru_cache(maxsize=1)
def default_model() -> Model:
    """Return the committed model, loaded once per process."""
    return Model.load()


def classify(*, subject: str, body: str, model: Model | None = None) -> Classification:
    """Return the sorted labels of an inquiry, the rules that fired for them (ids and offsets) and the scores."""
    used = model or default_model()
    prediction, _, _ = model_module.predict(used, subject=subject or "", body=body or "")
    evidence: dict[str, list[dict[str, object]]] = {}
    for hit in prediction.hits:
        if hit.label in prediction.labels:
            evidence.setdefault(hit.label, []).append(hit.as_dict())
    return Classification(
        labels=prediction.labels,
        evidence=dict(sorted(evidence.items())),
        scores=prediction.probabilities,
        model=used.version,
    )
