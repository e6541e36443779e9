"""Hold the one four-eyes rule: nobody who wrote or edited a text may approve it.

Replies, answer blocks, notices, FAQ entries, notice templates, campaigns and regulator reports all ask this module,
so the rule cannot drift between apps. Each app may raise its own subclass of ``SecondPersonRequired`` (to keep its
error code), but the decision is made here.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from breachdesk.core.errors import PermissionDenied


class SecondPersonRequired(PermissionDenied):
    """Refuse an approval by someone who wrote or edited what is to be approved."""

    code = "four_eyes.second_person_required"


def _id(person: Any) -> int | None:
    if person is None or isinstance(person, str):
        return None
    if isinstance(person, int):
        return person
    return getattr(person, "pk", None)


def four_eyes_violated(*, approver: Any, writers: Iterable[Any]) -> bool:
    """Return whether ``approver`` (a user or user id) is among ``writers`` (users, ids or ``None``)."""
    approver_id = _id(approver)
    if approver_id is None:
        return False
    return approver_id in {_id(w) for w in writers}


def four_eyes_require(
    *, approver: Any, writers: Iterable[Any], what: str, error: type[SecondPersonRequired] = SecondPersonRequired
) -> None:
    """Raise ``error`` when ``approver`` wrote or edited ``what``; a second person must approve it."""
    if four_eyes_violated(approver=approver, writers=writers):
        raise error(f"A second person must approve this {what}: you wrote or edited it.")


__all__ = ["SecondPersonRequired", "four_eyes_require", "four_eyes_violated"]
