"""Check the incident estimate over the registry: SQL groups by item combination, totals equal their sum."""

from __future__ import annotations

from typing import Any

import pytest

from breachdesk.costs import services
from breachdesk.costs.selectors import incident_estimate, item_distribution
from breachdesk.costs.tests.helpers import add_people
from breachdesk.incidents.models import Incident
from breachdesk.testing.factories import UserFactory, incident_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def incident() -> Incident:
    return incident_create(lead=UserFactory(username="cost-lead"), code="cost-1")


def test_a_mixed_registry_totals_the_sum_of_its_groups(incident: Incident) -> None:
    add_people(
        incident,
        [
            (["card_number", "name", "address"], 3),
            (["card_number", "name"], 5),
            (["name", "email"], 7),
        ],
    )
    add_people(incident, [(["card_number", "name", "address"], 4)], affected=False)  # members, not affected
    estimate = incident_estimate(incident=incident)
    contract = estimate.as_contract()
    assert contract["persons"] == 15
    assert contract["total_yen"] == 3 * 78_000 + 5 * 39_000 + 7 * 3_000
    assert contract["total_yen"] == sum(g["persons"] * g["per_person_yen"] for g in contract["by_items"])
    assert contract["per_person_yen"] == {"min": 3_000, "median": 39_000, "max": 78_000}
    assert {tuple(g["items"]): g["persons"] for g in contract["by_items"]} == {
        ("name", "address", "card_number"): 3,
        ("name", "card_number"): 5,
        ("name", "email"): 7,
    }
    assert contract["factors"] == {"social_responsibility": 1, "response_evaluation": 1}


def test_the_factors_of_the_incident_double_every_group(incident: Incident) -> None:
    add_people(incident, [(["name", "email"], 2)])
    services.cost_settings_update(
        incident=incident,
        actor="cli",
        social_responsibility=2,
        social_responsibility_reason="A listed company.",
        response_evaluation=2,
        response_evaluation_reason="The announcement came a month late.",
    )
    contract = incident_estimate(incident=incident).as_contract()
    assert contract["by_items"] == [{"items": ["name", "email"], "persons": 2, "per_person_yen": 12_000}]
    assert contract["total_yen"] == 24_000


def test_people_without_recorded_items_are_counted_apart(incident: Incident) -> None:
    add_people(incident, [([], 4), (["name"], 1)])
    estimate = incident_estimate(incident=incident)
    assert (estimate.persons, estimate.without_items, estimate.total_yen) == (1, 4, 3_000)  # 500 × 2 × 3


def test_the_distribution_is_one_grouped_scan_then_served_from_the_registry_cache(
    incident: Incident, django_assert_max_num_queries: Any
) -> None:
    add_people(incident, [(["name"], 50), (["name", "address"], 20)])
    with django_assert_max_num_queries(3) as first:  # the registry stamp, then one GROUP BY over people
        distribution = item_distribution(incident=incident)
    assert sorted(distribution.values()) == [20, 50]
    assert sum("GROUP BY" in q["sql"] for q in first.captured_queries) == 1
    with django_assert_max_num_queries(2) as again:  # the stamp only: no scan of people
        assert item_distribution(incident=incident) == distribution
    assert not any("GROUP BY" in q["sql"] for q in again.captured_queries)


def test_an_empty_registry_estimates_zero(incident: Incident) -> None:
    contract = incident_estimate(incident=incident).as_contract()
    assert contract == {
        "persons": 0,
        "per_person_yen": {"min": 0, "median": 0, "max": 0},
        "total_yen": 0,
        "factors": {"social_responsibility": 1, "response_evaluation": 1},
        "by_items": [],
    }
