from __future__ import annotations

import pytest
from django.core.mail import EmailMessage, get_connection

from breachdesk.testing.smtp import SmtpSink


def test_mail_sent_through_django_arrives_in_the_sink(smtp_sink: SmtpSink) -> None:
    EmailMessage("件名", "本文です。", "desk@example.jp", ["taro@example.jp"]).send()
    assert smtp_sink.envelopes == [("desk@example.jp", ["taro@example.jp"])]
    assert smtp_sink.messages[0]["Subject"] == "件名"
    assert smtp_sink.messages[0].get_content().strip() == "本文です。"


def test_a_refused_recipient_raises_at_send_time(smtp_sink: SmtpSink) -> None:
    import smtplib

    smtp_sink.refuse.add("nobody@example.jp")
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        get_connection(fail_silently=False).send_messages(
            [EmailMessage("s", "b", "desk@example.jp", ["nobody@example.jp"])]
        )
