"""Build facts for the rule tests in one line."""

from __future__ import annotations

from typing import Any

from breachdesk.obligations.engine import Evaluation, evaluate, parse_facts

AWARE = "2026-03-02T10:00:00+09:00"


def facts(**overrides: Any) -> dict[str, Any]:
    """Return contract input with quiet defaults: a controller, one person's name leaked by misconfiguration."""
    data: dict[str, Any] = {
        "aware_at": AWARE,
        "jurisdictions": ["JP", "EU"],
        "role": "controller",
        "event": "leak",
        "cause": "misconfiguration",
        "persons": 1,
        "items": ["name"],
        "encryption": "none",
    }
    data.update(overrides)
    return data


def run(**overrides: Any) -> dict[str, Any]:
    """Return the contract output for the facts."""
    return evaluate(parse_facts(facts(**overrides))).as_contract()


def evaluation(**overrides: Any) -> Evaluation:
    return evaluate(parse_facts(facts(**overrides)))
