"""Check that an incident is ready for its first public notice, with checks that apps plug in.

A league held its announcement back a month until the facts were confirmed, the desk was ready and 180 card companies
had been briefed: announcing before the desk can answer only spreads confusion. Each check here is one item of that
list. Register one with ``register_check(key, label, fn)``; ``fn(incident)`` returns ``CheckResult(ok, detail)``.

A check that reads another app's models does so defensively: when that app (or its table) is missing it returns
``not_available()``, an open item, and never passes silently.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import DatabaseError, transaction
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from breachdesk.incidents.models import Incident


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    detail: Any = ""
    available: bool = True


@dataclass(frozen=True)
class ReadinessCheck:
    key: str
    label: Any
    fn: Callable[[Incident], CheckResult]
    order: int = 100


@dataclass(frozen=True)
class ReadinessItem:
    key: str
    label: Any
    ok: bool
    detail: Any
    available: bool


_checks: dict[str, ReadinessCheck] = {}


def register_check(key: str, label: Any, fn: Callable[[Incident], CheckResult], *, order: int = 100) -> None:
    """Add (or replace) the readiness check ``key``."""
    _checks[key] = ReadinessCheck(key=key, label=label, fn=fn, order=order)


def registered_checks() -> list[ReadinessCheck]:
    return sorted(_checks.values(), key=lambda c: (c.order, c.key))


def not_available(what: Any = "") -> CheckResult:
    """Return the open item of a check whose source app or table is missing."""
    return CheckResult(ok=False, detail=what or _("not available"), available=False)


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
