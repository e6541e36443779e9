"""Drive the desk and the public page at once (issue #10): staff sessions and self-check traffic against gunicorn.

Build (or reuse) a demo-like incident with 10,000 inquiries and 90,000 people (the same data as ``desk_pages.py``)
and a published public page, start gunicorn (2 sync workers by default, as deployed; ``--threads`` for gthread) on a
free loopback port, log 20 staff members in through the real login form (``BREACHDESK_REQUIRE_2FA=false`` for the
bench server), then for ``--seconds`` (60):

- each staff session: the desk list (pages and filters), an inquiry page, or a draft save (POST with the session's
  CSRF token; 50 / 35 / 15 %). By default in a closed loop (the next request as soon as the last one answered, a
  stress test: 20 sessions then ask far more than 20 people can click); with ``--think S`` each session pauses for a
  random time (exponential, mean S seconds) between requests, as a person reading the page does;
- public visitors, paced at ``--public-rate`` requests per second: the public page and the self-check POST (CSRF
  token and cookie fetched per visitor), alternately.

Print one JSON line: p50/p95/p99 per kind (``desk``, ``public``), the requests, the errors (any unexpected status
or failed request) and the load average. The self-check limits are raised for the run (every request comes from
127.0.0.1).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/h3 .venv/bin/python bench/load_desk.py --var-dir /tmp/x

With PostgreSQL the data stays in the database between runs; keep ``--var-dir`` too, since the incident keys are
wrapped with the master key in that directory.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

import desk_pages  # noqa: E402
import public_page  # noqa: E402

DESK_CODE = "bench-desk"
PUBLIC_CODE = "bench-load-public"
PASSWORD = "load-desk-bench-password"  # noqa: S105 (a throwaway bench account)
SETTINGS = public_page.SETTINGS + "BREACHDESK_REQUIRE_2FA = False\n"


def setup(var_dir: str, *, staff: int, people: int, inquiries: int) -> tuple[dict[str, str], dict[str, Any]]:
    """Migrate, publish the public page, build the desk data and the staff accounts; return the env and the plan."""
    Path(var_dir, "bench_settings.py").write_text(SETTINGS, encoding="utf-8")
    env = {
        **os.environ,
        "BREACHDESK_VAR_DIR": var_dir,
        "DJANGO_SETTINGS_MODULE": "bench_settings",
        "PYTHONPATH": os.pathsep.join([var_dir, str(ROOT / "src")]),
        "BREACHDESK_TESTING": "true",  # plain static files, no collectstatic
        "BREACHDESK_REQUIRE_2FA": "false",
        "BREACHDESK_TASK_BACKEND": "django_tasks_db.DatabaseBackend",
    }
    os.environ.update(env)
    sys.path[:0] = [var_dir, str(ROOT / "src")]
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    public_page.CODE = PUBLIC_CODE
    public_page._publish()

    from django.contrib.auth import get_user_model

    from breachdesk.core.crypto import cipher_for
    from breachdesk.core.roles import Role
    from breachdesk.incidents.models import Membership
    from breachdesk.incidents.services import membership_add
    from breachdesk.inquiries.models import Inquiry, Reply, ReplyStatus

    incident = desk_pages.make_incident(DESK_CODE)
    lead = get_user_model().objects.get(username="bench")
    users = []
    for n in range(staff):
        user, made = get_user_model().objects.get_or_create(username=f"load-staff-{n:02d}")
        if made or not user.check_password(PASSWORD):
            user.set_password(PASSWORD)
            user.save()
        if not Membership.objects.filter(incident=incident, user=user).exists():
            membership_add(incident=incident, actor=lead, user=user, role=Role.RESPONDER)
        users.append(user)
    started = time.monotonic()
    built = desk_pages.prepare(incident, people=people, inquiries=inquiries, tmp=var_dir)
    sample = Inquiry.objects.filter(incident=incident).order_by("pk").first()
    try:
        _ = sample.subject if sample else None
        cipher_for(incident.pk)
    except Exception as exc:
        raise SystemExit(
            f"The incident {DESK_CODE} in this database was made under another master key ({exc}); "
            "run with the --var-dir of the run that built it."
        ) from None
    ids = list(Inquiry.objects.filter(incident=incident).values_list("pk", flat=True))
    rng = random.Random(5)
    drafts = {}
    for user in users:
        reply = Reply.objects.filter(incident=incident, author=user, status=ReplyStatus.DRAFT).first()
        if reply is None:
            reply = Reply(incident=incident, inquiry_id=rng.choice(ids), author=user, status=ReplyStatus.DRAFT)
            reply.body = "お問い合わせありがとうございます。"
            reply.save()
        drafts[user.username] = reply.pk
    desk_pages.analyze()
    plan = {
        "inquiries": ids,
        "drafts": drafts,
        "setup_seconds": round(time.monotonic() - started, 1),
        "built_now": built,
    }
    return env, plan


class Session:
    """One keep-alive HTTP connection with its cookies; reconnects once when the server closed it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, bytes]:
        headers = {"Host": "127.0.0.1", "Accept-Language": "ja"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=body, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt == 2:
                    raise
        for header in response.msg.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data


def _token(page: bytes) -> str:
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not found:
        raise RuntimeError("no CSRF token on the page")
    return found.group(1).decode()


def login(port: int, username: str) -> Session:
    """Sign in through the login form, as a person would."""
    session = Session(port)
    status, page = session.request("GET", "/accounts/login/")
    if status != 200:
        raise RuntimeError(f"login page answered {status}")
    form = {"csrfmiddlewaretoken": _token(page), "username": username, "password": PASSWORD}
    status, _ = session.request("POST", "/accounts/login/", form)
    if status != 302 or "sessionid" not in session.cookies:
        raise RuntimeError(f"login of {username} answered {status}")
    return session


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.timings: dict[str, list[float]] = {"desk": [], "public": []}
        self.by_action: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}

    def add(self, kind: str, action: str, ms: float, ok: bool, what: str) -> None:
        with self.lock:
            self.timings[kind].append(ms)
            self.by_action.setdefault(action, []).append(ms)
            if not ok:
                self.errors[what] = self.errors.get(what, 0) + 1


def staff_loop(
    session: Session, *, plan: dict[str, Any], username: str, stop: float, rec: Recorder, think: float
) -> None:
    """Work the desk: lists, inquiry pages and draft saves, pausing ``think`` seconds on average between them."""
    rng = random.Random(username)
    base = f"/incidents/{DESK_CODE}/desk/"
    reply_url = f"{base}replies/{plan['drafts'][username]}/"
    _status, page = session.request("GET", reply_url)
    token = _token(page)
    lists = [
        base,
        *(f"{base}?page={n}" for n in (2, 5, 37, 120)),
        f"{base}?status=open",
        f"{base}?status=open&label=deletion",
        f"{base}?overdue=1",
        f"{base}?label=affected_check&page=3",
    ]
    n = 0
    if think > 0:  # start the sessions out of step, as people do
        time.sleep(rng.random() * think)
    while time.monotonic() < stop:
        if think > 0:
            time.sleep(min(rng.expovariate(1 / think), max(0.0, stop - time.monotonic())))
            if time.monotonic() >= stop:
                break
        roll = rng.random()
        t0 = time.perf_counter()
        try:
            if roll < 0.5:
                action, expected = "list", 200
                status, _ = session.request("GET", rng.choice(lists))
            elif roll < 0.85:
                action, expected = "inquiry", 200
                status, _ = session.request("GET", f"{base}{rng.choice(plan['inquiries'])}/")
            else:
                n += 1
                action, expected = "draft_save", 302
                body = f"お問い合わせありがとうございます。確認のうえご連絡します。({username} {n})"
                status, _ = session.request("POST", reply_url, {"csrfmiddlewaretoken": token, "body": body})
        except Exception as exc:  # a failed request is an error of the run, not of the tool
            rec.add("desk", "failed", (time.perf_counter() - t0) * 1000, False, f"desk:{type(exc).__name__}")
            continue
        rec.add("desk", action, (time.perf_counter() - t0) * 1000, status == expected, f"desk:{action}:{status}")


def public_loop(port: int, *, interval: float, stop: float, rec: Recorder, seed: int) -> None:
    """Visit the public page and post the self-check, alternately, one request every ``interval`` seconds."""
    rng = random.Random(seed)
    session = Session(port)
    check = f"/p/{PUBLIC_CODE}/check/"
    _status, page = session.request("GET", check)
    token = _token(page)
    due = time.monotonic() + rng.random() * interval
    n = 0
    while True:
        now = time.monotonic()
        if now >= stop:
            break
        if due > now:
            time.sleep(due - now)
        due += interval
        n += 1
        t0 = time.perf_counter()
        try:
            if n % 2:
                action, expected = "public_page", 200
                status, _ = session.request("GET", f"/p/{PUBLIC_CODE}/")
            else:
                action, expected = "selfcheck", 302
                form = {"csrfmiddlewaretoken": token, "email": f"m{rng.randrange(400):05d}@example.jp", "website": ""}
                status, _ = session.request("POST", check, form)
        except Exception as exc:
            rec.add("public", "failed", (time.perf_counter() - t0) * 1000, False, f"public:{type(exc).__name__}")
            continue
        rec.add("public", action, (time.perf_counter() - t0) * 1000, status == expected, f"public:{action}:{status}")


def figures(values: list[float]) -> dict[str, float | int]:
    return {
        "n": len(values),
        "p50_ms": desk_pages.pct(values, 0.50),
        "p95_ms": desk_pages.pct(values, 0.95),
        "p99_ms": desk_pages.pct(values, 0.99),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--staff", type=int, default=20, help="concurrent staff sessions")
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean pause between a session's requests in seconds (0: closed loop)"
    )
    parser.add_argument(
        "--public-clients",
        type=int,
        default=8,
        help="public visitors at once; 8 keep up the 40 req/s while the closed-loop desk slows every answer",
    )
    parser.add_argument("--public-rate", type=float, default=40.0, help="public requests per second, all clients")
    parser.add_argument("--people", type=int, default=90_000)
    parser.add_argument("--inquiries", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="gunicorn threads per worker; 1 (the default) runs sync workers, as make run and docs/operations.md do",
    )
    parser.add_argument("--var-dir", default="", help="keep keys and SQLite data here between runs")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-load-") as scratch:
        var_dir = args.var_dir or scratch
        Path(var_dir).mkdir(parents=True, exist_ok=True)
        env, plan = setup(var_dir, staff=args.staff, people=args.people, inquiries=args.inquiries)
        from django.conf import settings
        from django.db import connection

        vendor = connection.vendor
        env["BREACHDESK_MASTER_KEY"] = __import__("base64").b64encode(settings.BREACHDESK_MASTER_KEY).decode()
        env["SECRET_KEY"] = settings.SECRET_KEY
        connection.close()
        port = desk_pages.free_port()
        server = desk_pages.start_gunicorn(env=env, port=port, workers=args.workers, threads=args.threads)
        try:
            sessions = {f"load-staff-{n:02d}": login(port, f"load-staff-{n:02d}") for n in range(args.staff)}
            # Warm both worker processes (imports, ciphers, cached counts) before measuring.
            warm = next(iter(sessions.values()))
            for _ in range(args.workers * 3):
                warm.request("GET", f"/incidents/{DESK_CODE}/desk/")
                warm.request("GET", f"/p/{PUBLIC_CODE}/")
            rec = Recorder()
            load_before = [round(v, 2) for v in os.getloadavg()]
            stop = time.monotonic() + args.seconds
            threads = [
                threading.Thread(
                    target=staff_loop,
                    args=(s,),
                    kwargs={"plan": plan, "username": u, "stop": stop, "rec": rec, "think": args.think},
                )
                for u, s in sessions.items()
            ]
            interval = args.public_clients / args.public_rate if args.public_rate > 0 else 0
            threads += [
                threading.Thread(
                    target=public_loop, args=(port,), kwargs={"interval": interval, "stop": stop, "rec": rec, "seed": n}
                )
                for n in range(args.public_clients if args.public_rate > 0 else 0)
            ]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - started
            load_after = [round(v, 2) for v in os.getloadavg()]
        finally:
            desk_pages.stop_gunicorn(server)
        result = {
            "bench": "load_desk",
            "database": vendor,
            "server": f"gunicorn {args.workers} workers x {args.threads} threads",
            "staff_sessions": args.staff,
            "think_seconds": args.think,
            "public_load": f"{args.public_clients} clients, {args.public_rate:g} req/s",
            "seconds": round(wall, 1),
            "desk": {**figures(rec.timings["desk"]), "rps": round(len(rec.timings["desk"]) / wall, 1)},
            "public": {**figures(rec.timings["public"]), "rps": round(len(rec.timings["public"]) / wall, 1)},
            "by_action": {name: figures(values) for name, values in sorted(rec.by_action.items())},
            "errors": sum(rec.errors.values()),
            "error_kinds": rec.errors,
            "cpus": os.cpu_count(),
            "load_average_before": load_before,
            "load_average_after": load_after,
            "setup_seconds": plan["setup_seconds"],
            "built_now": plan["built_now"],
        }
        print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
