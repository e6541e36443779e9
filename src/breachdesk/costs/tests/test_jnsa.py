"""Check the JNSA model against the worked examples of rules-and-figures.md, by hand-checkable integers."""

from __future__ import annotations

import pytest

from breachdesk.costs import jnsa
from breachdesk.registry.items import ITEM_KEYS


def test_card_number_with_name_and_address_is_78000_yen() -> None:
    result = jnsa.estimate(["card_number", "name", "address"])
    assert (result.sensitivity, result.identifiability) == (26, 6)
    assert result.per_person_yen == 78_000
    assert result.formula == "500 × 26 × 6 × 1 × 1 = 78,000"


def test_card_number_with_name_is_39000_yen() -> None:
    result = jnsa.estimate(["card_number", "name"])
    assert (result.sensitivity, result.identifiability, result.per_person_yen) == (26, 3, 39_000)
    assert result.driving_item == "card_number"
    assert result.driving_xy == (1, 3)


def test_name_and_email_only_is_500_times_2_times_3() -> None:
    result = jnsa.estimate(["name", "email"])
    assert (result.sensitivity, result.identifiability, result.per_person_yen) == (2, 3, 3_000)


def test_each_factor_doubles_the_estimate_and_both_quadruple_it() -> None:
    items = ["card_number", "name"]
    assert jnsa.estimate(items, social_responsibility=2).per_person_yen == 78_000
    assert jnsa.estimate(items, response_evaluation=2).per_person_yen == 78_000
    assert jnsa.estimate(items, social_responsibility=2, response_evaluation=2).per_person_yen == 156_000


def test_a_factor_other_than_1_or_2_is_refused() -> None:
    with pytest.raises(ValueError, match="social_responsibility"):
        jnsa.estimate(["name"], social_responsibility=3)


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        (["name", "address"], 6),
        (["name_kana", "address"], 6),
        (["name"], 3),
        (["address", "phone"], 3),
        (["address"], 1),
        (["email", "phone"], 1),
    ],
)
def test_identifiability_follows_name_address_and_phone(items: list[str], expected: int) -> None:
    assert jnsa.identifiability(items) == expected


def test_sensitivity_is_the_largest_item_value_not_the_sum() -> None:
    assert jnsa.sensitivity(["name", "order_history", "medical_history"]) == 101  # 10^2 + 5^0
    assert jnsa.sensitivity(["criminal_record"]) == 125  # 10^2 + 5^2
    assert jnsa.sensitivity(["income"]) == 15  # 10 + 5


def test_the_ep_map_covers_exactly_the_data_item_vocabulary() -> None:
    assert tuple(jnsa.EP_MAP) == ITEM_KEYS


def test_an_unknown_key_is_named() -> None:
    with pytest.raises(jnsa.UnknownItemKey) as caught:
        jnsa.estimate(["name", "shoe_size"])
    assert caught.value.key == "shoe_size"


def test_the_median_is_the_value_of_the_middle_person() -> None:
    assert jnsa.weighted_median([(3_000, 30), (78_000, 10)]) == 3_000
    assert jnsa.weighted_median([(3_000, 10), (78_000, 30)]) == 78_000
    assert jnsa.weighted_median([(3_000, 1), (78_000, 1)]) == 3_000  # the lower median of an even count
    assert jnsa.weighted_median([]) == 0
