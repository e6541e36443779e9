"""The mis-send guard answered per batch: the same verdicts as message by message, with the registry asked once."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from breachdesk.outbound.guard import OutboundMessage, guard_lookups_prefetch, outbound_guard_check
from breachdesk.outbound.tests.test_guard import message, people  # noqa: F401 - the shared fixture
from breachdesk.testing.fixtures import World
from breachdesk.testing.queries import statement_shapes


def batch(world: World, people: dict[str, Any]) -> list[OutboundMessage]:  # noqa: F811
    taro = people["taro"].pk
    return [
        message(world, person_id=taro),
        message(world, to=["hanako@example.jp"], person_id=taro),
        message(world, body="hanako@example.jp さんにもお知らせします。", person_id=taro),
        message(world, body="連絡先 080-3333-4444", person_id=taro),
        message(world, body="詳しくは https://evil.example/ を", person_id=taro),
        message(world, body="カード 4111 1111 1111 1111", person_id=taro),
        message(world, to=["someone@else.example"]),
    ]


@pytest.mark.django_db
def test_a_prefetched_batch_gets_the_verdicts_of_lone_checks(
    world: World,
    people: dict[str, Any],  # noqa: F811
) -> None:
    messages = batch(world, people)
    alone = [outbound_guard_check(message=m).codes for m in messages]
    assert alone[0] == []
    assert {"guard.not_the_person", "guard.other_person_data", "guard.foreign_link"} <= {c for v in alone for c in v}
    lookups = guard_lookups_prefetch(messages=messages)
    with CaptureQueriesContext(connection) as queries:
        batched = [outbound_guard_check(message=m, lookups=lookups).codes for m in messages]
    assert statement_shapes(queries.captured_queries) == []  # the key cache may reload by the clock; nothing else
    assert batched == alone


@pytest.mark.django_db
def test_a_message_outside_the_prefetch_is_still_checked_against_the_registry(
    world: World,
    people: dict[str, Any],  # noqa: F811
) -> None:
    lookups = guard_lookups_prefetch(messages=[message(world, person_id=people["taro"].pk)])
    other = message(world, body="hanako@example.jp と 080-3333-4444", person_id=people["taro"].pk)
    assert outbound_guard_check(message=other, lookups=lookups).codes == outbound_guard_check(message=other).codes
    assert "guard.other_person_data" in outbound_guard_check(message=other, lookups=lookups).codes
