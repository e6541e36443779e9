"""Benchmark the desk list and the dashboard under load: 10,000 inquiries, 90,000 people, 20 concurrent clients.

Build a private database (SQLite under a temp VAR_DIR, or PostgreSQL when DATABASE_URL is set), import the people
through the registry's import path, insert the inquiries in bulk (encrypted like the intake does), start gunicorn on
a free loopback port (2 sync workers by default, as in issue #10), and let 20 client threads request the list
(various pages and filters) and the dashboard. Print one JSON line with p50/p95 per page, the server-side cost of
one request of each page (median of single-client requests) and the load average.

``--var-dir DIR`` keeps the SQLite file (and the keys) between runs; with PostgreSQL the data stays in the database.
Either way an incident that already holds the inquiries is reused instead of rebuilt.

    .venv/bin/python bench/desk_pages.py --requests 400
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/h3 .venv/bin/python bench/desk_pages.py --var-dir /tmp/x
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from import_people import make_incident, setup_django, write_csv


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fill(incident: Any, people: int, inquiries: int, tmp: str) -> str:
    """Import the people and insert the inquiries; return a session cookie of the lead."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from breachdesk.core.crypto import cipher_for, new_row_id
    from breachdesk.inquiries import labels as vocabulary
    from breachdesk.inquiries.classify import classify
    from breachdesk.inquiries.classify.evaluate import load
    from breachdesk.inquiries.models import Acknowledgment, AckStatus, Inquiry, InquiryStatus, Reply, ReplyStatus
    from breachdesk.inquiries.sla import add_business_days
    from breachdesk.registry import services

    path = Path(tmp) / "members.csv"
    write_csv(path, people)
    services.import_job_run(job=services.import_job_create(incident=incident, actor="bench", path=path), actor="bench")
    cipher = cipher_for(incident.pk)
    rows = load()
    rng = random.Random(11)
    now = timezone.now()
    users = list(get_user_model().objects.filter(memberships__incident=incident))
    batch: list[Inquiry] = []
    for n in range(inquiries):
        row = rows[n % len(rows)]
        labels = classify(subject=row["subject"], body=row["body"]).labels
        received = now - timedelta(minutes=rng.randrange(0, 60 * 24 * 30))
        email = f"user{rng.randrange(people)}@example.jp"
        answered = rng.random() < 0.6
        row_id = new_row_id()
        at: dict[str, Any] = {"table": "inquiries.inquiry", "row": row_id}
        batch.append(
            Inquiry(
                aad_id=row_id,
                incident=incident,
                token=f"B{n:09d}",
                channel="email",
                status=InquiryStatus.ANSWERED if answered else InquiryStatus.OPEN,
                subject_enc=cipher.encrypt("inquiry.subject", row["subject"] or "お問い合わせ", **at),
                sender_email_enc=cipher.encrypt("inquiry.sender_email", email, **at),
                bidx_sender_email=cipher.blind_index("email", email),
                has_email=True,
                labels=labels,
                label_bits=vocabulary.mask_of(labels),
                received_at=received,
                due_at=add_business_days(received, 2),
                answered_at=received + timedelta(hours=rng.randrange(1, 60)) if answered else None,
                assignee=rng.choice(users) if rng.random() < 0.7 else None,
            )
        )
    Inquiry.objects.bulk_create(batch, batch_size=2000)
    analyze()
    made = list(Inquiry.objects.filter(incident=incident).values_list("pk", "received_at"))
    Acknowledgment.objects.bulk_create(
        [
            Acknowledgment(incident=incident, inquiry_id=pk, status=AckStatus.SENT, due_at=at, sent_at=at)
            for pk, at in made
        ],
        batch_size=2000,
    )
    Reply.objects.bulk_create(
        [
            Reply(incident=incident, inquiry_id=pk, status=ReplyStatus.IN_REVIEW, author=users[0])
            for pk, _at in made[:300]
        ]
    )
    return lead_cookie(incident)


def lead_cookie(incident: Any) -> str:
    """Return a session cookie of the incident's first member (the lead who opened it)."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    user = get_user_model().objects.filter(memberships__incident=incident).order_by("pk").first()
    assert user is not None, "the bench incident has no member"
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def analyze() -> None:
    """Refresh the planner statistics after the bulk load, as autovacuum (PostgreSQL) or ``PRAGMA optimize`` would."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def prepare(incident: Any, *, people: int, inquiries: int, tmp: str) -> bool:
    """Fill the incident unless it already holds the inquiries; return whether it was built now."""
    from breachdesk.inquiries.models import Inquiry

    if Inquiry.objects.filter(incident=incident).count() >= inquiries:
        return False
    fill(incident, people, inquiries, tmp)
    return True


def start_gunicorn(*, env: dict[str, str], port: int, workers: int, threads: int = 1) -> subprocess.Popen[bytes]:
    """Start gunicorn on ``port`` (sync workers, or gthread when ``threads`` > 1) and wait until it listens."""
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "breachdesk.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    if threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(threads), "--keep-alive", "30"]
    server = subprocess.Popen(command, env=env, cwd=str(Path(__file__).resolve().parent.parent), start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not listen within 60 s")


def stop_gunicorn(server: subprocess.Popen[bytes]) -> None:
    import signal

    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=30)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(len(values) * q))], 1) if values else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--people", type=int, default=90_000)
    parser.add_argument("--inquiries", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=400, help="total requests (bounded)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=1, help="gunicorn threads per worker (1: sync workers)")
    parser.add_argument("--var-dir", default="", help="keep the data here between runs (default: a temp dir)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-desk-") as scratch:
        tmp = args.var_dir or scratch
        Path(tmp).mkdir(parents=True, exist_ok=True)
        os.environ["BREACHDESK_TESTING"] = "true"  # plain static storage: no collectstatic in a temp dir
        os.environ["BREACHDESK_REQUIRE_2FA"] = "false"
        os.environ["BREACHDESK_VAR_DIR"] = tmp
        setup_django(tmp)
        from django.conf import settings

        incident = make_incident("bench-desk")
        started = time.monotonic()
        built_now = prepare(incident, people=args.people, inquiries=args.inquiries, tmp=tmp)
        cookie = lead_cookie(incident)
        built = time.monotonic() - started
        port = free_port()
        env = {**os.environ, "BREACHDESK_VAR_DIR": tmp, "DJANGO_SETTINGS_MODULE": "breachdesk.settings"}
        env["BREACHDESK_MASTER_KEY"] = __import__("base64").b64encode(settings.BREACHDESK_MASTER_KEY).decode()
        env["SECRET_KEY"] = settings.SECRET_KEY
        server = start_gunicorn(env=env, port=port, workers=args.workers, threads=args.threads)
        load_before = [round(v, 2) for v in os.getloadavg()]
        try:
            code = incident.code
            paths = {
                "list": [
                    f"/incidents/{code}/desk/",
                    f"/incidents/{code}/desk/?page=37",
                    f"/incidents/{code}/desk/?status=open&label=deletion",
                    f"/incidents/{code}/desk/?overdue=1",
                ],
                "dashboard": [f"/incidents/{code}/"],
            }
            headers = {"Cookie": f"sessionid={cookie}", "Host": "127.0.0.1"}

            def get(conn: http.client.HTTPConnection, path: str) -> tuple[int, float]:
                t0 = time.perf_counter()
                conn.request("GET", path, headers=headers)
                response = conn.getresponse()
                response.read()
                return response.status, (time.perf_counter() - t0) * 1000

            # Warm each worker process (imports, cipher cache, the cached figures) before measuring.
            for _ in range(args.workers * 2):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                for page_paths in paths.values():
                    for path in page_paths:
                        get(conn, path)
                conn.close()
            # One client alone: the server-side cost of each page, without queueing.
            single: dict[str, list[float]] = {"list": [], "dashboard": []}
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            for _ in range(5):
                for page, page_paths in paths.items():
                    for path in page_paths:
                        single[page].append(get(conn, path)[1])
            conn.close()

            timings: dict[str, list[float]] = {"list": [], "dashboard": []}
            errors = []
            lock = threading.Lock()
            per_client = max(1, args.requests // args.clients)

            def worker(seed: int) -> None:
                rng = random.Random(seed)
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                for i in range(per_client):
                    page = "dashboard" if i % 4 == 3 else "list"
                    status, elapsed = get(conn, rng.choice(paths[page]))
                    with lock:
                        timings[page].append(elapsed)
                        if status != 200:
                            errors.append(status)
                conn.close()

            threads = [threading.Thread(target=worker, args=(n,)) for n in range(args.clients)]
            t_start = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - t_start
        finally:
            stop_gunicorn(server)

        from django.db import connection

        print(
            json.dumps(
                {
                    "bench": "desk_pages",
                    "database": connection.vendor,
                    "people": args.people,
                    "inquiries": args.inquiries,
                    "clients": args.clients,
                    "server": f"gunicorn {args.workers} workers x {args.threads} threads",
                    "requests": sum(len(v) for v in timings.values()),
                    "errors": len(errors),
                    "single_list_p50_ms": pct(single["list"], 0.5),
                    "single_dashboard_p50_ms": pct(single["dashboard"], 0.5),
                    "list_p50_ms": pct(timings["list"], 0.5),
                    "list_p95_ms": pct(timings["list"], 0.95),
                    "dashboard_p50_ms": pct(timings["dashboard"], 0.5),
                    "dashboard_p95_ms": pct(timings["dashboard"], 0.95),
                    "requests_per_second": round(sum(len(v) for v in timings.values()) / wall, 1),
                    "setup_seconds": round(built, 1),
                    "built_now": built_now,
                    "load_average_before": load_before,
                    "load_average_after": [round(v, 2) for v in os.getloadavg()],
                }
            )
        )


if __name__ == "__main__":
    main()
