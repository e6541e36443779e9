"""Kill ``breachdesk db_worker`` again and again during a campaign, restart it as a supervisor would, and account for
every message at an SMTP sink that runs in its own process.

``crash_run`` is shared by the crash test (``campaigns/tests/test_crash.py``, 2,000 people, 5 kills, SQLite and
PostgreSQL) and ``bench/campaign_crash.py`` (10,000 people, 20 kills). Nothing but ``db_worker`` touches the queue
between the start and the end: no ``campaigns recover``, no person. On the in-memory SQLite database of the test
suite the database is copied to a file for the workers and copied back for the checks.
"""

from __future__ import annotations

import base64
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from breachdesk.testing.scaleout import _free_port, _wait_for_port
from breachdesk.testing.sink_process import read_log

OPEN = ("pending", "claimed", "sending", "failed_temporary")


def people_insert(incident: Any, n: int, *, domain: str = "crash.example") -> None:
    """Insert ``n`` affected people with encrypted contact data and blind indexes through the raw driver."""
    from django.db import transaction
    from django.utils import timezone

    from breachdesk.campaigns.bulk import _insert, db_time
    from breachdesk.core.crypto import cipher_for, new_row_id
    from breachdesk.registry import items

    PERSON = "registry.person"
    cipher = cipher_for(incident.pk)
    stamp = db_time(timezone.now())
    mask = items.mask_of(["name", "email"])
    columns = (
        "incident_id",
        "aad_id",
        "member_id_enc",
        "bidx_member",
        "bidx_email",
        "name_enc",
        "email_enc",
        "affected",
        "items",
        "source",
        "created_at",
        "updated_at",
    )

    def rows() -> Any:
        for i in range(n):
            address = f"member{i}@{domain}"
            row = new_row_id()
            yield (
                incident.pk,
                row,
                cipher.encrypt("member_id", f"K{i:09d}", table=PERSON, row=row),
                cipher.blind_index("member_id", f"K{i:09d}"),
                cipher.blind_index("email", address),
                cipher.encrypt("name", f"会員 {i}", table=PERSON, row=row),
                cipher.encrypt("email", address, table=PERSON, row=row),
                True,
                mask,
                "master",
                stamp,
                stamp,
            )

    with transaction.atomic():
        _insert("registry_person", columns, rows())


def campaign_prepare(*, people: int, code: str = "crash-1", throttle: int = 100_000) -> dict[str, Any]:
    """Create a lead, a reviewer, an incident with ``people`` affected people and an approved campaign."""
    from django.contrib.auth.models import User

    from breachdesk.core.roles import Role
    from breachdesk.incidents import services as incidents
    from breachdesk.testing.factories import incident_create, notice_campaign_approved

    lead = User.objects.create_user(f"{code}-lead", is_staff=True)
    legal = User.objects.create_user(f"{code}-legal")
    incident = incident_create(lead=lead, code=code)
    incidents.membership_add(incident=incident, actor=lead, user=legal, role=Role.REVIEWER)
    people_insert(incident, people)
    campaign = notice_campaign_approved(incident=incident, lead=lead, legal=legal, throttle=throttle)
    return {"incident": incident, "campaign": campaign, "lead": lead}


@dataclass
class _Database:
    """Where the worker processes find the database, and how this process reads the queue while they run."""

    env: dict[str, str]
    sqlite_file: Path | None = None
    copied_from_memory: bool = False

    def open_counts(self, campaign_id: int) -> dict[str, int]:
        if self.sqlite_file is None or not self.copied_from_memory:
            from breachdesk.campaigns.models import Delivery

            rows = Delivery.objects.filter(campaign_id=campaign_id, status__in=OPEN).values_list("status")
            return dict(Counter(s for (s,) in rows))
        with sqlite3.connect(self.sqlite_file, timeout=30) as db:
            found = db.execute(
                "SELECT status, COUNT(*) FROM campaigns_delivery WHERE campaign_id = ? AND status IN (?, ?, ?, ?) "
                "GROUP BY status",
                (campaign_id, *OPEN),
            ).fetchall()
        return {status: n for status, n in found}

    def bring_back(self) -> None:
        """Copy the workers' file back into the test's in-memory database, for the checks through the ORM."""
        if self.copied_from_memory and self.sqlite_file is not None:
            connection.ensure_connection()
            with sqlite3.connect(self.sqlite_file) as source:
                source.backup(connection.connection)


def _database(var_dir: Path) -> _Database:
    base = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_ALLOW", "DATABASE_URL"))},
        "SECRET_KEY": settings.SECRET_KEY,
        "BREACHDESK_MASTER_KEY": base64.b64encode(settings.BREACHDESK_MASTER_KEY).decode(),
        "BREACHDESK_VAR_DIR": str(var_dir),
        "BREACHDESK_TESTING": "true" if settings.TESTING else "false",
        "LOG_LEVEL": "WARNING",
    }
    db = settings.DATABASES["default"]
    if connection.vendor == "postgresql":
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        url = f"postgresql://{db['USER']}@{host}/{connection.settings_dict['NAME']}"
        return _Database(env={**base, "DATABASE_URL": url})
    target = var_dir / "breachdesk.sqlite3"
    if connection.is_in_memory_db():  # type: ignore[attr-defined]
        connection.ensure_connection()
        with sqlite3.connect(target) as dest:
            connection.connection.backup(dest)
            dest.execute("PRAGMA journal_mode=WAL")
        return _Database(env=base, sqlite_file=target, copied_from_memory=True)
    source = Path(connection.settings_dict["NAME"])
    return _Database(env={**base, "BREACHDESK_VAR_DIR": str(source.parent)}, sqlite_file=source)


@dataclass
class _Processes:
    env: dict[str, str]
    var_dir: Path
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    started: int = 0

    def worker(self) -> subprocess.Popen[bytes]:
        self.started += 1
        log = (self.var_dir / f"worker{self.started}.log").open("wb")
        process = subprocess.Popen(  # noqa: S603
            [str(Path(sys.executable).parent / "breachdesk"), "db_worker", "--interval", "0.2", "--no-startup-delay"],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.workers.append(process)
        return process


def crash_run(
    *, campaign: Any, lead: Any, people: int, kills: int, seed: int = 16, timeout: float = 300
) -> dict[str, Any]:
    """Start ``campaign``, kill its only worker ``kills`` times at random moments, restart it each time, and report."""
    from breachdesk.campaigns import services

    rng = random.Random(seed)  # noqa: S311 - kill moments, not secrets
    var_dir = Path(tempfile.mkdtemp(prefix="breachdesk-crash-"))
    sink_log = var_dir / "sink.log"
    port = _free_port()
    services.campaign_start(campaign=campaign, actor=lead)
    database = _database(var_dir)
    env = {**database.env, "EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(port)}
    sink = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "breachdesk.testing.sink_process", "--port", str(port), "--out", str(sink_log)],
        env=env,
    )
    processes = _Processes(env=env, var_dir=var_dir)
    killed = 0
    started = time.monotonic()
    try:
        _wait_for_port(port, sink)
        # Kill when the sink has seen these many messages, plus a random fraction of a second: random moments of
        # the send, spread over the whole run (a kill before the first message would test nothing).
        thresholds = sorted(rng.randint(people // 20, people * 9 // 10) for _ in range(kills))
        current = processes.worker()
        deadline = started + timeout
        while time.monotonic() < deadline:
            received = sum(1 for _ in read_log(sink_log))
            if killed < kills and received >= thresholds[killed]:
                time.sleep(rng.random() * 0.5)
                current.send_signal(signal.SIGKILL)
                current.wait()
                killed += 1
                current = processes.worker()  # the supervisor restarts it
                continue
            if killed >= kills and not database.open_counts(campaign.pk):
                break
            time.sleep(0.05)
        seconds = time.monotonic() - started
        time.sleep(0.5)  # a message sent twice would arrive now
    finally:
        for process in processes.workers:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        sink.send_signal(signal.SIGTERM)
        sink.wait(timeout=10)
    database.bring_back()
    return _report(campaign=campaign, people=people, kills=killed, seconds=seconds, received=read_log(sink_log))


def _report(
    *, campaign: Any, people: int, kills: int, seconds: float, received: list[tuple[str, str]]
) -> dict[str, Any]:
    from breachdesk.campaigns.models import Campaign, Delivery

    by_recipient = Counter(rcpt for rcpt, _mid in received)
    by_message_id = Counter(mid for _rcpt, mid in received)
    rows = list(Delivery.objects.filter(campaign_id=campaign.pk).values_list("id", "status", "message_id"))
    statuses = Counter(status for _pk, status, _mid in rows)
    uncertain = [(pk, mid) for pk, status, mid in rows if status == "uncertain"]
    sent = [mid for _pk, status, mid in rows if status == "sent"]
    return {
        "people": people,
        "kills": kills,
        "seconds": round(seconds, 1),
        "messages_received": len(received),
        "distinct_recipients": len(by_recipient),
        "received_twice": sum(1 for n in by_recipient.values() if n > 1),
        "statuses": dict(statuses),
        "sent": statuses.get("sent", 0),
        "uncertain": len(uncertain),
        "uncertain_received": sum(1 for _pk, mid in uncertain if by_message_id[mid] == 1),
        "uncertain_not_received": sum(1 for _pk, mid in uncertain if by_message_id[mid] == 0),
        "uncertain_received_twice": sum(1 for _pk, mid in uncertain if by_message_id[mid] > 1),
        "sent_not_received_once": sum(1 for mid in sent if by_message_id[mid] != 1),
        "lost": people - statuses.get("sent", 0) - len(uncertain),
        "campaign_status": Campaign.objects.filter(pk=campaign.pk).values_list("status", flat=True).get(),
        "uncertain_ids": [(pk, mid) for pk, mid in uncertain],
    }
