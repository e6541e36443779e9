"""Property tests: more items or more people never remove an obligation; advanced encryption never adds one."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from breachdesk.obligations.engine import Evaluation, evaluate
from breachdesk.obligations.rules.base import Facts
from breachdesk.obligations.vocabulary import CAUSES, EVENTS, ITEMS, ROLES

ITEM_LIST = sorted(ITEMS)


@st.composite
def facts(draw: st.DrawFn) -> Facts:
    # Hypothesis takes naive bounds and attaches the zone itself.
    low, high = datetime(2022, 4, 2), datetime(2030, 12, 31)  # noqa: DTZ001
    moment = draw(st.datetimes(min_value=low, max_value=high, timezones=st.just(UTC)))
    return Facts(
        aware_at=moment,
        jurisdictions=("JP", "EU"),
        role=draw(st.sampled_from(ROLES)),
        event=draw(st.sampled_from(EVENTS)),
        suspected=draw(st.booleans()),
        cause=draw(st.sampled_from(CAUSES)),
        persons=draw(st.integers(min_value=0, max_value=5000)),
        items=frozenset(draw(st.lists(st.sampled_from(ITEM_LIST), max_size=6))),
        encryption=draw(st.sampled_from(["none", "advanced_key_compromised"])),
        recovered_unviewed=draw(st.booleans()),
        backup_exists=draw(st.booleans()),
        payment_capable_service=draw(st.booleans()),
        without_contact=draw(st.integers(min_value=0, max_value=10)),
    )


def obligations(result: Evaluation) -> set[str]:
    """Return the obligations of a result as a set, so that "never removes" is a subset check."""
    found: set[str] = set()
    if result.jp is not None and result.jp.reportable:
        found |= {"jp.report", f"jp.to.{result.jp.report_to}"} | {f"jp.{c}" for c in result.jp.categories}
        if result.jp.notify_individuals:
            found.add("jp.notify")
    if result.eu is not None:
        if result.eu.notify_authority:
            found.add("eu.authority")
        if result.eu.notify_subjects:
            found.add("eu.subjects")
        if result.eu.report_to:
            found.add(f"eu.to.{result.eu.report_to}")
    return found


@settings(max_examples=300, deadline=None)
@given(facts(), st.sampled_from(ITEM_LIST))
def test_adding_an_item_never_removes_an_obligation(base: Facts, item: str) -> None:
    more = replace(base, items=base.items | {item})
    assert obligations(evaluate(base)) <= obligations(evaluate(more))


@settings(max_examples=300, deadline=None)
@given(facts(), st.integers(min_value=1, max_value=2000))
def test_adding_people_never_removes_an_obligation(base: Facts, extra: int) -> None:
    more = replace(base, persons=base.persons + extra)
    assert obligations(evaluate(base)) <= obligations(evaluate(more))


@settings(max_examples=300, deadline=None)
@given(facts())
def test_advanced_encryption_never_adds_an_obligation(base: Facts) -> None:
    plain = replace(base, encryption="none")
    encrypted = replace(base, encryption="advanced")
    assert obligations(evaluate(encrypted)) <= obligations(evaluate(plain))
    assert evaluate(encrypted).eu.severity.score <= evaluate(plain).eu.severity.score  # type: ignore[union-attr]


@settings(max_examples=200, deadline=None)
@given(facts())
def test_a_reportable_verdict_always_has_its_deadlines_and_a_quiet_one_has_none(base: Facts) -> None:
    jp = evaluate(base).jp
    assert jp is not None
    if not jp.reportable:
        assert (jp.preliminary_due, jp.final_due) == (None, None)
    else:
        assert jp.preliminary_due is not None
        assert (jp.final_due is None) == (base.role != "controller")
