"""Turn facts into obligations: parse and check the facts, pick the pack in force, and return the verdicts.

Pure: no database. ``facts.py`` assembles ``Facts`` for a stored incident; ``breachdesk obligations`` parses a file.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from breachdesk.obligations.errors import InvalidFact, NoRulePack, UnknownFact
from breachdesk.obligations.rules import PACKS, NoPackInForce, RulePack, pack_for
from breachdesk.obligations.rules.base import EUVerdict, Facts, JPVerdict
from breachdesk.obligations.vocabulary import CAUSES, ENCRYPTION, EVENTS, ITEMS, JURISDICTIONS, ROLES

# Input keys of the CLI contract, with their defaults (``None``: required).
CONTRACT_KEYS: dict[str, Any] = {
    "aware_at": None,
    "jurisdictions": None,
    "role": "controller",
    "event": "leak",
    "suspected": False,
    "cause": "other",
    "persons": 0,
    "items": [],
    "encryption": "none",
    "recovered_unviewed": False,
    "backup_exists": True,
    "payment_capable_service": False,
}
CHOICES: dict[str, tuple[str, ...]] = {"role": ROLES, "event": EVENTS, "cause": CAUSES, "encryption": ENCRYPTION}
BOOLEANS = ("suspected", "recovered_unviewed", "backup_exists", "payment_capable_service")
# The last year whose deadlines (at most 60 days and some business days later) a ``date`` can still hold.
LAST_YEAR = 9998
SHOWN_CHARS = 80


def _shown(value: Any) -> str:
    """Return ``repr(value)`` cut to a readable length, for messages that quote bad input."""
    text = repr(value)
    return text if len(text) <= SHOWN_CHARS else f"{text[: SHOWN_CHARS - 1]}… ({len(text)} characters)"


def _listed(values: list[Any], most: int = 10) -> str:
    """Return the first ``most`` of ``values`` for a message, and how many more there are."""
    shown = ", ".join(map(_shown, values[:most]))
    return shown if len(values) <= most else f"{shown} and {len(values) - most} more"


def parse_aware_at(value: Any) -> datetime:
    """Return ``value`` (ISO 8601 with an offset) as an aware datetime."""
    if not isinstance(value, str):
        raise InvalidFact(f"aware_at must be an ISO 8601 string with an offset, not {_shown(value)}.")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidFact(f"aware_at is not ISO 8601: {_shown(value)}.") from None
    if parsed.tzinfo is None or parsed.utcoffset() is None:
        raise InvalidFact(f"aware_at needs an offset such as +09:00: {_shown(value)}.")
    return _in_range(parsed)


def _in_range(moment: datetime) -> datetime:
    if moment.year > LAST_YEAR:
        raise InvalidFact(f"aware_at must be before the year {LAST_YEAR + 1}, not {moment.isoformat()}.")
    return moment


def check_value(name: str, value: Any) -> Any:
    """Return ``value`` checked (and normalised) for the fact ``name``; raise ``InvalidFact`` naming it."""
    if name in BOOLEANS:
        if not isinstance(value, bool):
            raise InvalidFact(f"{name} must be true or false, not {_shown(value)}.")
        return value
    if name in CHOICES:
        if value not in CHOICES[name]:
            raise InvalidFact(f"Unknown {name} value {_shown(value)}; expected one of: {', '.join(CHOICES[name])}.")
        return value
    if name in ("persons", "without_contact"):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise InvalidFact(f"{name} must be a whole number of at least 0, not {_shown(value)}.")
        return value
    if name == "items":
        if not isinstance(value, list | tuple | set | frozenset) or not all(isinstance(v, str) for v in value):
            raise InvalidFact(f"items must be a list of item keys, not {_shown(value)}.")
        unknown = sorted(set(value) - ITEMS)
        if unknown:
            raise InvalidFact(f"Unknown items values: {_listed(unknown)}.")
        return frozenset(value)
    if name == "jurisdictions":
        if not isinstance(value, list | tuple) or not value or not all(isinstance(v, str) for v in value):
            raise InvalidFact(f'jurisdictions must be a non-empty list such as ["JP"], not {_shown(value)}.')
        unknown = sorted(set(value) - set(JURISDICTIONS))
        if unknown:
            raise InvalidFact(f"Unknown jurisdictions values: {_listed(unknown)}; use JP or EU.")
        return tuple(j for j in JURISDICTIONS if j in value)
    if name == "aware_at":
        return _in_range(value) if isinstance(value, datetime) else parse_aware_at(value)
    raise UnknownFact(f"Unknown fact: {name!r}.")


def parse_facts(data: Any, *, allowed: Iterable[str] = CONTRACT_KEYS) -> Facts:
    """Return ``Facts`` from a JSON object, rejecting unknown keys and values with a message naming them."""
    if not isinstance(data, Mapping):
        raise InvalidFact("The facts must be one JSON object.")
    allowed = set(allowed)
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise UnknownFact(
            f"Unknown keys: {_listed(unknown)}. Known keys: {', '.join(sorted(allowed))}.",
            extra={"unknown": unknown},
        )
    missing = sorted(k for k, default in CONTRACT_KEYS.items() if default is None and k not in data)
    if missing:
        raise InvalidFact(f"Missing keys: {', '.join(map(repr, missing))}.")
    values = {k: check_value(k, data.get(k, CONTRACT_KEYS.get(k))) for k in allowed if k in data or k in CONTRACT_KEYS}
    return Facts(**values)


@dataclass(frozen=True)
class Evaluation:
    """Hold the verdicts for the jurisdictions asked for."""

    facts: Facts
    jp: JPVerdict | None = None
    eu: EUVerdict | None = None
    packs: dict[str, str] = field(default_factory=dict)

    def as_contract(self) -> dict[str, Any]:
        """Return the one JSON object ``breachdesk obligations`` prints."""
        out: dict[str, Any] = {}
        if self.jp is not None:
            out["JP"] = self.jp.as_contract()
        if self.eu is not None:
            out["EU"] = self.eu.as_contract()
        return out


def evaluate(facts: Facts, *, packs: Mapping[str, Iterable[RulePack]] | None = None) -> Evaluation:
    """Return the obligations under each jurisdiction of ``facts``, from the pack in force at ``aware_at``."""
    verdicts: dict[str, Any] = {}
    names: dict[str, str] = {}
    for jurisdiction in facts.jurisdictions:
        try:
            pack = pack_for(jurisdiction, facts.aware_at, packs or PACKS)
        except NoPackInForce as exc:
            raise NoRulePack(str(exc)) from None
        verdicts[jurisdiction] = pack.evaluate(facts)
        names[jurisdiction] = pack.name
    return Evaluation(facts=facts, jp=verdicts.get("JP"), eu=verdicts.get("EU"), packs=names)
