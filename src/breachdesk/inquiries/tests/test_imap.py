"""Take mail in from a real Dovecot over STARTTLS, delivered by SMTP into its Maildir, and answer it threaded."""

from __future__ import annotations

import smtplib
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from breachdesk.inquiries import services
from breachdesk.inquiries.ack import ack_process
from breachdesk.inquiries.intake.imap import mailbox_poll
from breachdesk.inquiries.mailer import desk_config
from breachdesk.inquiries.models import AckStatus, Inquiry
from breachdesk.inquiries.tests.helpers import mail
from breachdesk.testing.fixtures import World
from breachdesk.testing.imap import MaildirDelivery, free_port

pytestmark = [pytest.mark.imap, pytest.mark.smtp]


def test_mail_sent_by_smtp_is_taken_in_from_dovecot_acknowledged_classified_matched_and_answered(
    world: World, dovecot: dict[str, Any], smtp_sink: Any
) -> None:
    port = free_port()
    controller = Controller(
        MaildirDelivery(dovecot["maildir"], dovecot["uid"], dovecot["gid"]), hostname="127.0.0.1", port=port
    )
    controller.start()
    try:
        raw = mail(
            sender="hanako.mihon@example.jp",
            to="desk@oco.example",
            subject="流出の件",
            body="私の情報も対象でしょうか。クレジットカード番号は含まれていますか。",
            message_id="<imap-1@example.jp>",
            charset="iso-2022-jp",
        )
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.sendmail("hanako.mihon@example.jp", ["desk@oco.example"], raw)
    finally:
        controller.stop()
    services.desk_config_update(
        incident=world.incident,
        actor=world.lead,
        desk_address="desk@oco.example",
        imap_host="127.0.0.1",
        imap_port=dovecot["port"],
        imap_security="starttls",
        imap_username="desk",
        imap_password="desk-password",
        imap_ca_file=dovecot["ca"],
    )
    config = desk_config(world.incident)
    assert mailbox_poll(config=config) == {"fetched": 1, "created": 1, "dropped": 0}
    assert mailbox_poll(config=config)["fetched"] == 0  # the UID checkpoint holds
    inquiry = Inquiry.objects.filter(incident=world.incident, channel="email").latest("id")
    assert inquiry.labels == ["affected_check", "leaked_items"]
    assert inquiry.person == world.person
    assert inquiry.identity_verified
    ack_process()
    assert inquiry.acknowledgment.status == AckStatus.SENT
    ack = smtp_sink.messages[-1]
    assert ack["In-Reply-To"] == "<imap-1@example.jp>"
    assert ack["From"] == "desk@oco.example"

    from breachdesk.incidents.selectors import incident_access

    reply = services.reply_submit(
        reply=services.reply_draft(inquiry=inquiry, actor=world.responder), actor=world.responder
    )
    access = incident_access(user=world.reviewer_client, code=world.incident.code)
    services.reply_approve(reply=reply, actor=world.reviewer_client, access=access)
    services.reply_send(reply=reply, actor=world.responder)
    answer = smtp_sink.messages[-1]
    assert answer["To"] == "hanako.mihon@example.jp"
    assert answer["In-Reply-To"] == "<imap-1@example.jp>"
    assert "<imap-1@example.jp>" in answer["References"]
    assert "クレジットカード番号" in answer.get_content()  # "…は含まれておりません"
