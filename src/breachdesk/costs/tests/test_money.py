"""Check the yen arithmetic: rounding half up for quantities, tax rounded down per item."""

from __future__ import annotations

from decimal import Decimal

from breachdesk.costs.models import TaxTreatment
from breachdesk.costs.money import Amount, extended, split_tax


def test_unit_price_times_fractional_hours_rounds_half_up() -> None:
    assert extended(4_500, Decimal("86.5")) == 389_250
    assert extended(333, Decimal("0.5")) == 167  # 166.5 → 167


def test_tax_exclusive_adds_ten_percent_rounded_down() -> None:
    assert split_tax(12_345, treatment=TaxTreatment.EXCLUSIVE, rate_percent=Decimal(10)) == Amount(
        12_345, 1_234, 13_579
    )


def test_tax_inclusive_takes_the_tax_out_of_the_gross() -> None:
    assert split_tax(110, treatment=TaxTreatment.INCLUSIVE, rate_percent=Decimal(10)) == Amount(100, 10, 110)
    assert split_tax(1_000, treatment=TaxTreatment.INCLUSIVE, rate_percent=Decimal(10)) == Amount(910, 90, 1_000)


def test_exempt_items_carry_no_tax() -> None:
    assert split_tax(45_000_000, treatment=TaxTreatment.EXEMPT, rate_percent=Decimal(10)) == Amount(
        45_000_000, 0, 45_000_000
    )


def test_reduced_rate_is_applied_as_given() -> None:
    assert split_tax(1_000, treatment=TaxTreatment.EXCLUSIVE, rate_percent=Decimal(8)).gross == 1_080
