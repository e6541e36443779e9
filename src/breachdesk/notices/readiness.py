"""Check that an incident is ready for its first public notice, with checks that apps plug in.

A league held its announcement back a month until the facts were confirmed, the desk was ready and 180 card companies
had been briefed: announcing before the desk can answer only spreads confusion. Each check here is one item of that
list. The app that owns an item's data registers its check from its ``contributions.py``
(``extensions.readiness_checks.register(ReadinessCheck(key, label, fn, order=...))``); ``fn(incident)`` returns
``CheckResult(ok, detail)``.

A check whose source is missing (a table, a page) returns ``not_available()``, an open item, and never passes
silently; a check that fails on the database counts as not available too.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import DatabaseError, transaction

from breachdesk.core import extensions
from breachdesk.core.extensions import CheckResult, ReadinessCheck, not_available

if TYPE_CHECKING:
    from breachdesk.incidents.models import Incident

__all__ = [
    "CheckResult",
    "ReadinessItem",
    "model_or_none",
    "not_available",
    "open_items",
    "readiness_evaluate",
    "registered_checks",
]


@dataclass(frozen=True)
class ReadinessItem:
    key: str
    label: Any
    ok: bool
    detail: Any
    available: bool


def registered_checks() -> list[ReadinessCheck]:
    return extensions.readiness_checks.all()


def readiness_evaluate(*, incident: Incident) -> list[ReadinessItem]:
    """Run every registered check; a check that crashes counts as open, with the reason, never as passed.

    Inside a transaction each check runs in a savepoint, so that a failed query does not poison the caller's
    transaction; outside one (a page in autocommit) a failed query harms nothing and the savepoints would only add
    two round trips per check.
    """
    items = []
    guard = transaction.atomic if transaction.get_connection().in_atomic_block else nullcontext
    for check in registered_checks():
        try:
            with guard():
                result = check.fn(incident)
        except DatabaseError:
            result = not_available()
        items.append(ReadinessItem(check.key, check.label, result.ok, result.detail, result.available))
    return items


def open_items(items: list[ReadinessItem]) -> list[ReadinessItem]:
    return [item for item in items if not item.ok]


def model_or_none(app_label: str, model_name: str) -> Any:
    """Return another app's model class, or ``None`` when the app or the model does not exist.

    Typed ``Any``: the fields read are the other app's, checked by the tests rather than by mypy.
    """
    if not apps.is_installed(f"breachdesk.{app_label}"):
        return None
    try:
        return apps.get_model(app_label, model_name)
    except LookupError:
        return None
