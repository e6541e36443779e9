"""Compute the JNSA damages model (JO model) for one set of leaked items. Pure: no database, no settings.

Estimated compensation per person = 漏えい個人情報価値 × 社会的責任度 × 事後対応評価, where
漏えい個人情報価値 = 基礎情報価値 (500) × 機微情報度 × 本人特定容易度.

- 機微情報度 (sensitivity) = max over the leaked items of 10^(x−1) + 5^(y−1), with (x, y) from the EP map below (the
  JNSA (x, y) column of data-items.md).
- 本人特定容易度 (identifiability) = 6 with a name and an address, 3 with a name (or an address and a phone), else 1.
  A name in kana (``name_kana``) counts as a name: it identifies the person as well as the kanji form.
- 社会的責任度 (social responsibility) and 事後対応評価 (response evaluation) are 1 or 2, set per incident.

Everything is an integer, so the result is exact and a reader can check it by hand.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

BASE_VALUE_YEN = 500

# The EP map: item key → (x emotional distress, y economic loss). Keys are the data-item vocabulary (a contract).
EP_MAP: dict[str, tuple[int, int]] = {
    "name": (1, 1),
    "name_kana": (1, 1),
    "email": (1, 1),
    "phone": (1, 1),
    "address": (1, 1),
    "postal_code": (1, 1),
    "birth_date": (1, 1),
    "gender": (1, 1),
    "member_id": (1, 1),
    "login_id": (1, 2),
    "password": (1, 2),
    "card_number": (1, 3),
    "card_expiry": (1, 3),
    "card_security_code": (1, 3),
    "card_last4": (1, 1),
    "bank_account": (1, 3),
    "order_history": (1, 2),
    "health_checkup": (2, 1),
    "medical_history": (3, 1),
    "disability": (3, 1),
    "criminal_record": (3, 3),
    "crime_victim": (3, 1),
    "race": (2, 1),
    "creed": (3, 1),
    "social_status": (3, 1),
    "my_number": (1, 1),
    "passport_number": (1, 2),
    "drivers_license": (1, 1),
    "income": (2, 2),
    "inquiry_contents": (2, 1),
}
NAME_KEYS = frozenset({"name", "name_kana"})


class UnknownItemKey(ValueError):
    """Name an item key that is not in the vocabulary."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def item_sensitivity(key: str) -> int:
    """Return 10^(x−1) + 5^(y−1) for one item key."""
    if key not in EP_MAP:
        raise UnknownItemKey(key)
    x, y = EP_MAP[key]
    return 10 ** (x - 1) + 5 ** (y - 1)


def sensitivity(keys: Iterable[str]) -> int:
    """Return 機微情報度: the largest item sensitivity among ``keys`` (0 for no items)."""
    return max((item_sensitivity(k) for k in keys), default=0)


def identifiability(keys: Iterable[str]) -> int:
    """Return 本人特定容易度: 6 (name and address), 3 (name, or address and phone) or 1."""
    present = set(keys)
    has_name = bool(present & NAME_KEYS)
    if has_name and "address" in present:
        return 6
    if has_name or {"address", "phone"} <= present:
        return 3
    return 1


def check_factor(value: int, name: str) -> int:
    if value not in (1, 2):
        raise ValueError(f"{name} must be 1 or 2, not {value!r}")
    return value


@dataclass(frozen=True)
class Estimate:
    """Carry every factor of one per-person estimate, so it can be shown and checked."""

    items: tuple[str, ...]
    sensitivity: int
    identifiability: int
    social_responsibility: int
    response_evaluation: int
    driving_item: str | None  # the item that gives the sensitivity (the first such in vocabulary order)

    @property
    def base_yen(self) -> int:
        return BASE_VALUE_YEN

    @property
    def information_value_yen(self) -> int:
        """Return 漏えい個人情報価値 = 500 × sensitivity × identifiability."""
        return BASE_VALUE_YEN * self.sensitivity * self.identifiability

    @property
    def per_person_yen(self) -> int:
        return self.information_value_yen * self.social_responsibility * self.response_evaluation

    @property
    def driving_xy(self) -> tuple[int, int] | None:
        return EP_MAP[self.driving_item] if self.driving_item else None

    @property
    def formula(self) -> str:
        """Return the computation as one line a reader can redo by hand."""
        return (
            f"{BASE_VALUE_YEN} × {self.sensitivity} × {self.identifiability} × {self.social_responsibility}"
            f" × {self.response_evaluation} = {self.per_person_yen:,}"
        )


def estimate(keys: Iterable[str], *, social_responsibility: int = 1, response_evaluation: int = 1) -> Estimate:
    """Return the per-person estimate for the leaked item ``keys``; raise ``UnknownItemKey`` on an unknown key."""
    ordered: list[str] = []
    for key in keys:
        if key not in EP_MAP:
            raise UnknownItemKey(key)
        if key not in ordered:
            ordered.append(key)
    vocabulary_order = [k for k in EP_MAP if k in ordered]
    value = sensitivity(vocabulary_order)
    driver = next((k for k in vocabulary_order if item_sensitivity(k) == value), None)
    return Estimate(
        items=tuple(vocabulary_order),
        sensitivity=value,
        identifiability=identifiability(vocabulary_order),
        social_responsibility=check_factor(social_responsibility, "social_responsibility"),
        response_evaluation=check_factor(response_evaluation, "response_evaluation"),
        driving_item=driver,
    )


def weighted_median(values: list[tuple[int, int]]) -> int:
    """Return the lower median of (value, count) pairs: the value of person number ⌈N/2⌉ in ascending order."""
    total = sum(count for _value, count in values)
    if total == 0:
        return 0
    target = (total + 1) // 2
    seen = 0
    for value, count in sorted(values):
        seen += count
        if seen >= target:
            return value
    raise AssertionError("unreachable")
