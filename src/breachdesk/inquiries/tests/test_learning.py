"""The desk learns from staff corrections: stored with who and when, judged on the dashboard, and retrained per
incident only when the new model does not lose on the evaluation set."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from breachdesk.core.models import TimelineEvent
from breachdesk.inquiries import events, learning, services
from breachdesk.inquiries.classify import classify, train
from breachdesk.inquiries.intake.imap import receive_raw
from breachdesk.inquiries.models import ClassifierModel, Inquiry, LabelCorrection
from breachdesk.inquiries.tests.helpers import mail
from breachdesk.testing.fixtures import World, client_for

# A phrasing the small base corpus below has never seen, taught only by corrections.
TAUGHT = [
    "ポイントカードの会員だったのですが、うちの分も入っていたのでしょうかね{}",
    "昔ポイントカードを作りました。うちの分も入っていたのでしょうかね{}",
    "ポイントカードの会員です。うちの分も入っていたのかな{}",
]


def _receive(world: World, n: int, body: str) -> Inquiry:
    result = receive_raw(
        incident=world.incident, raw=mail(body=body, message_id=f"<learn{n}@x>"), channel="email", actor="t"
    )
    assert result.inquiry is not None
    return result.inquiry


def _write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_a_correction_is_stored_with_who_when_before_and_after_and_a_timeline_event(world: World) -> None:
    inquiry = _receive(world, 1, "チケットはいつ届きますか")
    before = list(inquiry.labels)
    services.inquiry_labels_correct(inquiry=inquiry, actor=world.responder, labels=["complaint"])
    correction = LabelCorrection.objects.get(inquiry=inquiry)
    assert correction.actor == world.responder
    assert correction.created_at is not None
    assert correction.predicted == before
    assert correction.corrected == ["complaint"]
    event = TimelineEvent.objects.filter(incident=world.incident, kind=events.INQUIRY_LABELS_CORRECTED).latest("id")
    assert event.data["before"] == before
    assert event.data["after"] == ["complaint"]


def test_the_dashboard_shows_precision_and_recall_from_corrections(world: World) -> None:
    first = _receive(world, 2, "退会したいです。データを削除してください。")
    second = _receive(world, 3, "警察には届けましたか")
    assert "deletion" in first.labels
    services.inquiry_labels_correct(inquiry=first, actor=world.responder, labels=["deletion", "complaint"])
    services.inquiry_labels_correct(inquiry=second, actor=world.responder, labels=["press"])
    quality = learning.correction_quality(world.incident)
    assert quality["deletion"]["precision"] == 1.0
    assert quality["complaint"]["recall"] == 0.0
    assert quality["press"]["fn"] == 1
    page = client_for(world.lead).get(reverse("web:incident_dashboard", kwargs={"code": world.incident.code}))
    html = page.content.decode()
    assert 'id="panel-classifier"' in html
    assert 'id="classifier-quality"' in html


def test_retraining_with_an_incidents_corrections_switches_only_when_not_worse(world: World, tmp_path: Path) -> None:
    base = _write(tmp_path / "base.jsonl", train.load_corpus([train.DATA / "labelled.jsonl"])[:200])
    # The incident starts on a model of the small base corpus (the committed one would need minutes to retrain).
    start = train.train(train.load_corpus([base]), tag="start").model
    ClassifierModel.objects.create(
        incident=world.incident,
        version=start.version,
        corpus_sha256=start.corpus_sha256,
        artefact=start.to_bytes(),
        eval_macro_f1=0,
        baseline_macro_f1=0,
        baseline_version="",
        active=True,
    )
    taught = [t.format(s) for t in TAUGHT for s in ("。", "？", "…")]
    for n, body in enumerate(taught):
        services.inquiry_labels_correct(
            inquiry=_receive(world, 10 + n, body), actor=world.responder, labels=["affected_check"]
        )
    evaluation = _write(
        tmp_path / "evaluation.jsonl",
        [{"id": n, "subject": "問い合わせ", "body": b, "labels": ["affected_check"]} for n, b in enumerate(taught)],
    )
    out = io.StringIO()
    call_command(
        "classify",
        "train",
        "--incident",
        world.incident.code,
        "--corpus",
        str(base),
        "--evaluation",
        str(evaluation),
        stdout=out,
    )
    report = json.loads(out.getvalue())
    assert report["switched"] is True
    assert report["eval_macro_f1"] >= report["baseline_macro_f1"]
    active = ClassifierModel.objects.get(incident=world.incident, active=True)
    assert active.version == report["version"] != start.version
    assert active.corrections == len(taught)
    # The desk now classifies with the incident's model: the corrected phrasing gets the corrected label.
    assert (
        "affected_check"
        in classify(subject="問い合わせ", body=taught[0], model=learning.incident_model(world.incident.pk)).labels
    )
    assert TimelineEvent.objects.filter(incident=world.incident, kind=events.CLASSIFIER_TRAINED).count() == 1

    # Wrong corrections: deletion requests labelled as press. The evaluation set says deletion; the model trained
    # on the wrong labels loses, so it is kept for the record but the incident stays on the model it has.
    wrong = [f"退会したいので、データを全部消してください{s}" for s in ("。", "！", "…", "。。", "!!", "?")]
    for n, body in enumerate(wrong):
        services.inquiry_labels_correct(inquiry=_receive(world, 40 + n, body), actor=world.responder, labels=["press"])
    _write(
        evaluation, [{"id": n, "subject": "問い合わせ", "body": b, "labels": ["deletion"]} for n, b in enumerate(wrong)]
    )
    out = io.StringIO()
    call_command(
        "classify",
        "train",
        "--incident",
        world.incident.code,
        "--corpus",
        str(base),
        "--evaluation",
        str(evaluation),
        stdout=out,
    )
    report = json.loads(out.getvalue())
    assert report["switched"] is False
    assert report["eval_macro_f1"] < report["baseline_macro_f1"]
    assert ClassifierModel.objects.get(incident=world.incident, active=True).pk == active.pk
    assert ClassifierModel.objects.filter(incident=world.incident).count() == 3


def test_retraining_needs_corrections_and_an_evaluation_set(world: World, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no label corrections"):
        call_command(
            "classify", "train", "--incident", world.incident.code, "--evaluation", str(train.DATA / "heldout.jsonl")
        )
    with pytest.raises(CommandError, match="No evaluation set"):
        call_command(
            "classify", "train", "--incident", world.incident.code, "--evaluation", str(tmp_path / "none.jsonl")
        )
    with pytest.raises(CommandError, match="No incident"):
        call_command("classify", "train", "--incident", "NOPE")


def test_the_inquiry_page_explains_each_label_and_the_database_holds_no_evidence_text(world: World) -> None:
    inquiry = _receive(world, 60, "個人情報を完全に削除してください。補償はあるのですか。")
    assert {"compensation", "deletion"} <= set(inquiry.labels)
    inquiry.refresh_from_db()
    for items in inquiry.evidence.values():
        for item in items:
            assert set(item) == {"rule", "start", "end"}
    assert "補償" not in json.dumps(inquiry.evidence, ensure_ascii=False)
    url = reverse("inquiries:inquiry_detail", kwargs={"code": world.incident.code, "inquiry_id": inquiry.pk})
    html = client_for(world.responder).get(url).content.decode()
    assert 'id="label-explanation"' in html
    assert 'data-label="compensation"' in html
    assert 'data-label="deletion"' in html
    section = html[
        html.index('data-label="compensation"') : html.index("</li>", html.index('data-label="compensation"'))
    ]
    assert "補償" in section  # the strongest features, computed from the text now
    assert client_for(world.outsider).get(url).status_code == 404


def test_the_migration_turns_stored_phrases_into_rule_ids(world: World) -> None:
    import importlib

    from django.apps import apps

    migration = importlib.import_module("breachdesk.inquiries.migrations.0007_evidence_without_text")
    inquiry = _receive(world, 70, "退会したいです")
    Inquiry.objects.filter(pk=inquiry.pk).update(evidence={"deletion": ["退会したい", "no rule matches this"]})
    migration.forwards(apps, None)
    inquiry.refresh_from_db()
    assert inquiry.evidence == {"deletion": [{"rule": "deletion.2"}]}
