"""Benchmark the public incident page and the self-check POST against a real gunicorn on loopback.

Set up a private database (SQLite under a temp dir, or PostgreSQL when ``DATABASE_URL`` is set), publish a first
notice, start gunicorn (``--workers``, gthread) on a free loopback port, then drive it with a bounded load generator
(processes × threads of keep-alive ``http.client`` connections) for ``--seconds`` per scenario:

- ``page``: GET the public page (served from the page cache),
- ``conditional``: GET with the page's ETag (304),
- ``selfcheck``: POST the self-check form (CSRF token and cookie fetched once per connection; the per-IP and
  per-address limits are raised for the run, since every request comes from 127.0.0.1).

Print one JSON line: {"bench": "public_page", ...}.

    .venv/bin/python bench/public_page.py --seconds 5
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CODE = "bench-public"
SETTINGS = """
from breachdesk.settings import *  # noqa: F403
BREACHDESK_REQUIRE_2FA = False
BREACHDESK_SELFCHECK_PER_IP_HOUR = 10**9
BREACHDESK_SELFCHECK_PER_ADDRESS_HOUR = 10**9
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "ERROR"}}
import os as _os
DATABASES["default"]["CONN_MAX_AGE"] = int(_os.environ.get("BENCH_CONN_MAX_AGE", "60"))  # noqa: F405
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def setup(var_dir: str) -> dict[str, str]:
    """Write the bench settings, migrate, collect static files and publish the first notice; return the env."""
    Path(var_dir, "bench_settings.py").write_text(SETTINGS, encoding="utf-8")
    env = {
        **os.environ,
        "BREACHDESK_VAR_DIR": var_dir,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": os.pathsep.join([var_dir, str(ROOT / "src")]),
        "BREACHDESK_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    os.environ.update(env)
    sys.path[:0] = [var_dir, str(ROOT / "src")]
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    _publish()
    return env


def _publish() -> None:
    from datetime import UTC, datetime

    from django.contrib.auth import get_user_model

    from breachdesk.incidents import services as incidents
    from breachdesk.incidents.models import Incident
    from breachdesk.notices import readiness, services
    from breachdesk.notices.models import Notice
    from breachdesk.registry import services as registry

    if Notice.objects.filter(incident__code=CODE, status="published").exists():
        return
    users = {
        name: get_user_model().objects.get_or_create(username=f"bench-{name}")[0] for name in ("lead", "pr", "rev")
    }
    at = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    incident = Incident.objects.filter(code=CODE).first() or incidents.incident_create(
        actor=users["lead"],
        code=CODE,
        title="bench",
        organisation="株式会社ベンチ",
        found_at=at,
        aware_at=at,
        jurisdictions=["JP"],
    )
    incidents.membership_add(incident=incident, actor=users["lead"], user=users["pr"], role="pr")
    incidents.membership_add(incident=incident, actor=users["lead"], user=users["rev"], role="reviewer")
    for n in range(200):
        registry.person_create(
            incident=incident,
            actor="bench",
            member_id=f"B{n:05d}",
            email=f"m{n:05d}@example.jp",
            affected=n % 2 == 0,
            items=["name", "email"],
        )
    body = "## 概要\n" + "当社サイトへの不正アクセスにより、会員さまの情報が流出した可能性があります。\n\n" * 20
    notice = services.notice_create(incident=incident, actor=users["pr"], title="第1報 お詫びとお知らせ", body=body)
    services.notice_approve(notice=notice, actor=users["rev"])
    keys = [i.key for i in readiness.open_items(readiness.readiness_evaluate(incident=incident))]
    services.notice_publish(notice=notice, actor=users["lead"], confirm_open=keys, reason="bench")


def start_server(env: dict[str, str], port: int, workers: int, threads: int) -> subprocess.Popen[bytes]:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "breachdesk.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=env, cwd=env["BREACHDESK_VAR_DIR"], start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", f"/p/{CODE}/")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not answer within 30 s")


class _Conn:
    """Speak just enough HTTP/1.1 keep-alive over a raw socket: the load generator must cost less than the server."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buffer = b""

    def request(self, raw: bytes) -> tuple[int, dict[str, str], bytes]:
        self.sock.sendall(raw)
        while b"\r\n\r\n" not in self.buffer:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            self.buffer += chunk
        head, _, rest = self.buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers.setdefault(name.strip().lower(), value.strip())
        length = int(headers.get("content-length", "0"))
        while len(rest) < length:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("closed")
            rest += chunk
        self.buffer = rest[length:]
        if headers.get("connection", "").lower() == "close":
            self.sock.close()
            self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
            self.buffer = b""
        return status, headers, rest[:length]


def _raw(method: str, path: str, headers: dict[str, str], body: str = "") -> bytes:
    lines = [
        f"{method} {path} HTTP/1.1",
        "Host: 127.0.0.1",
        "Accept-Language: ja",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    if body:
        lines.append(f"Content-Length: {len(body.encode())}")
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


def _prepare(conn: _Conn, scenario: str, n: int) -> bytes:
    """Return the request this connection repeats (fetching an ETag or a CSRF token first when needed)."""
    if scenario == "page":
        return _raw("GET", f"/p/{CODE}/", {})
    if scenario == "conditional":
        _status, headers, _body = conn.request(_raw("GET", f"/p/{CODE}/", {}))
        return _raw("GET", f"/p/{CODE}/", {"If-None-Match": headers.get("etag", "")})
    _status, headers, body = conn.request(_raw("GET", f"/p/{CODE}/check/", {}))
    cookie = headers.get("set-cookie", "").split(";", 1)[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body.decode())
    form = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token.group(1) if token else "", "email": f"m{n:05d}@example.jp", "website": ""}
    )
    return _raw(
        "POST", f"/p/{CODE}/check/", {"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}, form
    )


def _worker(args: tuple[int, str, float, int, int]) -> tuple[list[float], int, int]:
    """Run one load process: ``threads`` keep-alive connections for ``seconds``; return latencies and counts."""
    port, scenario, seconds, threads, offset = args
    latencies: list[float] = []
    counts = {"errors": 0, "bad": 0}
    expected = {"page": 200, "conditional": 304, "selfcheck": 302}[scenario]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def loop(n: int) -> None:
        conn = _Conn(port)
        raw = _prepare(conn, scenario, n)
        mine: list[float] = []
        errors = bad = 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                status, _headers, _body = conn.request(raw)
            except OSError:
                errors += 1
                conn = _Conn(port)
                continue
            mine.append(time.perf_counter() - started)
            bad += status != expected
        with lock:
            latencies.extend(mine)
            counts["errors"] += errors
            counts["bad"] += bad

    pool = [threading.Thread(target=loop, args=(offset + i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return latencies, counts["errors"], counts["bad"]


def run(port: int, scenario: str, seconds: float, processes: int, threads: int) -> dict[str, Any]:
    started = time.monotonic()
    with multiprocessing.get_context("spawn").Pool(processes) as pool:
        results = pool.map(_worker, [(port, scenario, seconds, threads, p * threads) for p in range(processes)])
    elapsed = time.monotonic() - started - 0.0
    latencies = sorted(x for r in results for x in r[0])
    count = len(latencies)
    return {
        f"{scenario}_requests": count,
        f"{scenario}_rps": round(count / seconds, 1),
        f"{scenario}_p50_ms": round(statistics.median(latencies) * 1000, 2) if latencies else None,
        f"{scenario}_p99_ms": round(latencies[int(count * 0.99) - 1] * 1000, 2) if latencies else None,
        f"{scenario}_errors": sum(r[1] for r in results),
        f"{scenario}_unexpected_status": sum(r[2] for r in results),
        f"{scenario}_wall_s": round(elapsed, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=max(2, os.cpu_count() or 2))
    parser.add_argument("--threads", type=int, default=2, help="gunicorn threads per worker")
    parser.add_argument("--clients", type=int, default=2, help="load processes")
    parser.add_argument("--connections", type=int, default=8, help="connections per load process")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-public-") as tmp:
        env = setup(tmp)
        port = _free_port()
        server = start_server(env, port, args.workers, args.threads)
        try:
            result: dict[str, Any] = {
                "bench": "public_page",
                "database": "postgresql" if os.environ.get("DATABASE_URL") else "sqlite",
                "server": f"gunicorn gthread {args.workers}x{args.threads}",
                "load": f"{args.clients} processes x {args.connections} keep-alive connections",
                "cpus": os.cpu_count(),
                "seconds": args.seconds,
                "load_average_before": [round(v, 2) for v in os.getloadavg()],
            }
            for scenario in ("page", "conditional", "selfcheck"):
                result.update(run(port, scenario, args.seconds, args.clients, args.connections))
            from django.db import connection

            from breachdesk.notices.models import SelfCheckRequest

            connection.close()  # a fresh connection sees every row the server committed
            result["selfcheck_rows_queued"] = SelfCheckRequest.objects.count()
            result["load_average_after"] = [round(v, 2) for v in os.getloadavg()]
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
