"""The self-check reveals nothing: the same bytes for everyone, constant work, and the result only by email."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from breachdesk.core.models import TimelineEvent
from breachdesk.notices.models import DailyCount, SelfCheckRequest
from breachdesk.notices.selfcheck import selfcheck_process_batch
from breachdesk.registry import services as registry_services
from breachdesk.testing.fixtures import World
from breachdesk.testing.queries import statement_shapes

pytestmark = pytest.mark.django_db

AFFECTED = {"email": "hanako.mihon@example.jp"}  # the world's affected person: name and email leaked
UNKNOWN = {"email": "nobody.here@example.jp"}


@pytest.fixture
def not_affected(world: World) -> Any:
    return registry_services.person_create(
        incident=world.incident,
        actor=world.lead,
        member_id="W-0002",
        name="無事 太郎",
        email="taro.buji@example.jp",
        birth_date="1980-04-01",
        affected=False,
    )


@pytest.fixture
def card_member(world: World) -> Any:
    return registry_services.person_create(
        incident=world.incident,
        actor=world.lead,
        member_id="W-0003",
        name="会員 次郎",
        email="jiro.kaiin@example.jp",
        birth_date="1975-12-24",
        affected=True,
        items=["name", "card_number", "card_expiry"],
    )


def _post(world: World, data: dict[str, str], ip: str = "192.0.2.10") -> Any:
    client = Client(enforce_csrf_checks=True)
    form = client.get(f"/p/{world.incident.code}/check/")
    token = form.cookies["csrftoken"].value
    return client.post(
        f"/p/{world.incident.code}/check/",
        {"website": "", **data},
        HTTP_X_CSRFTOKEN=token,
        REMOTE_ADDR=ip,
    )


def _wire(response: Any) -> tuple[int, bytes, tuple[tuple[str, str], ...]]:
    headers = tuple(sorted((k, v) for k, v in response.items() if k.lower() != "date"))
    return response.status_code, response.content, headers


def test_affected_not_affected_and_unknown_inputs_get_byte_identical_answers(
    world: World, published: Any, not_affected: Any
) -> None:
    answers = [
        _post(world, AFFECTED, ip="192.0.2.1"),
        _post(world, {"email": not_affected.email}, ip="192.0.2.2"),
        _post(world, UNKNOWN, ip="192.0.2.3"),
        _post(world, {"member_id": "W-0002", "birth_date": "1980-04-01"}, ip="192.0.2.4"),
        _post(world, {"member_id": "W-0002", "birth_date": "1999-01-01"}, ip="192.0.2.5"),
    ]
    assert len({_wire(a) for a in answers}) == 1, "a difference would reveal the person"
    assert answers[0].status_code == 302
    location = answers[0]["Location"]
    pages = {Client().get(location).content for _ in range(3)}
    assert len(pages) == 1
    page = pages.pop().decode()
    assert "We have sent the result to your registered email address." in page or "ご登録のメールアドレス" in page
    assert "csrfmiddlewaretoken" not in page


def test_the_request_does_the_same_queries_whoever_asks(world: World, published: Any, not_affected: Any) -> None:
    Client().get(f"/p/{world.incident.code}/check/")  # warm the cipher cache
    counts = []
    for n, data in enumerate((AFFECTED, {"email": not_affected.email}, UNKNOWN)):
        client = Client()
        with CaptureQueriesContext(connection) as queries:
            client.post(f"/p/{world.incident.code}/check/", {**data, "website": ""}, REMOTE_ADDR=f"198.51.100.{n}")
        counts.append(statement_shapes(queries.captured_queries))
        assert not any("registry_person" in q["sql"] for q in queries.captured_queries)
    assert counts[0] == counts[1] == counts[2]


def test_the_worker_mails_the_leaked_items_to_the_registered_address_only(
    world: World, published: Any, not_affected: Any, card_member: Any, smtp_sink: Any
) -> None:
    _post(world, {"email": "HANAKO.MIHON@example.jp"}, ip="192.0.2.1")
    _post(world, {"email": not_affected.email}, ip="192.0.2.2")
    _post(world, UNKNOWN, ip="192.0.2.3")
    _post(world, {"member_id": "W-0003", "birth_date": "1975年12月24日"}, ip="192.0.2.4")
    _post(world, {"member_id": "W-0003", "birth_date": "1975-12-25"}, ip="192.0.2.5")  # wrong birth date
    assert SelfCheckRequest.objects.count() == 5
    totals = selfcheck_process_batch()
    assert totals == {"sent_affected": 2, "sent_not_affected": 1, "no_match": 2}
    assert SelfCheckRequest.objects.count() == 0
    by_rcpt = {
        envelope[1][0]: message for envelope, message in zip(smtp_sink.envelopes, smtp_sink.messages, strict=True)
    }
    assert set(by_rcpt) == {"hanako.mihon@example.jp", "taro.buji@example.jp", "jiro.kaiin@example.jp"}
    hanako = by_rcpt["hanako.mihon@example.jp"].get_content()
    assert "・氏名" in hanako
    assert "・メールアドレス" in hanako
    assert "クレジットカード番号" not in hanako
    jiro = by_rcpt["jiro.kaiin@example.jp"].get_content()
    assert "・クレジットカード番号" in jiro
    assert "・カード有効期限" in jiro
    taro = by_rcpt["taro.buji@example.jp"].get_content()
    assert "・" not in taro
    assert not TimelineEvent.objects.filter(incident=world.incident, kind__startswith="selfcheck").exists()
    counted = dict(DailyCount.objects.filter(incident=world.incident).values_list("kind", "count"))
    assert counted["selfcheck.requests"] == 5
    assert counted["selfcheck.sent_affected"] == 2


def test_the_limit_per_address_counts_mails_sent_and_never_refuses_a_request(
    world: World, published: Any, settings: Any, mailoutbox: Any
) -> None:
    settings.BREACHDESK_SELFCHECK_PER_ADDRESS_HOUR = 2
    known = [_post(world, AFFECTED, ip=f"203.0.113.{n}").status_code for n in range(3)]
    unknown = [_post(world, UNKNOWN, ip=f"203.0.113.{n + 10}").status_code for n in range(3)]
    assert known == unknown == [302, 302, 302]  # a stranger cannot block a person's own check
    assert _wire(_post(world, AFFECTED, ip="203.0.113.50")) == _wire(_post(world, UNKNOWN, ip="203.0.113.51"))
    totals = selfcheck_process_batch()
    assert len([m for m in mailoutbox if m.to == [AFFECTED["email"]]]) == 2
    assert totals["limited_mail"] == 2


def test_the_limit_per_ip_counts_every_address(world: World, published: Any, settings: Any) -> None:
    settings.BREACHDESK_SELFCHECK_PER_IP_HOUR = 2
    codes = [_post(world, {"email": f"p{n}@example.jp"}, ip="203.0.113.99").status_code for n in range(3)]
    assert codes == [302, 302, 429]
    assert _post(world, UNKNOWN, ip="203.0.113.100").status_code == 302


def test_the_honeypot_gets_the_same_answer_and_queues_nothing(world: World, published: Any) -> None:
    bot = _post(world, {**AFFECTED, "website": "http://spam.example"})
    human = _post(world, UNKNOWN, ip="192.0.2.77")
    assert _wire(bot) == _wire(human)
    assert SelfCheckRequest.objects.count() == 1
    assert DailyCount.objects.get(incident=world.incident, kind="selfcheck.honeypot").count == 1


def test_the_queue_holds_blind_indexes_only(world: World, published: Any) -> None:
    _post(world, AFFECTED)
    row = SelfCheckRequest.objects.get()
    stored = b"".join(
        bytes(getattr(row, f.attname) or b"") for f in row._meta.fields if f.get_internal_type() == "BinaryField"
    )
    assert b"hanako" not in stored.lower()
    assert len(bytes(row.bidx)) == 16


def test_a_self_check_waits_while_the_incidents_data_key_is_rotated(
    world: World, published: Any, smtp_sink: Any
) -> None:
    """Half-way through a rotation people carry indexes of either key: the request waits, then finds the person."""
    from breachdesk.core.rotation import _start, data_key_rotate

    _start(incident=world.incident)
    _post(world, {"email": "HANAKO.MIHON@example.jp"}, ip="192.0.2.1")
    assert selfcheck_process_batch() == {}
    assert SelfCheckRequest.objects.count() == 1
    data_key_rotate(incident=world.incident, actor="test", settle_seconds=0)
    assert selfcheck_process_batch() == {"sent_affected": 1}
