from __future__ import annotations

import io
import json
from typing import Any

import pytest
from django.core.management import call_command

from breachdesk.inquiries.classify import classify, evaluate
from breachdesk.inquiries.labels import LABEL_KEYS


def test_it_finds_several_labels_with_their_evidence() -> None:
    result = classify(subject="退会希望", body="私の個人情報を完全に削除した上で退会させてほしい。補償はあるのですか。")
    assert result.labels == ["compensation", "deletion"]
    assert "補償" in result.evidence["compensation"]


def test_it_reads_half_width_kana_and_ignores_zero_width_characters() -> None:
    assert classify(subject="", body="ﾀｲｶｲ ｼﾀｲ ﾃﾞｽ").labels == ["deletion"]
    assert classify(subject="", body="迷\u200b惑メールが増えました").labels == ["secondary_damage"]


def test_it_ignores_the_quoted_history_of_a_reply() -> None:
    body = (
        "ログインできません。\n\n2026/03/03 10:00 OCO <support@oco.example>:\n"
        "> 補償について検討しております。\n> 退会はマイページから"
    )
    assert classify(subject="Re: お知らせ", body=body).labels == ["other"]


def test_other_never_comes_with_another_label() -> None:
    for row in evaluate.load()[:200]:
        labels = classify(subject=row["subject"], body=row["body"]).labels
        assert labels == sorted(labels)
        assert set(labels) <= set(LABEL_KEYS)
        assert "other" not in labels or labels == ["other"]


def test_the_labelled_set_is_large_varied_and_every_label_has_examples() -> None:
    rows = evaluate.load()
    assert len(rows) >= 300
    for label in LABEL_KEYS:
        assert sum(label in r["labels"] for r in rows) >= 10, label


def test_cross_validated_macro_f1_and_the_held_out_figure_stay_where_the_docs_say() -> None:
    report = evaluate.cross_validate(evaluate.load())
    assert report["macro_f1_mean"] >= 0.95
    heldout = evaluate.macro_f1(evaluate.score(evaluate.load(evaluate.DATA.parent / "heldout.jsonl")))
    assert heldout >= 0.65


def test_the_command_reads_json_lines_from_stdin_and_writes_one_line_each(monkeypatch: Any) -> None:
    lines = [
        {"id": 7, "subject": "取材のお願い", "body": "新聞社の記者です。取材させてください。"},
        {"id": "x", "subject": "", "body": "チケットの発送はいつですか"},
    ]
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(json.dumps(x, ensure_ascii=False) for x in lines)))
    out = io.StringIO()
    call_command("classify", "--jsonl", "-", stdout=out)
    rows = [json.loads(x) for x in out.getvalue().splitlines()]
    assert rows[0] == {"id": 7, "labels": ["press"], "evidence": {"press": rows[0]["evidence"]["press"]}}
    assert rows[1] == {"id": "x", "labels": ["other"], "evidence": {}}


def test_the_command_needs_no_database(tmp_path: Any) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text('{"id": 1, "subject": "", "body": "警察には届けましたか"}\n', encoding="utf-8")
    out = io.StringIO()
    call_command("classify", "--jsonl", str(path), stdout=out)  # no django_db mark: any query would fail
    assert json.loads(out.getvalue())["labels"] == ["regulator"]


@pytest.mark.parametrize("size", [1, 50])
def test_classification_is_fast(size: int) -> None:
    import time

    body = "私は対象ですか。カード情報は含まれていますか。" * size
    started = time.perf_counter()
    for _ in range(50):
        classify(subject="確認", body=body)
    assert (time.perf_counter() - started) / 50 < 0.05
