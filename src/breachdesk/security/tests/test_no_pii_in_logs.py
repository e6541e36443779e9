"""No personal data in logs: a mail failure (a real SMTP server refusing the recipient) is logged without the address.

The SMTP error that ``smtplib`` raises names the refused recipient in its arguments and its text, so a log line with
the exception (``logger.exception``) would write a registered person's address to every log store.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from breachdesk.notices.selfcheck import selfcheck_process_batch
from breachdesk.notices.tests.test_selfcheck import _post
from breachdesk.testing.fixtures import World

pytestmark = pytest.mark.django_db

ADDRESS = "hanako.mihon@example.jp"  # the world's affected person


@pytest.mark.smtp
def test_a_refused_self_check_mail_is_logged_without_the_address(
    world: World, published: Any, smtp_sink: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    smtp_sink.refuse.add(ADDRESS)
    _post(world, {"email": ADDRESS}, ip="192.0.2.1")
    totals = selfcheck_process_batch()
    assert totals == {"failed": 1}
    assert smtp_sink.messages == []
    # The project's records (and Django's); the test SMTP server's own "mail.log" lies outside the project.
    ours = [r for r in caplog.records if not r.name.startswith("mail.")]
    failures = [r for r in ours if r.levelno >= logging.ERROR]
    assert failures, "the failure is logged"
    text = "\n".join(caplog.handler.format(r) for r in ours).lower()
    assert "smtprecipientsrefused" in text
    for form in (ADDRESS, "hanako", "mihon"):
        assert form not in text
