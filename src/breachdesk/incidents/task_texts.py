"""Name the tasks the system writes by itself, so their titles are made in the reader's language.

A generated task stores a key (``Task.title_key``) and its parameters (``Task.title_params``); the title and the
description shown are made from them at display time. ``title`` and ``description`` keep the English text for the
API, exports and search.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from breachdesk.incidents.playbook import load_playbook


@dataclass(frozen=True)
class TaskText:
    title: Any
    description: Any


GENERATED: dict[str, TaskText] = {
    "inquiries.deletion": TaskText(
        title=_("Delete the data of the person behind inquiry %(token)s"),
        description=_(
            "Deletion request #%(deletion)s (inquiry %(token)s, registry person #%(person)s). Delete the member's "
            "data in the production systems, then mark this task done: the desk drafts the confirmation."
        ),
    ),
    "inquiries.deletion_unverified": TaskText(
        title=_("UNVERIFIED: deletion request of inquiry %(token)s (do not delete yet)"),
        description=_(
            "Deletion request #%(deletion)s (inquiry %(token)s) is not verified: the requester's identity has not "
            "been confirmed (suggested registry person #%(person)s). Do not delete anything. The desk sends a "
            "confirmation link to the registered address or verifies by phone first."
        ),
    ),
}


def render(key: str, params: dict[str, Any], *, part: str) -> str | None:
    """Return the title or description (``part``) of generated task ``key`` in the active language, or None."""
    text = GENERATED.get(key)
    if text is None:
        return None
    template = str(getattr(text, part))
    values = {name: "—" if value is None else value for name, value in params.items()}
    try:
        return template % values
    except (KeyError, TypeError, ValueError):
        return None


def _pattern(english: str) -> re.Pattern[str]:
    escaped = re.escape(english)
    return re.compile("^" + re.sub(r"%\\\(([a-z_]+)\\\)s", r"(?P<\1>.+?)", escaped) + "$", re.DOTALL)


def parse(title: str) -> tuple[str, dict[str, Any]] | None:
    """Return the key and parameters of a generated title written in English (rows made before keys were stored)."""
    for key, text in GENERATED.items():
        match = _pattern(_english(text.title)).match(title)
        if match:
            return key, match.groupdict()
    return None


def parse_description(key: str, description: str) -> dict[str, Any] | None:
    """Return the parameters in an English description of generated task ``key``, or None."""
    text = GENERATED.get(key)
    match = _pattern(_english(text.description)).match(description) if text else None
    return match.groupdict() if match else None


def localise(title: str) -> str:
    """Return ``title`` in the active language when it is a generated title, else unchanged."""
    parsed = parse(title)
    if parsed is None:
        return title
    return render(parsed[0], parsed[1], part="title") or title


def _english(text: Any) -> str:
    with translation.override("en"):
        return str(text)


def playbook_title(key: str, stored: str) -> str | None:
    """Return a playbook task's title in the active language while it still reads as the playbook wrote it.

    A title someone edited is theirs and is shown as written (None here).
    """
    for task in load_playbook():
        if task.key == key and stored in task.titles.values():
            return task.title_for(translation.get_language() or "ja")
    return None
