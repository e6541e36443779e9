"""The report's items 5–7 come from the desk, the campaigns and the notices once they have something to say."""

from __future__ import annotations

import pytest

from breachdesk.inquiries.labels import BITS
from breachdesk.inquiries.models import Inquiry
from breachdesk.obligations.providers import provided_text
from breachdesk.testing.fixtures import World


@pytest.mark.django_db
def test_secondary_harm_counts_the_inquiries_labelled_so(world: World) -> None:
    assert provided_text("secondary_harm", world.incident) is None
    Inquiry.objects.filter(incident=world.incident).update(label_bits=BITS["secondary_damage"] | BITS["complaint"])
    count = Inquiry.objects.filter(incident=world.incident).count()
    text = provided_text("secondary_harm", world.incident)
    assert text is not None
    assert f"{count:,}件" in text


@pytest.mark.django_db
def test_individual_response_reports_the_campaign_progress(world: World) -> None:
    text = provided_text("individual_response", world.incident)
    assert text is not None  # the world fixture holds one pending delivery
    assert "未送信1件" in text
