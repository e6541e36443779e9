from __future__ import annotations

from typing import Any

import pytest

from breachdesk.inquiries import demo
from breachdesk.inquiries.models import AnswerBlock, DeletionRequest, Inquiry
from breachdesk.inquiries.selectors import unacknowledged_count

pytestmark = pytest.mark.django_db


def test_the_demo_fills_the_desk_with_answered_and_open_inquiries_and_mails_nobody(
    monkeypatch: Any, mailoutbox: Any
) -> None:
    from breachdesk.incidents import demo as incident_demo

    incident_demo.build(log=lambda _m: None)
    monkeypatch.setattr(demo, "COUNT", 40)
    demo.build(log=lambda _m: None)
    incident = incident_demo.Incident.objects.get(code=incident_demo.DEMO_CODE)
    assert Inquiry.objects.filter(incident=incident).count() == 41  # and the unverified deletion request
    assert Inquiry.objects.filter(incident=incident, status="answered").exists()
    labels = {
        label for row in Inquiry.objects.filter(incident=incident).values_list("labels", flat=True) for label in row
    }
    assert len(labels) >= 8
    assert AnswerBlock.objects.filter(incident=incident, status="approved").count() >= 16
    assert unacknowledged_count(incident=incident) == 0
    assert mailoutbox == []
    # The last request comes from a stranger naming a member ID: tied to nobody, waiting for confirmation.
    waiting = DeletionRequest.objects.filter(incident=incident).order_by("-id").first()
    assert waiting is not None
    assert waiting.person_id is None
    assert waiting.verified_at is None
    assert waiting.inquiry.sender_email == "unknown.sender@example.net"
    assert waiting.task is not None
    assert waiting.task.title.startswith("UNVERIFIED")
    demo.build(log=lambda _m: None)  # idempotent
    assert Inquiry.objects.filter(incident=incident).count() == 41
