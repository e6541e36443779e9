"""Queue a self-check from the public page: the request side of ``selfcheck`` (the worker side lives there).

The handler does the same work for every input: a blind index, the per-IP and per-incident limits, and a queue row
that holds blind indexes only. The worker is woken after the row commits.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from breachdesk.core import ratelimit
from breachdesk.core.crypto import cipher_for
from breachdesk.core.models import RateCounter
from breachdesk.notices import counters
from breachdesk.notices.models import SelfCheckMethod, SelfCheckRequest, SelfCheckState
from breachdesk.notices.selfcheck import BIRTH_INDEX, WINDOW_SECONDS, incident_limit, limits
from breachdesk.notices.tasks import selfcheck_wake


@dataclass(frozen=True)
class SelfCheckInput:
    email: str = ""
    member_id: str = ""
    birth_date: date | None = None
    honeypot: bool = False


class Outcome:
    QUEUED = "queued"
    LIMITED = "limited"
    IGNORED = "ignored"


def selfcheck_submit(*, incident_id: int, data: SelfCheckInput, ip: str) -> str:
    """Queue one self-check and return ``queued``, ``limited`` or ``ignored`` (honeypot).

    The work does not depend on whether the person exists: no registry row is read here.
    """
    cipher = cipher_for(incident_id)
    if data.email:
        method, bidx = SelfCheckMethod.EMAIL, cipher.blind_index("email", data.email)
        birth = None
    else:
        method, bidx = SelfCheckMethod.MEMBER, cipher.blind_index("member_id", data.member_id)
        birth = cipher.index_normalized(BIRTH_INDEX, data.birth_date.isoformat()) if data.birth_date else None
    # A value that cannot be indexed still takes the same path, under a random index that matches nobody.
    bidx = bidx or secrets.token_bytes(16)
    per_ip, _per_address = limits()
    ip_key = ratelimit.hashed_key(f"selfcheck-ip:{incident_id}", ip or "-")
    incident_key = ratelimit.hashed_key("selfcheck-incident", str(incident_id))
    # Accepted requests are counted by the worker from the rows it processes.
    if connection.vendor == "postgresql":
        outcome = _submit_one_statement(
            incident_id=incident_id,
            limits=((ip_key, per_ip), (incident_key, incident_limit())),
            honeypot=data.honeypot,
            row=(method, bidx, birth),
        )
        if outcome == Outcome.LIMITED:
            counters.daily_add(incident_id=incident_id, kind="selfcheck.limited")
        elif outcome == Outcome.IGNORED:
            counters.daily_add(incident_id=incident_id, kind="selfcheck.honeypot")
        else:
            transaction.on_commit(lambda: selfcheck_wake(incident_id=incident_id))
        return outcome
    # Two statements on the usual path (the counters, then the queue row): writers serialise on SQLite, so every
    # statement saved here is throughput.
    with transaction.atomic():
        counters.relax_durability()
        hits = ratelimit.rate_hit_many(keys=[ip_key, incident_key], window_seconds=WINDOW_SECONDS)
        if hits[ip_key] > per_ip or hits[incident_key] > incident_limit():
            counters.daily_add(incident_id=incident_id, kind="selfcheck.limited")
            return Outcome.LIMITED
        if data.honeypot:
            counters.daily_add(incident_id=incident_id, kind="selfcheck.honeypot")
            return Outcome.IGNORED
        _queue_insert(incident_id=incident_id, method=method, bidx=bidx, birth=birth)
        transaction.on_commit(lambda: selfcheck_wake(incident_id=incident_id))
    return Outcome.QUEUED


def _queue_insert(*, incident_id: int, method: str, bidx: bytes, birth: bytes | None) -> None:
    """Insert one queue row with a written-out statement: on the hot path the ORM's save costs more than the write."""
    table = connection.ops.quote_name(SelfCheckRequest._meta.db_table)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (incident_id, method, bidx, birth_digest, state, claim_token, created_at) "  # noqa: S608
            "VALUES (%s, %s, %s, %s, %s, '', %s)",
            [incident_id, method, bidx, birth, SelfCheckState.PENDING, now],
        )


def _submit_one_statement(
    *, incident_id: int, limits: tuple[tuple[str, int], ...], honeypot: bool, row: tuple[str, bytes, bytes | None]
) -> str:
    """Count the request against both limits and queue it in one PostgreSQL statement (one round trip, its own
    transaction): the queue row is inserted only when no counter is over its limit and the honeypot is empty.

    Run on its own (autocommit, as in a request), the statement's transaction commits without waiting for the WAL
    flush (``set_config(..., is_local)``), like ``counters.relax_durability``: losing the last milliseconds of
    requests in a crash costs one more click. Inside a caller's transaction the durability is left alone.
    """
    method, bidx, birth = row
    window = int(time.time() // WINDOW_SECONDS)
    rate = connection.ops.quote_name(RateCounter._meta.db_table)
    queue = connection.ops.quote_name(SelfCheckRequest._meta.db_table)
    over = " OR ".join(["(hits.key = %s AND hits.count > %s)"] * len(limits))
    relax = "set_config('synchronous_commit', 'off', true)" if connection.get_autocommit() else "''"
    sql = (
        f"WITH relaxed AS (SELECT {relax} AS v), "  # noqa: S608 (quoted table names and placeholders only)
        f'hits AS (INSERT INTO {rate} (key, "window", count) VALUES {", ".join(["(%s, %s, 1)"] * len(limits))} '
        f'ON CONFLICT (key, "window") DO UPDATE SET count = {rate}.count + 1 RETURNING key, count), '
        f"verdict AS (SELECT COALESCE(bool_or({over}), false) AS limited FROM hits), "
        f"queued AS (INSERT INTO {queue} (incident_id, method, bidx, birth_digest, state, claim_token, created_at) "
        "SELECT %s, %s, %s, %s, %s, '', %s FROM verdict WHERE NOT verdict.limited AND NOT %s RETURNING 1) "
        "SELECT verdict.limited, (SELECT count(*) FROM queued), (SELECT v FROM relaxed) FROM verdict"
    )
    params: list[object] = []
    for key, _limit in limits:
        params += [key, window]
    for key, limit in limits:
        params += [key, limit]
    params += [incident_id, method, bidx, birth, SelfCheckState.PENDING, timezone.now(), honeypot]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)  # type: ignore[arg-type]
        limited, _queued, _relaxed = cursor.fetchone()
    if limited:
        return Outcome.LIMITED
    return Outcome.IGNORED if honeypot else Outcome.QUEUED
