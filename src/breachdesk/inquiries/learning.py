"""Learn from the desk: staff corrections as training data, an incident's own model, and the quality figures.

An incident's corrections are read decrypted at training time only (subject and first received message, as the
classifier saw them) and never written anywhere: the stored model holds hashed feature weights, and a feature enters
it only when at least two inquiries share it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from breachdesk.core.errors import ValidationFailed
from breachdesk.incidents.models import Incident
from breachdesk.inquiries import events
from breachdesk.inquiries.classify import default_model, evaluate, features, train
from breachdesk.inquiries.classify.model import Model, predict
from breachdesk.inquiries.labels import LABEL_KEYS, label_name
from breachdesk.inquiries.models import ClassifierModel, Direction, Inquiry, LabelCorrection

_LOADED: dict[int, Model] = {}


def incident_model(incident_id: int) -> Model:
    """Return the model the desk of ``incident_id`` uses: its active own model, or the committed default."""
    row = ClassifierModel.objects.filter(incident_id=incident_id, active=True).values_list("pk", flat=True).first()
    if row is None:
        return default_model()
    if row not in _LOADED:
        blob = ClassifierModel.objects.values_list("artefact", flat=True).get(pk=row)
        _LOADED.clear()  # one incident model per process at a time is the common case; keep memory bounded
        _LOADED[row] = Model.from_bytes(bytes(blob))
    return _LOADED[row]


def correction_rows(incident: Incident) -> list[dict[str, Any]]:
    """Return each corrected inquiry's text and its latest corrected labels (decrypted here, kept in memory only)."""
    latest: dict[int, list[str]] = {}
    for inquiry_id, corrected in (
        LabelCorrection.objects.filter(incident=incident)
        .order_by("created_at", "id")
        .values_list("inquiry_id", "corrected")
    ):
        latest[inquiry_id] = list(corrected)
    rows = []
    inquiries = Inquiry.objects.filter(pk__in=latest).order_by("pk")
    for inquiry in inquiries:
        first = inquiry.messages.filter(direction=Direction.IN).order_by("at", "id").first()
        labels = [label for label in latest[inquiry.pk] if label in LABEL_KEYS]
        if not labels:
            continue
        rows.append(
            {
                "id": f"correction:{inquiry.pk}",
                "subject": inquiry.subject or "",
                "body": (first.text if first else "") or "",
                "labels": labels,
            }
        )
    return rows


def classifier_retrain(
    *, incident: Incident, actor: Any, evaluation: Path = evaluate.EVALUATION, corpus: list[Path] | None = None
) -> ClassifierModel:
    """Train on the base corpus plus the incident's corrections; make it the incident's model only if its macro-F1 on
    the evaluation set is not lower than that of the model in use."""
    if not evaluation.exists():
        raise ValidationFailed(
            f"No evaluation set at {evaluation}: a new model cannot be compared.", code="inquiries.no_evaluation"
        )
    corrections = correction_rows(incident)
    if not corrections:
        raise ValidationFailed("This incident has no label corrections to learn from.", code="inquiries.no_corrections")
    trained = train.train(train.load_corpus(corpus) + corrections, tag=f"{incident.code.lower()}"[:20])
    candidate = trained.model
    current = incident_model(incident.pk)
    eval_rows = evaluate.load(evaluation)
    new_f1 = evaluate.macro_f1(evaluate.score(eval_rows, candidate))
    old_f1 = evaluate.macro_f1(evaluate.score(eval_rows, current))
    switch = new_f1 >= old_f1
    with transaction.atomic():
        if switch:
            ClassifierModel.objects.filter(incident=incident, active=True).update(active=False)
        row = ClassifierModel.objects.create(
            incident=incident,
            version=candidate.version,
            corpus_sha256=candidate.corpus_sha256,
            artefact=candidate.to_bytes(),
            corrections=len(corrections),
            eval_macro_f1=round(new_f1, 4),
            baseline_macro_f1=round(old_f1, 4),
            baseline_version=current.version,
            active=switch,
        )
        events.classifier_trained_event(incident=incident, actor=actor, model=row)
    return row


def correction_quality(incident: Incident) -> dict[str, dict[str, Any]]:
    """Return per label the classifier's precision and recall as the desk judged it.

    Reviewed inquiries are those staff corrected (the classifier's labels against the latest correction) and those
    answered without a correction (the labels were accepted as they were).
    """
    counts = {label: {"tp": 0, "fp": 0, "fn": 0} for label in LABEL_KEYS}
    first_predicted: dict[int, list[str]] = {}
    last_corrected: dict[int, list[str]] = {}
    for inquiry_id, predicted, corrected in (
        LabelCorrection.objects.filter(incident=incident)
        .order_by("created_at", "id")
        .values_list("inquiry_id", "predicted", "corrected")
    ):
        first_predicted.setdefault(inquiry_id, list(predicted))
        last_corrected[inquiry_id] = list(corrected)
    pairs = [(first_predicted[i], last_corrected[i]) for i in first_predicted]
    accepted = Inquiry.objects.filter(incident=incident, answered_at__isnull=False, labels_corrected=False)
    pairs.extend((list(labels), list(labels)) for labels in accepted.values_list("labels", flat=True))
    for predicted, gold in pairs:
        for label in LABEL_KEYS:
            if label in predicted and label in gold:
                counts[label]["tp"] += 1
            elif label in predicted:
                counts[label]["fp"] += 1
            elif label in gold:
                counts[label]["fn"] += 1
    out: dict[str, dict[str, Any]] = {}
    for label, c in counts.items():
        predicted_n, gold_n = c["tp"] + c["fp"], c["tp"] + c["fn"]
        out[label] = {
            **c,
            "precision": round(c["tp"] / predicted_n, 3) if predicted_n else None,
            "recall": round(c["tp"] / gold_n, 3) if gold_n else None,
        }
    return out


# The kinds of feature, named for the reader: the keys stay in the model, the words are made at display.
FEATURE_KIND_NAMES: dict[str, Any] = {
    "word": _("word"),
    "words": _("word pair"),
    "characters": _("characters"),
    "rule": _("rule"),
}


def inquiry_explanation(inquiry: Inquiry) -> list[dict[str, Any]]:
    """Return, per label of ``inquiry``, the features of its text that pushed most towards it, computed now.

    The text is read decrypted for this page only; the stored evidence holds rule ids and offsets, and the matched
    words shown for a rule come from the text recomputed here.
    """
    first = inquiry.messages.filter(direction=Direction.IN).order_by("at", "id").first()
    used = incident_model(inquiry.incident_id)
    prediction, normalised, named = predict(
        used, subject=inquiry.subject or "", body=(first.text if first else "") or ""
    )
    spans = {hit.rule: normalised[hit.start : hit.end] for hit in prediction.hits}
    out = []
    for label in inquiry.labels:
        shown = []
        for name, weight in used.explain(named, label, top=6):
            kind, value = features.describe(name)
            rule = ""
            if kind == "rule":
                rule, value = value, f"«{spans.get(value, '')}»"
            shown.append(
                {
                    "kind": kind,
                    "kind_name": FEATURE_KIND_NAMES.get(kind, kind),
                    "rule": rule,
                    "value": value,
                    "weight": weight,
                }
            )
        out.append(
            {
                "label": label,
                "name": label_name(label),
                "score": prediction.probabilities.get(label),
                "threshold": float(used.thresholds[used.labels.index(label)]),
                "features": shown,
            }
        )
    return out
