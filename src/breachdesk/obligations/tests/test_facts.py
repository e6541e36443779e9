"""Facts come from the incident and the registry; a person can override each with a reason, and it is logged."""

from __future__ import annotations

from typing import Any

import pytest

from breachdesk.core.models import TimelineEvent
from breachdesk.obligations import services
from breachdesk.obligations.errors import InvalidFact, UnknownFact
from breachdesk.obligations.facts import incident_facts, registry_aggregate
from breachdesk.testing.fixtures import World

pytestmark = pytest.mark.django_db


def test_the_registry_gives_the_count_the_union_of_items_and_the_people_without_contact(
    world: World, add_person: Any
) -> None:
    # The world already holds one affected person with name and email.
    add_person(world.incident, world.lead, items=["name", "card_number"])
    add_person(world.incident, world.lead, items=["address"], contact=False)
    add_person(world.incident, world.lead, items=[], affected=False)  # a member who was not affected
    add_person(world.other_incident, world.outsider, items=["creed"])
    aggregate = registry_aggregate(incident=world.incident)
    assert aggregate.persons == 3
    assert aggregate.items == {"name", "email", "card_number", "address"}
    assert aggregate.without_contact == 1


def test_the_facts_name_where_each_value_comes_from(world: World) -> None:
    sheet = incident_facts(incident=world.incident)
    assert sheet.facts.cause == "unauthorized_access"
    assert sheet.facts.jurisdictions == ("JP",)
    assert sheet.facts.aware_at.utcoffset() is not None
    assert sheet.sources["cause"].source == "incident"
    assert sheet.sources["persons"].source == "registry"
    assert sheet.sources["encryption"].source == "default"


def test_an_override_replaces_a_fact_and_the_timeline_keeps_the_reason(world: World) -> None:
    services.fact_override_set(
        incident=world.incident, actor=world.lead, fact="persons", value=1500, reason="Forensics counted 1,500 rows."
    )
    sheet = incident_facts(incident=world.incident)
    assert sheet.facts.persons == 1500
    assert sheet.sources["persons"].source == "override"
    assert sheet.sources["persons"].assembled == 1
    event = TimelineEvent.objects.filter(incident=world.incident, kind="obligations.fact_overridden").get()
    assert event.data == {"fact": "persons", "from": 1, "to": 1500, "reason": "Forensics counted 1,500 rows."}
    assert event.actor_label == "lead"


def test_removing_an_override_restores_the_assembled_value_and_is_logged(world: World) -> None:
    services.fact_override_set(
        incident=world.incident, actor=world.lead, fact="encryption", value="advanced", reason="AES-256, key in HSM."
    )
    services.fact_override_clear(
        incident=world.incident, actor=world.lead, fact="encryption", reason="The key was on the same server."
    )
    assert incident_facts(incident=world.incident).facts.encryption == "none"
    cleared = TimelineEvent.objects.get(incident=world.incident, kind="obligations.fact_override_cleared")
    assert cleared.data["reason"] == "The key was on the same server."


def test_an_override_needs_a_reason(world: World) -> None:
    with pytest.raises(Exception, match="reason"):
        services.fact_override_set(incident=world.incident, actor=world.lead, fact="persons", value=5, reason=" ")


def test_an_override_of_an_unknown_fact_or_value_is_refused(world: World) -> None:
    with pytest.raises(UnknownFact) as caught:
        services.fact_override_set(incident=world.incident, actor=world.lead, fact="colour", value=1, reason="x")
    assert caught.value.code == "obligations.unknown_fact"
    with pytest.raises(InvalidFact, match="'shoe_size'"):
        services.fact_override_set(
            incident=world.incident, actor=world.lead, fact="items", value=["shoe_size"], reason="x"
        )


def test_an_items_override_holds_a_sorted_list(world: World) -> None:
    services.fact_override_set(
        incident=world.incident, actor=world.lead, fact="items", value=["phone", "card_number"], reason="Log review."
    )
    assert incident_facts(incident=world.incident).facts.items == {"phone", "card_number"}
    event = TimelineEvent.objects.get(incident=world.incident, kind="obligations.fact_overridden")
    assert event.data["from"] == ["email", "name"]
    assert event.data["to"] == ["card_number", "phone"]
