"""Say the person's own status once in a draft, whichever of the two fact labels the inquiry carries."""

from __future__ import annotations

import pytest

from breachdesk.inquiries.drafting import assemble, block_keys_for
from breachdesk.inquiries.intake.receive import Incoming, inquiry_receive
from breachdesk.inquiries.models import Channel, Inquiry
from breachdesk.testing.fixtures import World

pytestmark = pytest.mark.django_db


def _inquiry(world: World, text: str) -> Inquiry:
    received = inquiry_receive(
        incident=world.incident,
        incoming=Incoming(channel=Channel.EMAIL, subject="流出の件", text=text, sender_email=world.person.email),
        actor=world.responder,
    )
    assert received.inquiry is not None
    return received.inquiry


@pytest.mark.parametrize(
    "text",
    [
        "私の情報も対象でしょうか。クレジットカード番号は含まれていますか。",  # affected_check and leaked_items
        "クレジットカード番号は流出した項目に含まれていますか。",  # leaked_items alone
    ],
)
def test_the_status_sentence_appears_exactly_once(world: World, text: str) -> None:
    inquiry = _inquiry(world, text)
    assert "leaked_items" in inquiry.labels
    assert inquiry.identity_verified
    keys = block_keys_for(inquiry)
    assert keys.count("affected_check") == 1
    assert keys.index("affected_check") < keys.index("leaked_items")
    draft = assemble(inquiry).text
    assert draft.count("確認いたしましたところ") == 1, draft
    assert draft.count("含まれておりません") == 1, draft
    assert "今回の事案で外部に流出した可能性がある情報は" in draft
