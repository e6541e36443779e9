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

from datetime import datetime
from functools import cache
from typing import Any

from django.db import connection
from django.db.models import Field

from breachdesk.campaigns.models import Delivery, DeliveryEvent

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


@cache
def _delivery_column(name: str) -> str:
    return _column(Delivery, name)


def _adapt(value: Any) -> Any:
    if isinstance(value, datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value


def delivery_update_held(
    *, delivery_id: int, worker: str, status_from: str, values: dict[str, Any], attempts_delta: int = 0
) -> bool:
    """Set ``values`` on the delivery (and add ``attempts_delta`` to its attempts) only while ``worker`` holds it in
    ``status_from``; return whether the row changed."""
    sets = [f"{_delivery_column(name)} = %s" for name in values]
    params = [_adapt(value) for value in values.values()]
    if attempts_delta:
        attempts = _delivery_column("attempts")
        sets.append(f"{attempts} = {attempts} + %s")
        params.append(attempts_delta)
    sql = (
        f"UPDATE {_quote(Delivery._meta.db_table)} SET {', '.join(sets)} "
        f"WHERE {_delivery_column('id')} = %s AND {_delivery_column('status')} = %s "
        f"AND {_delivery_column('claimed_by')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, delivery_id, status_from, worker])
        return cursor.rowcount == 1


@cache
def _events_columns() -> str:
    return ", ".join(_column(DeliveryEvent, name) for name in EVENT_FIELDS)


def delivery_events_insert(events: list[DeliveryEvent]) -> None:
    """Insert ``events`` (unsaved ``DeliveryEvent`` objects), one statement per ``EVENTS_PER_STATEMENT``."""
    for start in range(0, len(events), EVENTS_PER_STATEMENT):
        _events_insert(events[start : start + EVENTS_PER_STATEMENT])


def _events_insert(events: list[DeliveryEvent]) -> None:
    if not events:
        return
    row = "(" + ", ".join(["%s"] * len(EVENT_FIELDS)) + ")"
    params: list[Any] = []
    for event in events:
        params += [
            event.delivery_id,
            _adapt(event.at),
            event.from_status,
            event.to_status,
            event.actor_id,
            event.actor_label,
            event.code,
            event.reason,
            event.message_id,
        ]
    sql = (
        f"INSERT INTO {_quote(DeliveryEvent._meta.db_table)} ({_events_columns()}) "
        f"VALUES {', '.join([row] * len(events))}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
