from __future__ import annotations

import gzip
import io
import json
from typing import Any

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from breachdesk.inquiries.classify import classify, default_model, evaluate, features, rules, text, train
from breachdesk.inquiries.classify.model import ArtefactError, Model
from breachdesk.inquiries.labels import LABEL_KEYS


def test_it_finds_several_labels_and_keeps_rule_ids_and_offsets_never_text() -> None:
    subject, body = "退会希望", "私の個人情報を完全に削除した上で退会させてほしい。補償はあるのですか。"
    result = classify(subject=subject, body=body)
    assert result.labels == ["compensation", "deletion"]
    normalised = text.normalise(subject, body)
    (hit,) = result.evidence["compensation"]
    assert set(hit) == {"rule", "start", "end"}
    assert rules.BY_ID[str(hit["rule"])] == "compensation"
    start, end = hit["start"], hit["end"]
    assert isinstance(start, int)
    assert isinstance(end, int)
    assert normalised[start:end] == "補償"
    stored = json.dumps(result.evidence, ensure_ascii=False)
    assert "補償" not in stored
    assert "退会" not in stored


def test_it_reads_half_width_kana_and_ignores_zero_width_characters() -> None:
    assert classify(subject="", body="ﾀｲｶｲ ｼﾀｲ ﾃﾞｽ").labels == ["deletion"]
    assert classify(subject="", body="迷\u200b惑メールが増えました").labels == ["secondary_damage"]


@pytest.mark.parametrize(
    "history",
    [
        "2026/03/03 10:00 OCO <support@oco.example>:\n> 補償について検討しております。\n> 退会はマイページから",
        "-----Original Message-----\nFrom: support@oco.example\n補償の金額と、取材への回答、退会手続きのご案内です。",
        "On Tue, 3 Mar 2026 at 10:00, OCO Support wrote:\n補償をお支払いします。警察にも届け出ました。",
        "サポート窓口さんは書きました:\n慰謝料については弁護士と相談中です。",
        "> 補償について検討しております。\n> 個人情報保護委員会に報告済みです。",
    ],
)
def test_quoted_text_does_not_drive_the_labels(history: str) -> None:
    own = "ログインできません。どうすればいいですか。"
    alone = classify(subject="Re: お知らせ", body=own)
    quoted = classify(subject="Re: お知らせ", body=f"{own}\n\n{history}")
    assert quoted.labels == alone.labels
    assert not {"compensation", "deletion", "regulator", "press"} & set(quoted.labels)


def test_a_reply_subject_and_a_quote_only_mail_carry_no_words_of_the_sender() -> None:
    notice = "【お詫び】補償と退会手続きのご案内"
    assert text.normalise(f"Re: {notice}", "> 補償は500円分です。\n> 退会はマイページから").strip() == ""
    assert text.normalise(f"Fwd: {notice}", f"Fwd: {notice}\n消してください").strip() == "消してください"
    assert text.normalise("退会希望", "").strip() == "退会希望"  # a subject the sender wrote counts
    assert classify(subject=f"Re: {notice}", body="> 補償は500円分です。\n> 退会はマイページから").labels == ["other"]


def test_a_web_form_category_is_a_hint_only_when_the_message_says_nothing() -> None:
    form = "お名前: 山田\nお問い合わせ種別: 補償について\nお問い合わせ内容: {message}\n会員番号: LG0012345"
    with_message = text.normalise("", form.format(message="退会手続きをお願いします。"))
    assert "補償" not in with_message
    assert "退会手続きをお願いします" in with_message
    assert "補償" in text.normalise("", form.format(message=""))
    assert "補償" in text.normalise("", "[種別] 補償\n[内容] ")
    assert "補償" not in text.normalise("", "[種別] 補償\n[内容] 消して")


def test_other_never_comes_with_another_label() -> None:
    for row in evaluate.load()[:200]:
        labels = classify(subject=row["subject"], body=row["body"]).labels
        assert labels == sorted(labels)
        assert set(labels) <= set(LABEL_KEYS)
        assert "other" not in labels or labels == ["other"]


def test_training_is_reproducible_and_the_artefact_round_trips() -> None:
    rows = train.load_corpus([train.DATA / "labelled.jsonl"])[:160]
    first, second = train.train(rows), train.train(list(rows))
    blob = first.model.to_bytes()
    assert blob == second.model.to_bytes()
    assert first.model.corpus_sha256 == train.corpus_sha256(rows)
    assert first.model.version.endswith(first.model.corpus_sha256[:12])
    loaded = Model.from_bytes(blob)
    sample = rows[0]
    assert classify(subject=sample["subject"], body=sample["body"], model=loaded) == classify(
        subject=sample["subject"], body=sample["body"], model=first.model
    )
    # A different corpus gives a different version.
    assert train.train(rows[:-1]).model.version != first.model.version


def test_tuned_thresholds_keep_the_floor_and_travel_in_the_artefact() -> None:
    # Label 0 is separated by any threshold in (0.55, 0.7]; label 1's positives all score low, so without a floor
    # it would get a threshold of 0.05 and fire on every inquiry.
    probabilities = np.array([[0.9, 0.06], [0.7, 0.07], [0.55, 0.01], [0.2, 0.02], [0.1, 0.03]])
    targets = np.array([[1, 1], [1, 1], [0, 0], [0, 0], [0, 0]], dtype=np.int8)
    assert train.tune_thresholds(probabilities, targets, floor=0.0)[1] < 0.1
    tuned = train.tune_thresholds(probabilities, targets)
    assert 0.55 < tuned[0] <= 0.7
    assert tuned[1] >= train.THRESHOLD_FLOOR

    rows = train.load_corpus([train.DATA / "labelled.jsonl"])[:160]
    trained = train.train(rows)
    loaded = Model.from_bytes(trained.model.to_bytes())
    assert np.allclose(loaded.thresholds, trained.model.thresholds, atol=1e-4)
    assert min(loaded.thresholds) >= train.THRESHOLD_FLOOR
    assert loaded.meta["threshold_floor"] == train.THRESHOLD_FLOOR
    assert loaded.char_ngrams == tuple(features.CHAR_NGRAMS)


def test_a_label_is_chosen_by_its_own_threshold_and_the_nearest_one_when_none_passes() -> None:
    model = Model.without_features("t")
    scores = np.full(len(LABEL_KEYS), 0.1)
    scores[LABEL_KEYS.index("complaint")] = 0.4
    scores[LABEL_KEYS.index("press")] = 0.3
    assert model.decide(scores) == ["complaint"]  # none passes 0.5: the one nearest its threshold
    model.thresholds[LABEL_KEYS.index("press")] = 0.25
    model.thresholds[LABEL_KEYS.index("complaint")] = 0.45
    assert model.decide(scores) == ["press"]  # the press threshold is passed, complaint's is not
    model.thresholds[LABEL_KEYS.index("complaint")] = 0.35
    assert sorted(model.decide(scores)) == ["complaint", "press"]


def test_a_model_is_fed_the_character_n_grams_it_was_trained_with() -> None:
    normalised = text.normalise("", "退会したい")
    unigram = features.key("c:退")
    assert unigram in features.hashed(features.named(normalised, [], char_ngrams=(1, 2)))
    assert unigram not in features.hashed(features.named(normalised, [], char_ngrams=(2, 3)))
    weights = np.zeros((1, len(LABEL_KEYS)), dtype=np.float32)
    weights[0, LABEL_KEYS.index("deletion")] = 50.0
    bias = np.full(len(LABEL_KEYS), -5.0)
    keys = np.array([unigram], dtype=np.uint32)
    thresholds = np.full(len(LABEL_KEYS), 0.5)
    with_unigrams = Model("u", "", LABEL_KEYS, thresholds, bias, keys, weights, meta={"char_ngrams": [1, 2]})
    legacy = Model.from_bytes(Model("l", "", LABEL_KEYS, thresholds, bias, keys, weights).to_bytes())
    assert legacy.char_ngrams == features.LEGACY_CHAR_NGRAMS
    assert classify(subject="", body="退会したい", model=with_unigrams).labels == ["deletion"]
    assert "deletion" not in classify(subject="", body="退会したい", model=legacy).labels


def test_the_committed_model_was_trained_on_the_committed_corpus() -> None:
    model = default_model()
    assert model.corpus_sha256 == train.corpus_sha256(train.load_corpus())
    assert model.meta["examples"] == len(train.load_corpus())


def test_the_artefact_holds_no_text_of_the_corpus() -> None:
    document = json.loads(gzip.decompress(default_model().to_bytes()))
    raw = json.dumps(document, ensure_ascii=False)
    assert set(document) == {
        "format",
        "version",
        "corpus_sha256",
        "labels",
        "thresholds",
        "bias",
        "keys",
        "weights",
        "meta",
    }
    for word in ("退会", "補償", "漏洩", "password"):
        assert word not in raw


def test_a_damaged_artefact_is_refused_with_a_reason() -> None:
    with pytest.raises(ArtefactError, match="not a classifier artefact"):
        Model.from_bytes(b"not gzip")
    with pytest.raises(ArtefactError, match="format"):
        Model.from_bytes(gzip.compress(b'{"format": 99}'))


def test_a_bad_corpus_line_is_named(tmp_path: Any) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": 1, "subject": "", "body": "x", "labels": ["nope"]}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.jsonl line 1"):
        train.read_jsonl(path)


def test_the_report_gives_bootstrap_intervals_around_the_point() -> None:
    gold = [["deletion"], ["compensation", "deletion"], ["other"], ["press"]] * 10
    predicted = [["deletion"], ["deletion"], ["other"], ["complaint"]] * 10
    report = evaluate.report(gold, predicted)
    assert report["exact_match"] == 0.5
    low, high = report["macro_f1_ci95"]
    assert low <= report["macro_f1"] <= high
    assert report["per_label"]["press"]["f1"] == 0.0
    assert report["per_label"]["deletion"]["support"] == 20


def test_the_command_reads_json_lines_from_stdin_and_writes_one_line_each(monkeypatch: Any) -> None:
    lines = [
        {"id": 7, "subject": "取材のお願い", "body": "新聞社の記者です。取材させてください。"},
        {"id": "x", "subject": "", "body": "チケットの発送はいつですか"},
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(json.dumps(x, ensure_ascii=False) for x in lines)))
    out = io.StringIO()
    call_command("classify", "--jsonl", "-", stdout=out)
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert [r["id"] for r in rows] == [7, "x"]
    assert rows[0]["labels"] == ["press"]
    assert rows[0]["evidence"]["press"][0]["rule"].startswith("press.")
    assert rows[1]["labels"] == ["other"]
    assert rows[1]["evidence"] == {}
    assert rows[0]["model"] == default_model().version
    assert set(rows[0]["scores"]) == set(LABEL_KEYS)


def test_the_command_needs_no_database_and_names_a_bad_line(tmp_path: Any) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": 1, "subject": "", "body": "警察には届けましたか"}\n', encoding="utf-8")
    out = io.StringIO()
    call_command("classify", "--jsonl", str(path), stdout=out)  # no django_db mark: any query would fail
    assert json.loads(out.getvalue())["labels"] == ["regulator"]
    path.write_text('{"id": 1, "body": "x"}\n{broken\n', encoding="utf-8")
    with pytest.raises(CommandError, match="line 2"):
        call_command("classify", "--jsonl", str(path), stdout=io.StringIO())
