"""Run breachdesk as a small cluster on one PostgreSQL: N gunicorn processes and N ``db_worker`` processes.

``scale_out_run`` is shared by the scale-out test (``journey/tests/test_scale_out.py``, small) and
``bench/scale_out.py`` (large). It prepares an approved campaign in the database, starts the processes with the
same secrets, signs the lead in on the first web process, starts the campaign there, reads its progress from the
second web process, waits until the workers have delivered every message to an SMTP sink, and reports who sent what.
"""

from __future__ import annotations

import base64
import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

from breachdesk.testing.smtp import SmtpSink

PASSWORD = "scale-out-pass-1"  # noqa: S105 - a throwaway user of a throwaway database


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process on port {port} exited with {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {seconds} s")


class WebSession:
    """Keep one signed-in browser-like session (cookies and CSRF token) against one web process."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Host": "127.0.0.1", "Accept-Language": "en"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        text = response.read().decode("utf-8", "replace")
        conn.close()
        return response.status, response.getheader("Location") or "", text

    def csrf(self, path: str) -> str:
        _status, _location, page = self.request("GET", path)
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if found is None:
            raise RuntimeError(f"no CSRF token on {path}")
        return found.group(1)

    def login(self, username: str) -> None:
        token = self.csrf("/accounts/login/")
        status, location, _page = self.request(
            "POST", "/accounts/login/", {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD}
        )
        if status != 302 or "/accounts/login/" in location:
            raise RuntimeError(f"login as {username} failed on port {self.port} ({status})")


@dataclass
class Cluster:
    web_ports: list[int]
    processes: list[subprocess.Popen[bytes]]
    logs: list[Path]

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def _environment(smtp_port: int, var_dir: str) -> dict[str, str]:
    db = settings.DATABASES["default"]
    url = f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_ALLOW"))},
        "DATABASE_URL": url,
        "SECRET_KEY": settings.SECRET_KEY,
        "BREACHDESK_MASTER_KEY": base64.b64encode(settings.BREACHDESK_MASTER_KEY).decode(),
        "BREACHDESK_VAR_DIR": var_dir,
        "BREACHDESK_REQUIRE_2FA": "false",
        # Same password hashers as the process that created the users.
        "BREACHDESK_TESTING": "true" if settings.TESTING else "false",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
    }


def cluster_start(*, web: int, workers: int, smtp_port: int) -> Cluster:
    """Start ``web`` gunicorn processes (one worker each) and ``workers`` db_worker processes on this database."""
    bin_dir = Path(sys.executable).parent
    var_dir = tempfile.mkdtemp(prefix="breachdesk-cluster-")
    env = _environment(smtp_port, var_dir)
    processes: list[subprocess.Popen[bytes]] = []
    logs: list[Path] = []
    ports = [_free_port() for _ in range(web)]

    def spawn(name: str, command: list[str]) -> subprocess.Popen[bytes]:
        log = Path(var_dir) / f"{name}.log"
        logs.append(log)
        handle = log.open("wb")
        process = subprocess.Popen(command, env=env, stdout=handle, stderr=subprocess.STDOUT)  # noqa: S603
        processes.append(process)
        return process

    # A deployment step: production settings serve hashed static files from the manifest that collectstatic writes.
    subprocess.run(  # noqa: S603
        [str(bin_dir / "breachdesk"), "collectstatic", "--no-input", "-v0"], env=env, check=True, capture_output=True
    )
    for n, port in enumerate(ports):
        spawn(
            f"web{n}", [str(bin_dir / "gunicorn"), "breachdesk.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"]
        )
    for n in range(workers):
        spawn(
            f"worker{n}",
            [
                str(bin_dir / "breachdesk"),
                "db_worker",
                "--interval",
                "0.2",
                "--no-startup-delay",
                "--worker-id",
                f"w{n}",
            ],
        )
    cluster = Cluster(web_ports=ports, processes=processes, logs=logs)
    try:
        for port, process in zip(ports, processes, strict=False):
            _wait_for_port(port, process)
    except RuntimeError:
        cluster.stop()
        raise
    return cluster


def _prepare(*, people: int) -> dict[str, Any]:
    """Create the lead, the reviewer, an incident with ``people`` affected people and an approved campaign."""
    from django.contrib.auth.models import User

    from breachdesk.core.roles import Role
    from breachdesk.incidents import services as incidents
    from breachdesk.registry import services as registry
    from breachdesk.testing.factories import incident_create, notice_campaign_approved

    lead = User.objects.create_user("cluster-lead", password=PASSWORD, is_staff=True)
    legal = User.objects.create_user("cluster-legal", password=PASSWORD)
    incident = incident_create(lead=lead, code="cluster-1")
    incidents.membership_add(incident=incident, actor=lead, user=legal, role=Role.REVIEWER)
    for n in range(people):
        registry.person_create(
            incident=incident,
            actor=lead,
            member_id=f"C-{n:06d}",
            name=f"会員 {n}",
            email=f"member{n}@cluster.example",
            affected=True,
            items=["name", "email"],
        )
    campaign = notice_campaign_approved(incident=incident, lead=lead, legal=legal, throttle=1000)
    return {"incident": incident, "campaign": campaign}


def scale_out_run(*, people: int, web: int = 2, workers: int = 2, timeout: float = 600) -> dict[str, Any]:
    """Deliver one campaign of ``people`` messages with ``web`` web and ``workers`` worker processes; report it."""
    if connection.vendor != "postgresql":
        raise RuntimeError("the scale-out run needs PostgreSQL (DATABASE_URL=postgresql://…)")
    from breachdesk.campaigns.models import Delivery

    made = _prepare(people=people)
    code, campaign_id = made["incident"].code, made["campaign"].pk
    sink = SmtpSink(host="127.0.0.1", port=_free_port())
    controller = Controller(sink, hostname=sink.host, port=sink.port)
    controller.start()
    cluster = cluster_start(web=web, workers=workers, smtp_port=sink.port)
    try:
        first, second = WebSession(cluster.web_ports[0]), WebSession(cluster.web_ports[-1])
        first.login("cluster-lead")
        second.login("cluster-lead")
        detail = f"/incidents/{code}/campaigns/{campaign_id}/"
        token = first.csrf(detail)
        started = time.monotonic()
        status, _location, _page = first.request("POST", f"{detail}start/", {"csrfmiddlewaretoken": token})
        if status != 302:
            raise RuntimeError(f"starting the campaign answered {status}")
        deadline = started + timeout
        while len(sink.envelopes) < people and time.monotonic() < deadline:
            time.sleep(0.2)
        seconds = time.monotonic() - started
        time.sleep(1.0)  # anything sent twice would arrive now
        progress_status, _location, progress = second.request("GET", f"{detail}progress/")
        recipients = Counter(rcpt for _sender, rcpts in sink.envelopes for rcpt in rcpts)
        by_worker = Counter(
            claimed.rsplit(":", 1)[0]
            for claimed in Delivery.objects.filter(campaign_id=campaign_id, status="sent").values_list(
                "claimed_by", flat=True
            )
        )
        return {
            "people": people,
            "web_processes": web,
            "worker_processes": workers,
            "delivered": sum(recipients.values()),
            "distinct_recipients": len(recipients),
            "sent_twice": sum(1 for n in recipients.values() if n > 1),
            "seconds": round(seconds, 2),
            "messages_per_second": round(sum(recipients.values()) / seconds, 1) if seconds else 0.0,
            "sent_by_worker_process": dict(by_worker),
            "progress_from_second_web_status": progress_status,
            "progress_from_second_web_shows_total": str(people) in progress,
        }
    finally:
        cluster.stop()
        controller.stop()
