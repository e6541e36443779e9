"""Kill the worker 20 times during a 10,000-person campaign and count what the people received. Print one JSON line.

The production path: ``breachdesk db_worker`` as a subprocess (restarted after each SIGKILL, as a supervisor does), an
aiosmtpd sink in its own process, no manual recovery step (see ``breachdesk.testing.crash``).

    .venv/bin/python bench/campaign_crash.py                      # SQLite, 10,000 people, 20 kills
    .venv/bin/python bench/campaign_crash.py --pg                 # PostgreSQL (DATABASE_URL, or a bench database)
    .venv/bin/python bench/campaign_crash.py --people 1000 --kills 5
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/breachdesk_bench_crash"


def pg_fresh(url: str) -> None:
    """Drop and create the bench's PostgreSQL database, so every run starts empty."""
    import psycopg

    base, _slash, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--pg", action="store_true", help="run on PostgreSQL")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-crash-") as tmp:
        if args.pg:
            os.environ.setdefault("DATABASE_URL", PG_DEFAULT)
            if os.environ["DATABASE_URL"] == PG_DEFAULT:
                pg_fresh(PG_DEFAULT)
        else:
            os.environ.pop("DATABASE_URL", None)
        os.environ["BREACHDESK_VAR_DIR"] = tmp
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "breachdesk.settings")
        sys.path.insert(0, str(ROOT / "src"))
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        from django.db import connection

        from breachdesk.testing.crash import campaign_prepare, crash_run

        made = campaign_prepare(people=args.people, code=f"crash-{int(time.time())}")
        report = crash_run(
            campaign=made["campaign"],
            lead=made["lead"],
            people=args.people,
            kills=args.kills,
            seed=args.seed,
            timeout=args.timeout,
        )
        report.pop("uncertain_ids")
        print(
            json.dumps(
                {
                    "bench": "campaign_crash",
                    "database": connection.vendor,
                    **report,
                    "uncertain_within_kills": report["uncertain"] <= report["kills"],
                    "manual_steps": 0,
                }
            )
        )


if __name__ == "__main__":
    main()
