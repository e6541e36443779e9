"""Write a delivery's per-message transitions in plain SQL: the send loop's one commit per message.

The send loop commits once per message (the outcome of the message just handed over and the ``sending`` mark of the
next, ``worker.delivery_record_and_mark``), and that commit lies between two hand-overs: whatever it costs, every
message waits for it. Through the ORM it cost about 3.5 ms (mostly building the two UPDATEs and the INSERT), as long
as an SMTP hand-over; as plain statements it costs a fraction of that. The statements are the ORM's own, written out:
an UPDATE that changes the row only while ``worker`` holds it in the expected state, and one multi-row INSERT of the
events. Column and table names come from the models, values pass as parameters, and datetimes are adapted by the
database backend, so SQLite and PostgreSQL get what the ORM would have sent.
"""

# ruff: noqa: S608 - SQL text is built only from the models' table and column names; every value is a bound parameter.
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Field

from breachdesk.campaigns.models import Delivery, DeliveryEvent, DeliveryStatus

# 100 rows of 9 parameters stay under SQLite's oldest bound-parameter limit (999).
EVENTS_PER_STATEMENT = 100
EVENT_FIELDS = (
    "delivery",
    "at",
    "from_status",
    "to_status",
    "actor",
    "actor_label",
    "code",
    "reason",
    "message_id",
)


def _quote(name: str) -> str:
    return connection.ops.quote_name(name)


def _column(model: type[Delivery] | type[DeliveryEvent], name: str) -> str:
    field = model._meta.get_field(name)
    if not isinstance(field, Field) or not field.column:
        raise TypeError(f"{model.__name__}.{name} is not a concrete column")
    return _quote(field.column)


def _placeholders(vendor: str, sql: str) -> str:
    """Return ``sql`` with the vendor's placeholders: SQLite's driver takes ``?`` (see ``_execute``)."""
    return sql.replace("%s", "?") if vendor == "sqlite" else sql


@cache
def _delivery_column(name: str) -> str:
    return _column(Delivery, name)


class EventRow(NamedTuple):
    """One ``DeliveryEvent`` row to insert: the model's fields, without building a model instance per event."""

    delivery_id: int
    at: datetime
    from_status: str
    to_status: str
    actor_id: int | None
    actor_label: str
    code: str
    reason: str
    message_id: str


# The last datetime adapted, and its adapted value: one commit writes the same ``now`` up to four times. Read and
# replaced as one tuple, so a thread never pairs one datetime with another's value.
_last_adapted: tuple[Any, Any] = (None, None)


def _adapt(value: Any) -> Any:
    global _last_adapted
    if isinstance(value, datetime):
        last = _last_adapted
        if last[0] is value:
            return last[1]
        adapted = connection.ops.adapt_datetimefield_value(value)
        _last_adapted = (value, adapted)
        return adapted
    return value


def _fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Run one query (its text written for the vendor, as for ``_execute``) and return its rows."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.wrap_database_errors:
            return list(connection.connection.execute(sql, params).fetchall())
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def _execute(sql: str, params: Sequence[Any]) -> int:
    """Run one statement (its text from ``_update_sql`` or ``_events_sql``) and return its row count.

    On SQLite the statement, already written with ``?`` placeholders, goes straight to the driver (whose statement
    cache then reuses the compiled statement; Django's cursor wrapper would rewrite the text every time), with
    Django's error wrapping kept.
    """
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.wrap_database_errors:
            return int(connection.connection.execute(sql, params).rowcount)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


@cache
def _update_sql(vendor: str, names: tuple[str, ...], add_attempts: bool) -> str:
    sets = [f"{_delivery_column(name)} = %s" for name in names]
    if add_attempts:
        attempts = _delivery_column("attempts")
        sets.append(f"{attempts} = {attempts} + %s")
    sql = (
        f"UPDATE {_quote(Delivery._meta.db_table)} SET {', '.join(sets)} "
        f"WHERE {_delivery_column('id')} = %s AND {_delivery_column('status')} = %s "
        f"AND {_delivery_column('claimed_by')} = %s"
    )
    return _placeholders(vendor, sql)


def delivery_update_held(
    *, delivery_id: int, worker: str, status_from: str, values: dict[str, Any], attempts_delta: int = 0
) -> bool:
    """Set ``values`` on the delivery (and add ``attempts_delta`` to its attempts) only while ``worker`` holds it in
    ``status_from``; return whether the row changed."""
    params = [_adapt(value) for value in values.values()]
    if attempts_delta:
        params.append(attempts_delta)
    sql = _update_sql(connection.vendor, tuple(values), bool(attempts_delta))
    return _execute(sql, [*params, delivery_id, status_from, worker]) == 1


@cache
def _events_sql(vendor: str, rows: int) -> str:
    columns = ", ".join(_column(DeliveryEvent, name) for name in EVENT_FIELDS)
    row = "(" + ", ".join(["%s"] * len(EVENT_FIELDS)) + ")"
    sql = f"INSERT INTO {_quote(DeliveryEvent._meta.db_table)} ({columns}) VALUES {', '.join([row] * rows)}"
    return _placeholders(vendor, sql)


def delivery_events_insert(events: list[EventRow]) -> None:
    """Insert ``events``, one statement per ``EVENTS_PER_STATEMENT``."""
    for start in range(0, len(events), EVENTS_PER_STATEMENT):
        _events_insert(events[start : start + EVENTS_PER_STATEMENT])


def _events_insert(events: list[EventRow]) -> None:
    if not events:
        return
    params: list[Any] = []
    for event in events:
        params += (event.delivery_id, _adapt(event.at), *event[2:])
    _execute(_events_sql(connection.vendor, len(events)), params)


# ---------------------------------------------------------------------------------------------------------------------
# Claims
# ---------------------------------------------------------------------------------------------------------------------
@cache
def _claimable_sql(vendor: str, retries: bool) -> str:
    """Select claimable rows of one kind (due retries, or pending rows) in id order, from the queue index."""
    table, d = _quote(Delivery._meta.db_table), _delivery_column
    sql = (
        f"SELECT {d('id')}, {d('status')} FROM {table} "
        f"WHERE {d('campaign')} = %s AND {d('channel')} = %s AND {d('status')} = %s "
        + (f"AND {d('next_attempt_at')} <= %s " if retries else "")
        + f"ORDER BY {d('id')} LIMIT %s"
        + (" FOR UPDATE SKIP LOCKED" if vendor == "postgresql" else "")
    )
    return _placeholders(vendor, sql)


def _marks(count: int) -> str:
    return ", ".join(["%s"] * count)


def _claim_update_sql(vendor: str, rows: int) -> str:
    d = _delivery_column
    sql = (
        f"UPDATE {_quote(Delivery._meta.db_table)} SET {d('status')} = %s, {d('claimed_by')} = %s, "
        f"{d('claimed_at')} = %s, {d('updated_at')} = %s WHERE {d('id')} IN ({_marks(rows)}) "
        # Repeated in the UPDATE: only rows that are still claimable change hands.
        f"AND ({d('status')} = %s OR ({d('status')} = %s AND {d('next_attempt_at')} <= %s))"
    )
    return _placeholders(vendor, sql)


def _claim_held_sql(vendor: str, rows: int) -> str:
    d = _delivery_column
    sql = (
        f"SELECT {d('id')} FROM {_quote(Delivery._meta.db_table)} "
        f"WHERE {d('id')} IN ({_marks(rows)}) AND {d('status')} = %s AND {d('claimed_by')} = %s"
    )
    return _placeholders(vendor, sql)


def deliveries_claim_rows(
    *, campaign_id: int, channel: str, worker: str, limit: int, now: datetime
) -> list[tuple[int, str]]:
    """Claim up to ``limit`` deliveries for ``worker`` in the caller's transaction; return ``(id, old status)`` of the
    rows this worker now holds.

    Temporary failures whose backoff is over go first (they are late already), then pending rows, each in id order;
    two queries, each served by the queue index ``(campaign, status, channel)`` and stopped at ``limit`` (one query
    for "pending or due retry" walked past every row sent already, so its cost grew with the campaign's progress).
    PostgreSQL locks the rows it selects and skips rows another worker holds (``FOR UPDATE SKIP LOCKED``); SQLite
    serialises writers (``BEGIN IMMEDIATE``), and the UPDATE repeats the condition and the rows are read back.
    """
    vendor = connection.vendor
    at = _adapt(now)
    rows: list[tuple[int, str]] = [
        (int(pk), str(status))
        for pk, status in _fetch(
            _claimable_sql(vendor, True), [campaign_id, channel, DeliveryStatus.FAILED_TEMPORARY, at, limit]
        )
    ]
    if len(rows) < limit:
        rows += [
            (int(pk), str(status))
            for pk, status in _fetch(
                _claimable_sql(vendor, False), [campaign_id, channel, DeliveryStatus.PENDING, limit - len(rows)]
            )
        ]
    if not rows:
        return []
    ids = [pk for pk, _status in rows]
    _execute(
        _claim_update_sql(vendor, len(ids)),
        [DeliveryStatus.CLAIMED, worker, at, at, *ids, DeliveryStatus.PENDING, DeliveryStatus.FAILED_TEMPORARY, at],
    )
    if vendor == "postgresql":
        return rows  # locked since the SELECT: the UPDATE changed every one
    held = {int(row[0]) for row in _fetch(_claim_held_sql(vendor, len(ids)), [*ids, DeliveryStatus.CLAIMED, worker])}
    return [row for row in rows if row[0] in held]
