"""Benchmark the inquiry classifier on one core: p95 per inquiry over the training corpus plus one long mail (goal:
≤ 5 ms), and the model's load time in a fresh process (goal: ≤ 1 s); the rules alone are the in-process baseline.

.venv/bin/python bench/classify.py --rounds 2
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _p95(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[int(len(ordered) * 0.95)]


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="passes over the corpus")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "breachdesk.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    # Load time as a worker sees it: imports (numpy, fugashi), then the artefact read and decoded, then the
    # tokeniser's dictionary opened. The goal (≤ 1 s) is for the model load: artefact plus dictionary.
    t0 = time.perf_counter()
    from breachdesk.inquiries.classify import classify, default_model, features, rules, text
    from breachdesk.inquiries.classify.model import DEFAULT_PATH
    from breachdesk.inquiries.classify.train import load_corpus

    import_ms = (time.perf_counter() - t0) * 1000
    t1 = time.perf_counter()
    model = default_model()
    load_ms = (time.perf_counter() - t1) * 1000
    t2 = time.perf_counter()
    features.tagger()
    tokeniser_ms = (time.perf_counter() - t2) * 1000

    rows = load_corpus()
    # A long, quoted, signed mail too: the worst case the desk sees every day.
    long_body = "\n".join(r["body"] for r in rows[:40])
    rows.append({"subject": "長文", "body": long_body})
    timings, baseline = [], []
    started = time.perf_counter()
    for _ in range(args.rounds):
        for row in rows:
            t = time.perf_counter()
            classify(subject=row["subject"], body=row["body"])
            timings.append((time.perf_counter() - t) * 1000)
    elapsed = time.perf_counter() - started
    for row in rows:
        t = time.perf_counter()
        rules.hits(text.normalise(row["subject"], row["body"]))
        baseline.append((time.perf_counter() - t) * 1000)
    timings.sort()
    count = len(timings)
    print(
        json.dumps(
            {
                "bench": "classify",
                "inquiries": count,
                "per_second": round(count / elapsed, 1),
                "mean_ms": round(elapsed * 1000 / count, 3),
                "p95_ms": round(_p95(timings), 3),
                "max_ms": round(timings[-1], 3),
                "long_mail_chars": len(long_body),
                "model": model.version,
                "model_load_ms": round(load_ms, 1),
                "tokeniser_load_ms": round(tokeniser_ms, 1),
                "load_ms": round(load_ms + tokeniser_ms, 1),
                "import_ms": round(import_ms, 1),
                "artefact_bytes": DEFAULT_PATH.stat().st_size,
                "features": len(model.keys),
                "rules_only_p95_ms": round(_p95(baseline), 3),
                "p95_ratio_to_rules": round(_p95(timings) / max(_p95(baseline), 1e-9), 2),
            }
        )
    )


if __name__ == "__main__":
    main()
