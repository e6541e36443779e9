"""Benchmark registry lookups (the selector behind the desk, the self-check page and campaigns).

Import ``--people`` members (default 1,000,000) through the real import path, then time ``--lookups`` lookups by
email, phone and member ID, hits and misses mixed, and print p50 and p99 in milliseconds as one JSON line.

    .venv/bin/python bench/lookup.py --people 200000
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
import time
from pathlib import Path

from import_people import make_incident, setup_django, write_csv


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=3000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-lookup-") as tmp:
        setup_django(tmp)
        from breachdesk.registry import selectors, services

        incident = make_incident("bench-lookup")
        path = Path(tmp) / "members.csv"
        write_csv(path, args.people)
        services.import_job_run(
            job=services.import_job_create(incident=incident, actor="bench", path=path), actor="bench"
        )
        rng = random.Random(7)
        timings = []
        found = 0
        for i in range(args.lookups):
            n = rng.randrange(args.people * 11 // 10)  # about 10% misses
            kind = i % 3
            started = time.perf_counter()
            if kind == 0:
                person = selectors.person_lookup(incident=incident, email=f"user{n}@example.jp")
            elif kind == 1:
                person = selectors.person_lookup(incident=incident, member_id=f"B{n:09d}")
            else:
                person = selectors.person_lookup(
                    incident=incident, phone=f"090-{n // 10000 % 10000:04d}-{n % 10000:04d}"
                )
            timings.append((time.perf_counter() - started) * 1000)
            found += person is not None
        timings.sort()
        print(
            json.dumps(
                {
                    "bench": "lookup",
                    "people": args.people,
                    "lookups": args.lookups,
                    "found": found,
                    "p50_ms": round(timings[len(timings) // 2], 3),
                    "p99_ms": round(timings[int(len(timings) * 0.99)], 3),
                }
            )
        )


if __name__ == "__main__":
    main()
