"""The pack in force at aware_at decides, and a new pack never changes the verdict of an earlier incident."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from breachdesk.obligations.engine import evaluate, parse_facts
from breachdesk.obligations.errors import NoRulePack
from breachdesk.obligations.rules import PACKS
from breachdesk.obligations.rules.base import Facts, JPVerdict
from breachdesk.obligations.rules.jp_appi_2024 import JpAppi2024
from breachdesk.obligations.tests.helpers import facts
from breachdesk.obligations.vocabulary import CAUSES


class JpFuture(JpAppi2024):
    """Stand in for a later amendment (a 2026 easing of the notice duty is reported): no notice at all."""

    name = "jp_future"
    in_force = date(2026, 6, 1)

    def evaluate(self, facts: Facts) -> JPVerdict:
        return replace(super().evaluate(facts), notify_individuals=False)


WITH_FUTURE = {**PACKS, "JP": (*PACKS["JP"], JpFuture())}


@pytest.mark.parametrize(
    "aware_at", ["2022-06-01T10:00:00+09:00", "2024-03-31T10:00:00+09:00", "2026-03-02T10:00:00+09:00"]
)
@pytest.mark.parametrize("cause", CAUSES)
def test_adding_a_pack_does_not_change_the_verdict_of_an_earlier_incident(aware_at: str, cause: str) -> None:
    parsed = parse_facts(facts(aware_at=aware_at, cause=cause, items=["card_number", "name"], persons=1500))
    assert evaluate(parsed, packs=WITH_FUTURE).as_contract() == evaluate(parsed).as_contract()


def test_a_new_pack_applies_from_its_own_date() -> None:
    parsed = parse_facts(facts(aware_at="2026-06-01T00:00:00+09:00", persons=1500))
    result = evaluate(parsed, packs=WITH_FUTURE).as_contract()["JP"]
    assert result["rule_pack"] == "jp_future"
    assert result["notify_individuals"] is False


def test_each_pack_is_picked_by_the_date_it_came_into_force() -> None:
    assert evaluate(parse_facts(facts(aware_at="2022-04-01T00:00:00+09:00"))).packs == {
        "JP": "jp_appi_2022",
        "EU": "eu_gdpr",
    }
    assert evaluate(parse_facts(facts(aware_at="2024-04-01T00:00:00+09:00"))).packs["JP"] == "jp_appi_2024"


def test_an_incident_before_every_pack_is_refused() -> None:
    with pytest.raises(NoRulePack, match="No JP rule pack"):
        evaluate(parse_facts(facts(aware_at="2022-03-31T23:00:00+09:00", jurisdictions=["JP"])))
    with pytest.raises(NoRulePack, match="No EU rule pack"):
        evaluate(parse_facts(facts(aware_at="2018-05-24T12:00:00+02:00", jurisdictions=["EU"])))


def test_the_engine_knows_exactly_the_cause_keys_of_the_incident_model() -> None:
    from breachdesk.incidents.models import Cause

    assert set(CAUSES) == set(Cause.values)


def test_the_engine_knows_exactly_the_item_keys_of_the_registry() -> None:
    from breachdesk.obligations.vocabulary import ITEM_LABELS_JA
    from breachdesk.registry.items import ITEMS

    assert {k: v.label_ja for k, v in ITEMS.items()} == ITEM_LABELS_JA
