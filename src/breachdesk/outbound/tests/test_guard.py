"""The mis-send guard, with real registry people: every way a message could reach or expose the wrong person."""

from __future__ import annotations

from typing import Any

import pytest

from breachdesk.outbound.guard import (
    Attachment,
    MisSendBlocked,
    OutboundMessage,
    outbound_guard_check,
    outbound_guard_enforce,
)
from breachdesk.registry import services as registry
from breachdesk.testing.fixtures import World

DESK = "desk@oco.example.jp"


@pytest.fixture
def people(world: World) -> dict[str, Any]:
    def add(member: str, email: str, phone: str) -> Any:
        return registry.person_create(
            incident=world.incident,
            actor=world.lead,
            member_id=member,
            name="試験 太郎",
            email=email,
            phone=phone,
            affected=True,
            items=["name", "email"],
        )

    return {
        "taro": add("M-1", "taro@example.jp", "090-1111-2222"),
        "hanako": add("M-2", "hanako@example.jp", "080-3333-4444"),
    }


def message(world: World, **overrides: Any) -> OutboundMessage:
    fields: dict[str, Any] = {
        "incident": world.incident,
        "to": ["taro@example.jp"],
        "subject": "個人情報漏えいに関するお知らせ",
        "body": f"お問い合わせは {DESK} または 03-1234-5678 まで。",
        "allowed_addresses": frozenset({DESK}),
    }
    fields.update(overrides)
    return OutboundMessage(**fields)


@pytest.mark.django_db
def test_a_message_to_the_person_themself_passes(world: World, people: dict[str, Any]) -> None:
    verdict = outbound_guard_check(message=message(world, person_id=people["taro"].pk))
    assert verdict.ok, verdict.codes


@pytest.mark.django_db
def test_the_person_may_see_their_own_address_and_phone(world: World, people: dict[str, Any]) -> None:
    body = "ご登録のメールアドレス taro@example.jp、電話番号 090-1111-2222 が対象でした。"
    assert outbound_guard_check(message=message(world, body=body, person_id=people["taro"].pk)).ok


@pytest.mark.django_db
def test_another_persons_email_in_the_body_is_blocked(world: World, people: dict[str, Any]) -> None:
    body = "対象: taro@example.jp, hanako@example.jp"
    verdict = outbound_guard_check(message=message(world, body=body, person_id=people["taro"].pk))
    assert "guard.other_person_data" in verdict.codes
    assert "guard.foreign_email" in verdict.codes


@pytest.mark.django_db
def test_another_persons_phone_written_full_width_is_blocked(world: World, people: dict[str, Any]) -> None:
    body = "ご連絡先：０８０ー３３３３ー４４４４"
    verdict = outbound_guard_check(message=message(world, body=body, person_id=people["taro"].pk))
    assert verdict.codes == ["guard.other_person_data"]


@pytest.mark.django_db
def test_a_notice_addressed_to_someone_else_is_blocked(world: World, people: dict[str, Any]) -> None:
    verdict = outbound_guard_check(message=message(world, to=["hanako@example.jp"], person_id=people["taro"].pk))
    assert "guard.not_the_person" in verdict.codes


@pytest.mark.django_db
def test_a_reply_must_go_to_the_inquirys_sender(world: World, people: dict[str, Any]) -> None:
    verdict = outbound_guard_check(
        message=message(world, to=["someone@else.example"], expected_recipient="taro@example.jp")
    )
    assert "guard.recipient_mismatch" in verdict.codes
    assert outbound_guard_check(message=message(world, to=["TARO@example.jp"], expected_recipient="taro@example.jp")).ok


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [{"to": ["taro@example.jp", "hanako@example.jp"]}, {"cc": ["x@example.jp"]}, {"bcc": ["x@example.jp"]}, {"to": []}],
)
def test_there_is_exactly_one_recipient_and_no_copies(
    world: World, people: dict[str, Any], fields: dict[str, Any]
) -> None:
    assert "guard.recipients" in outbound_guard_check(message=message(world, **fields)).codes


@pytest.mark.django_db
def test_a_card_number_or_my_number_never_leaves(world: World, people: dict[str, Any]) -> None:
    body = "カード番号 4111 1111 1111 1111 / 個人番号 123456789018"
    verdict = outbound_guard_check(message=message(world, body=body, person_id=people["taro"].pk))
    assert verdict.codes.count("guard.sensitive_identifier") == 2


@pytest.mark.django_db
def test_a_spreadsheet_attachment_is_blocked_and_a_small_pdf_allowed(world: World, people: dict[str, Any]) -> None:
    xlsx = Attachment("customers.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", 20_000)
    pdf = Attachment("notice.pdf", "application/pdf", 40_000)
    assert outbound_guard_check(message=message(world, attachments=[xlsx])).codes == ["guard.attachment"]
    assert outbound_guard_check(message=message(world, attachments=[pdf], person_id=people["taro"].pk)).ok


@pytest.mark.django_db
def test_enforce_raises_with_every_violation_code(world: World, people: dict[str, Any]) -> None:
    with pytest.raises(MisSendBlocked) as blocked:
        outbound_guard_enforce(
            message=message(world, to=["hanako@example.jp"], cc=["x@example.jp"], person_id=people["taro"].pk)
        )
    assert blocked.value.extra["violations"] == ["guard.recipients", "guard.not_the_person"]
