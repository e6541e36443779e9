"""A change in the registry re-evaluates the incident's obligations once it is committed."""

from __future__ import annotations

from typing import Any

import pytest

from breachdesk.obligations.models import Assessment
from breachdesk.registry import services as registry
from breachdesk.testing.fixtures import World


@pytest.mark.django_db
def test_a_leaked_card_number_added_to_the_registry_makes_the_leak_financial(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        registry.person_create(
            incident=world.incident,
            actor=world.lead,
            member_id="C-1",
            name="カード 太郎",
            email="card@example.jp",
            affected=True,
            items=["name", "card_number"],
        )
    assessment = Assessment.objects.get(incident=world.incident)
    assert "financial" in assessment.result["JP"]["categories"]
    assert "card_number" in assessment.facts["items"]
