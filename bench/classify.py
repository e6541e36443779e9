"""Benchmark the inquiry classifier on one core: inquiries per second over the labelled set (goal: ≤ 5 ms each).

.venv/bin/python bench/classify.py --rounds 5
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="passes over the labelled set")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "breachdesk.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from breachdesk.inquiries.classify import classify
    from breachdesk.inquiries.classify.evaluate import load

    rows = load()
    # A long, quoted, signed mail too: the worst case the desk sees every day.
    long_body = "\n".join(r["body"] for r in rows[:40])
    rows.append({"subject": "長文", "body": long_body})
    timings = []
    started = time.perf_counter()
    for _ in range(args.rounds):
        for row in rows:
            t0 = time.perf_counter()
            classify(subject=row["subject"], body=row["body"])
            timings.append((time.perf_counter() - t0) * 1000)
    elapsed = time.perf_counter() - started
    timings.sort()
    count = len(timings)
    print(
        json.dumps(
            {
                "bench": "classify",
                "inquiries": count,
                "per_second": round(count / elapsed, 1),
                "mean_ms": round(elapsed * 1000 / count, 3),
                "p95_ms": round(timings[int(count * 0.95)], 3),
                "max_ms": round(timings[-1], 3),
                "long_mail_chars": len(long_body),
            }
        )
    )


if __name__ == "__main__":
    main()
