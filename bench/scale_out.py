"""Benchmark the scale-out deployment: N gunicorn and N db_worker processes on one PostgreSQL deliver one campaign.

Recreate a scratch database (``--database``, default ``breachdesk_scale`` on the local server), migrate it, fill it
with ``--people`` affected people and an approved campaign, start ``--web`` web and ``--workers`` worker processes,
start the campaign through the first web process and wait until every message has reached an SMTP sink
(aiosmtpd on 127.0.0.1). Print one JSON line: delivered, distinct recipients, messages sent twice (must be 0),
seconds, messages per second, and how many each worker process sent.

    .venv/bin/python bench/scale_out.py --people 5000 --web 2 --workers 2
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def recreate_database(server: str, name: str) -> str:
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{server}/{name}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=2000)
    parser.add_argument("--web", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--database", default="breachdesk_scale")
    args = parser.parse_args()

    os.environ["DATABASE_URL"] = recreate_database(args.server, args.database)
    os.environ.setdefault("BREACHDESK_VAR_DIR", tempfile.mkdtemp(prefix="breachdesk-scale-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "breachdesk.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from breachdesk.testing.scaleout import scale_out_run

    report = scale_out_run(people=args.people, web=args.web, workers=args.workers)
    print(json.dumps({"bench": "scale_out", **report}, ensure_ascii=False))


if __name__ == "__main__":
    main()
