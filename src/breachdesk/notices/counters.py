"""Count in the database, so that every web process and worker shares the numbers: rate limits and daily counts.

Each count is one ``INSERT … ON CONFLICT … DO UPDATE … RETURNING`` statement (SQLite ≥ 3.35 and PostgreSQL), so two
processes never lose an increment and a request costs one round trip per counter.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from datetime import date

from django.conf import settings
from django.db import connection
from django.utils import timezone

from breachdesk.notices.models import DailyCount, RateCounter


def hashed_key(purpose: str, value: str | bytes) -> str:
    """Return an HMAC (keyed with SECRET_KEY) of ``value``: raw IP addresses and indexes are never stored."""
    raw = value if isinstance(value, bytes) else value.encode("utf-8")
    digest = hmac.new(settings.SECRET_KEY.encode("utf-8"), purpose.encode() + b"\x00" + raw, hashlib.sha256)
    return digest.hexdigest()[:48]


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def relax_durability() -> None:
    """Let this transaction commit without waiting for the WAL flush (PostgreSQL only).

    Used for self-check requests and counters: losing the last few milliseconds of them in a crash costs a person one
    more click, while waiting for every flush halves the throughput of the public form.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")


def rate_hit(*, key: str, window_seconds: int, now: float | None = None) -> int:
    """Add one to ``key``'s counter in the current window and return the new count."""
    window = int((now if now is not None else time.time()) // window_seconds)
    table = _q(RateCounter._meta.db_table)
    sql = (
        f"INSERT INTO {table} ({_q('key')}, {_q('window')}, {_q('count')}) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT ({_q('key')}, {_q('window')}) DO UPDATE SET {_q('count')} = {table}.{_q('count')} + 1 "
        f"RETURNING {_q('count')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, window])
        row = cursor.fetchone()
    return int(row[0])


def rate_hit_many(*, keys: list[str], window_seconds: int, now: float | None = None) -> dict[str, int]:
    """Add one to each key's counter in the current window, in one statement; return the new counts by key."""
    window = int((now if now is not None else time.time()) // window_seconds)
    table = _q(RateCounter._meta.db_table)
    values = ", ".join(["(%s, %s, 1)"] * len(keys))
    sql = (
        f"INSERT INTO {table} ({_q('key')}, {_q('window')}, {_q('count')}) VALUES {values} "  # noqa: S608
        f"ON CONFLICT ({_q('key')}, {_q('window')}) DO UPDATE SET {_q('count')} = {table}.{_q('count')} + 1 "
        f"RETURNING {_q('key')}, {_q('count')}"
    )
    params: list[object] = []
    for key in keys:
        params += [key, window]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)  # type: ignore[arg-type]
        return {key: int(count) for key, count in cursor.fetchall()}


def rate_prune(*, window_seconds: int, keep: int = 2) -> int:
    """Delete counters older than ``keep`` windows."""
    current = int(time.time() // window_seconds)
    deleted, _ = RateCounter.objects.filter(window__lt=current - keep).delete()
    return deleted


def daily_add(*, incident_id: int, kind: str, amount: int = 1, day: date | None = None) -> None:
    """Add ``amount`` to the incident's counter ``kind`` for ``day`` (today in the site's time zone)."""
    day = day or timezone.localdate()
    table = _q(DailyCount._meta.db_table)
    sql = (
        f"INSERT INTO {table} ({_q('incident_id')}, {_q('day')}, {_q('kind')}, {_q('count')}) "  # noqa: S608
        f"VALUES (%s, %s, %s, %s) ON CONFLICT ({_q('incident_id')}, {_q('day')}, {_q('kind')}) "
        f"DO UPDATE SET {_q('count')} = {table}.{_q('count')} + %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [incident_id, day, kind, amount, amount])
