"""Compute the yen amounts of cost items: integer yen, Decimal only for quantities and tax rates.

Rounding, stated once so every figure can be redone by hand:
- unit price × quantity (hours can be fractional) is rounded half up to whole yen;
- consumption tax is computed per item and rounded down (切り捨て), the common practice on Japanese invoices;
- an amount that includes tax is split as tax = ⌊gross × rate / (100 + rate)⌋ and net = gross − tax;
- an amount that excludes tax gets tax = ⌊net × rate / 100⌋ and gross = net + tax.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from breachdesk.costs.models import TaxTreatment


@dataclass(frozen=True)
class Amount:
    """Carry one amount split into net, tax and gross yen."""

    net: int
    tax: int
    gross: int

    def __add__(self, other: Amount) -> Amount:
        return Amount(self.net + other.net, self.tax + other.tax, self.gross + other.gross)


ZERO = Amount(0, 0, 0)


def extended(unit_price_yen: int, quantity: Decimal | int) -> int:
    """Return unit price × quantity in whole yen, rounded half up."""
    return int((Decimal(unit_price_yen) * Decimal(quantity)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def split_tax(amount_yen: int, *, treatment: str, rate_percent: Decimal) -> Amount:
    """Return ``amount_yen`` as net, tax and gross under ``treatment``; tax is rounded down to the yen."""
    rate = Decimal(rate_percent)
    if treatment == TaxTreatment.EXEMPT or rate == 0:
        return Amount(amount_yen, 0, amount_yen)
    if treatment == TaxTreatment.INCLUSIVE:
        tax = int((Decimal(amount_yen) * rate / (Decimal(100) + rate)).quantize(Decimal(1), rounding=ROUND_DOWN))
        return Amount(amount_yen - tax, tax, amount_yen)
    tax = int((Decimal(amount_yen) * rate / Decimal(100)).quantize(Decimal(1), rounding=ROUND_DOWN))
    return Amount(amount_yen, tax, amount_yen + tax)
