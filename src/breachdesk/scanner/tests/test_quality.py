"""Measure precision and recall on the generated corpus, and check the planted cards are found without decoys."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

import pytest

from breachdesk.scanner import detectors, engine
from breachdesk.scanner.tests.corpus import Corpus, Key, corpus_build, corpus_score

pytest.importorskip("openpyxl")


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Corpus, Counter[Key], engine.ScanSummary]:
    root = tmp_path_factory.mktemp("corpus")
    corpus = corpus_build(root=root)
    found: Counter[Key] = Counter()

    def collect(finding: engine.Finding) -> None:
        found[(os.path.relpath(finding.path, root), finding.line, finding.type)] += 1

    summary = engine.scan_paths([str(root)], jobs=2, on_finding=collect)
    return corpus, found, summary


@pytest.mark.parametrize("kind", [detectors.CREDIT_CARD, detectors.MY_NUMBER, detectors.EMAIL, detectors.PHONE])
def test_precision_and_recall_reach_99_percent(
    scanned: tuple[Corpus, Counter[Key], engine.ScanSummary], kind: str
) -> None:
    corpus, found, _ = scanned
    score = corpus_score(corpus=corpus, found=found)[kind]
    assert score.true_positives > 100
    assert score.precision >= 0.99, score
    assert score.recall >= 0.99, score


def test_it_finds_cards_in_the_cp932_csv_and_the_gzip_log_without_flagging_decoys(
    scanned: tuple[Corpus, Counter[Key], engine.ScanSummary],
) -> None:
    corpus, found, _ = scanned
    for path in ("exports/customers_sjis.csv", "logs/old/app.log.1.gz"):
        planted = {key for key in corpus.planted if key[0] == path and key[2] == detectors.CREDIT_CARD}
        cards = {key for key in found if key[0] == path and key[2] == detectors.CREDIT_CARD}
        decoy_lines = {line for (decoy_path, line) in corpus.decoys if decoy_path == path}
        assert len(planted) > 50
        assert cards == planted
        # Lines or rows holding only decoys (failed Luhn, order ids, timestamps, epochs, versions, IPs) stay clean.
        planted_lines = {key[1] for key in corpus.planted if key[0] == path}
        decoy_only = decoy_lines - planted_lines
        assert decoy_only or path.endswith(".csv")  # every CSV row has some identifier; its decoys sit in cells
        assert not {key[1] for key in found if key[0] == path} & decoy_only


def test_it_reports_the_binary_file_and_the_symlink_out_of_the_root(
    scanned: tuple[Corpus, Counter[Key], engine.ScanSummary],
) -> None:
    _, _, summary = scanned
    reasons = {Path(entry["path"]).name: entry["reason"] for entry in summary.skipped}
    assert reasons == {"logo.png": "binary", "elsewhere.log": "symlink outside root"}
