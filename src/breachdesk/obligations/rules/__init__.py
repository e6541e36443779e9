"""Select the rule pack in force when the organisation became aware of the breach.

Packs are plain modules, one per law version, each with the date it came into force (midnight in the law's own
time zone). Adding a pack only affects incidents whose ``aware_at`` is on or after its date.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, time
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from breachdesk.obligations.rules import eu_gdpr, jp_appi_2022, jp_appi_2024
from breachdesk.obligations.rules.base import Facts


class RulePack(Protocol):
    name: str
    jurisdiction: str
    in_force: Any  # date
    in_force_tz: str

    def evaluate(self, facts: Facts) -> Any: ...


PACKS: dict[str, tuple[RulePack, ...]] = {
    "JP": (jp_appi_2022.PACK, jp_appi_2024.PACK),
    "EU": (eu_gdpr.PACK,),
}


class NoPackInForce(LookupError):
    """Report an ``aware_at`` earlier than every pack of the jurisdiction."""


def in_force_at(pack: RulePack) -> datetime:
    """Return the first instant at which ``pack`` applies."""
    return datetime.combine(pack.in_force, time.min, tzinfo=ZoneInfo(pack.in_force_tz))


def pack_for(jurisdiction: str, aware_at: datetime, packs: Mapping[str, Iterable[RulePack]] | None = None) -> RulePack:
    """Return the latest pack of ``jurisdiction`` in force at ``aware_at``."""
    candidates = [p for p in (packs or PACKS)[jurisdiction] if in_force_at(p) <= aware_at]
    if not candidates:
        raise NoPackInForce(f"No {jurisdiction} rule pack was in force at {aware_at.isoformat()}.")
    return max(candidates, key=in_force_at)
