"""Prove that a copy of the database holds no plaintext personal data: build the demo, read the raw bytes, grep.

The demo is built for real (``breachdesk demo``, with a smaller member master: 3,000 members, 2,000 affected) and
committed; then the raw database is read byte for byte: on SQLite a page-for-page copy of the database file (free
pages included, so deleted rows count too), on PostgreSQL the output of ``pg_dump``. Every member ID, name, email,
phone and address of the demo registry, every sender address of the demo desk and fragments of every inquiry body are
looked for, as UTF-8 and in JSON's ``\\uXXXX`` form: there must be none.
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from breachdesk.testing.fixtures import require_tool

# Transactional: the demo is committed so that pg_dump, another process, sees it; the database is flushed after.
pytestmark = pytest.mark.django_db(transaction=True)

MEMBERS = 3000
AFFECTED = 2000
ORGANISATION = "オールチケットオンライン"
# Identifiers the demo generates, by pattern (the desk's senders are drawn from the whole 140,000 range).
PATTERNS = {
    "member_id": re.compile(rb"OCO\d{7}"),
    "email": re.compile(rb"(?:member\d{7}|guest\d{4})@example\.(?:jp|com|net|org)"),
    # Not inside a UUID (a task id such as ``…c090-7319-4882-…`` holds the same shape about once in 60,000).
    "phone": re.compile(rb"(?<![0-9A-Fa-f])0[789]0-\d{4}-\d{4}(?![0-9]|-[0-9A-Fa-f])|\+81[789]0\d{8}"),
}


def _raw_sqlite() -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / "copy.sqlite3"
        import sqlite3

        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
        return target.read_bytes()


def _raw_postgresql() -> bytes:
    pg_dump = require_tool("pg_dump", "the PostgreSQL pass dumps the test database")
    conf = connection.settings_dict
    command = [pg_dump, "--no-owner", "--dbname", conf["NAME"]]
    if conf.get("HOST"):
        command += ["--host", str(conf["HOST"])]
    if conf.get("PORT"):
        command += ["--port", str(conf["PORT"])]
    if conf.get("USER"):
        command += ["--username", str(conf["USER"])]
    env = {"PGPASSWORD": str(conf.get("PASSWORD") or ""), "PATH": "/usr/bin:/bin"}
    return subprocess.run(command, check=True, capture_output=True, env=env, timeout=300).stdout


def raw_database() -> bytes:
    """Return the bytes a thief of the database (or of its backup) would hold."""
    return _raw_postgresql() if connection.vendor == "postgresql" else _raw_sqlite()


def _forms(text: str) -> list[bytes]:
    """Return ``text`` as UTF-8 and as it appears inside JSON written with ``ensure_ascii``."""
    escaped = json.dumps(text)[1:-1].encode()
    return list({text.encode(), escaped})


def _registry_needles() -> dict[str, set[str]]:
    from breachdesk.registry import demo

    needles: dict[str, set[str]] = {"name": set(), "name_kana": set(), "address": set(), "birth_date": set()}
    with tempfile.TemporaryDirectory() as tmp:
        master, _ = demo.write_files(Path(tmp), members=MEMBERS, affected=AFFECTED)
        with master.open(encoding="cp932", newline="") as handle:
            rows = list(csv.reader(handle))[1:]
    for row in rows:
        needles["name"].add(row[1])
        needles["name_kana"].add(row[2])
        needles["address"].add(row[6])
    return needles


def _inquiry_fragments() -> set[str]:
    """Return the first 12 characters of every line (of 12 or more) of the demo's inquiry bodies."""
    from breachdesk.inquiries.classify.evaluate import load

    fragments = set()
    for row in load():
        for line in row["body"].replace("\r", "").split("\n"):
            line = line.strip()
            if len(line) >= 12 and ORGANISATION not in line[:12]:
                fragments.add(line[:12])
    return fragments


def _hits(raw: bytes, needles: set[str]) -> list[str]:
    return sorted(n for n in needles if any(form in raw for form in _forms(n)))


@pytest.fixture(scope="module")
def demo_dumps(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, bytes]]:
    """Build the demo (committed) and read the raw database and the demo's access log."""
    from breachdesk.registry import demo

    saved = demo.MEMBERS, demo.AFFECTED
    demo.MEMBERS, demo.AFFECTED = MEMBERS, AFFECTED
    with django_db_blocker.unblock():
        try:
            call_command("demo", "--force", stdout=open("/dev/null", "w"), stderr=open("/dev/null", "w"))  # noqa: SIM115
            full = raw_database()
            from breachdesk.core import access_log
            from breachdesk.incidents.demo import DEMO_CODE
            from breachdesk.incidents.models import Incident

            demo_incident = Incident.objects.get(code=DEMO_CODE)
            walk = json.dumps([access_log.as_dict(e) for e in access_log.reads(incident=demo_incident)]).encode()

            yield {"full": full, "access_log": walk}
        finally:
            demo.MEMBERS, demo.AFFECTED = saved
            call_command("flush", interactive=False, verbosity=0)


@pytest.mark.parametrize("kind", sorted(PATTERNS))
def test_no_identifier_of_a_demo_person_is_readable_in_the_raw_database(
    demo_dumps: dict[str, bytes], kind: str
) -> None:
    found = sorted({m.decode() for m in PATTERNS[kind].findall(demo_dumps["full"])})
    assert found == [], f"{len(found)} plaintext {kind} values in the raw database, e.g. {found[:5]}"


@pytest.mark.parametrize("kind", ["name", "name_kana", "address"])
def test_no_name_or_address_of_a_demo_person_is_readable_in_the_raw_database(
    demo_dumps: dict[str, bytes], kind: str
) -> None:
    needles = _registry_needles()[kind]
    assert len(needles) > 100  # the check is about real values, not an empty list
    found = _hits(demo_dumps["full"], needles)
    assert found == [], f"{len(found)} plaintext {kind} values in the raw database, e.g. {found[:5]}"


def test_the_identifier_patterns_find_plaintext_when_it_is_there() -> None:
    """Guard the grep: the patterns and forms find what a leak would look like, in both encodings."""
    sample = json.dumps({"from": "member0001234@example.jp", "id": "OCO0001234", "tel": "090-1234-5678"}).encode()
    assert all(PATTERNS[kind].search(sample) for kind in PATTERNS)
    assert not PATTERNS["phone"].search(b'{"task": "5ad8c090-7319-4882-bc3e-638bc0e5b22a"}')
    assert PATTERNS["phone"].search("電話090-1234-5678まで".encode())
    assert _hits(json.dumps({"n": "山田 太郎"}).encode(), {"山田 太郎"}) == ["山田 太郎"]


def test_no_inquiry_fragment_is_readable_in_the_raw_database(demo_dumps: dict[str, bytes]) -> None:
    """Inquiry bodies are encrypted and the classifier's evidence holds rule ids and offsets, never text."""
    fragments = _inquiry_fragments()
    assert len(fragments) > 100
    found = _hits(demo_dumps["full"], fragments)
    assert found == [], f"{len(found)} inquiry fragments readable in the raw database: {found[:5]}"


def test_the_demo_access_log_shows_the_lead_walking_through_one_persons_record(demo_dumps: dict[str, bytes]) -> None:
    reads = json.loads(demo_dumps["access_log"])
    assert {r["actor"] for r in reads} == {"lead"}
    routes = [r["route"] for r in reads]
    assert routes[0] == "POST registry:person_list"
    assert "GET registry:person_detail" in routes
    detail = next(r for r in reads if r["route"] == "GET registry:person_detail")
    assert detail["object"].startswith("person:")
    assert {"member_id", "name", "email"} <= set(detail["fields"])
    assert any(r["object"].startswith("inquiry:") for r in reads)  # the person's inquiries are part of the walk
