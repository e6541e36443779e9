"""Count requests in the database, so that every web process and worker shares the numbers: the rate limits.

Each count is one ``INSERT … ON CONFLICT … DO UPDATE … RETURNING`` statement (SQLite ≥ 3.35 and PostgreSQL), so two
processes never lose an increment and a request costs one round trip per counter. Keys are HMACs (``hashed_key``):
raw addresses and indexes are never stored. The public inquiry form and the self-check count here.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.db import connection

from breachdesk.core.models import RateCounter


def hashed_key(purpose: str, value: str | bytes) -> str:
    """Return an HMAC (keyed with SECRET_KEY) of ``value``: raw IP addresses and indexes are never stored."""
    raw = value if isinstance(value, bytes) else value.encode("utf-8")
    digest = hmac.new(settings.SECRET_KEY.encode("utf-8"), purpose.encode() + b"\x00" + raw, hashlib.sha256)
    return digest.hexdigest()[:48]


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


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
