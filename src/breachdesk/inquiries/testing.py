"""Create the desk's sample objects for the shared ``world`` fixture, and approved blocks for tests."""

from __future__ import annotations

from typing import Any

from breachdesk.incidents.models import Incident
from breachdesk.inquiries import blocks as block_services
from breachdesk.inquiries.defaults import BLOCKS
from breachdesk.inquiries.intake.mime import ParsedAttachment
from breachdesk.inquiries.intake.receive import Incoming, inquiry_receive
from breachdesk.inquiries.models import AnswerBlock, Channel, DeletionRequest


def approved_default_blocks(*, incident: Incident, author: Any, approver: Any) -> dict[str, AnswerBlock]:
    """Write the default blocks as ``author`` and approve them as ``approver``."""
    made = {}
    for key, title, body in BLOCKS:
        block = block_services.block_create(incident=incident, actor=author, key=key, title=title, body=body)
        made[key] = block_services.block_approve(block=block, actor=approver)
    return made


def sample_desk(*, incident: Incident, lead: Any, responder: Any) -> dict[str, Any]:
    """Return sample ids of ``incident``: an inquiry with an attachment, a reply, a block and a deletion request."""
    blocks = approved_default_blocks(incident=incident, author=responder, approver=lead)
    received = inquiry_receive(
        incident=incident,
        incoming=Incoming(
            channel=Channel.EMAIL,
            subject="退会と削除のお願い",
            text="私の個人情報を削除して退会させてください。",
            sender_email="hanako.mihon@example.jp",
            message_id="<sample-1@example.jp>",
            attachments=[ParsedAttachment("note.txt", "text/plain", 5, "0" * 64, b"hello")],
        ),
        actor=responder,
    )
    inquiry = received.inquiry
    assert inquiry is not None
    from breachdesk.inquiries.review import reply_draft

    reply = reply_draft(inquiry=inquiry, actor=responder)
    deletion = DeletionRequest.objects.filter(inquiry=inquiry).first()
    attachment = inquiry.messages.first().attachments.first()  # type: ignore[union-attr]
    return {
        "inquiry_id": inquiry.pk,
        "reply_id": reply.pk,
        "block_id": blocks["greeting"].pk,
        "deletion_id": deletion.pk if deletion else 0,
        "attachment_id": attachment.pk if attachment else 0,
    }
