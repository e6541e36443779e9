"""Count in the database, so that every web process and worker shares the numbers: the public pages' daily counts.

The rate limits count in ``core.ratelimit``.

Each count is one ``INSERT … ON CONFLICT … DO UPDATE … RETURNING`` statement (SQLite ≥ 3.35 and PostgreSQL), so two
processes never lose an increment and a request costs one round trip per counter.
"""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.utils import timezone

from breachdesk.notices.models import DailyCount


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
