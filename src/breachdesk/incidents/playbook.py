"""Read the playbook (data in ``playbooks/*.yaml``) and turn it into the starting tasks of an incident."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from breachdesk.core.roles import Role
from breachdesk.incidents.choices import Phase

if TYPE_CHECKING:
    from breachdesk.incidents.models import Incident

PLAYBOOK_DIR = Path(__file__).resolve().parent / "playbooks"


class PlaybookError(ValueError):
    """Report a playbook file that does not follow the schema, naming the task."""


@dataclass(frozen=True)
class PlaybookTask:
    key: str
    phase: str
    owner_role: str
    titles: dict[str, str]
    due: timedelta | None = None
    when: dict[str, Any] = field(default_factory=dict)

    def applies_to(self, incident: Incident) -> bool:
        """Return whether every condition of ``when`` holds for ``incident``."""
        for name, expected in self.when.items():
            if name == "jurisdiction" and expected not in (incident.jurisdictions or []):
                return False
            if name == "org_role" and incident.org_role != expected:
                return False
            if name == "cause_in" and incident.cause not in expected:
                return False
        return True

    def title_for(self, language: str) -> str:
        return self.titles.get(language[:2]) or self.titles["ja"]


_CONDITIONS = {"jurisdiction", "org_role", "cause_in"}


def _parse_task(raw: dict[str, Any], index: int) -> PlaybookTask:
    where = f"task #{index + 1} ({raw.get('key', '?')})"
    key = raw.get("key")
    if not isinstance(key, str) or not key:
        raise PlaybookError(f"{where}: 'key' is required")
    if raw.get("phase") not in Phase.values or raw.get("phase") == Phase.CLOSED:
        raise PlaybookError(f"{where}: unknown phase {raw.get('phase')!r}")
    if raw.get("owner_role") not in Role.values:
        raise PlaybookError(f"{where}: unknown owner_role {raw.get('owner_role')!r}")
    titles = raw.get("title")
    if not isinstance(titles, dict) or "ja" not in titles:
        raise PlaybookError(f"{where}: 'title' needs at least a 'ja' entry")
    due = None
    if raw.get("due") is not None:
        spec = raw["due"]
        if not isinstance(spec, dict) or set(spec) - {"hours", "days"}:
            raise PlaybookError(f"{where}: 'due' takes hours or days")
        due = timedelta(hours=int(spec.get("hours", 0)), days=int(spec.get("days", 0)))
    when = raw.get("when") or {}
    unknown = set(when) - _CONDITIONS
    if unknown:
        raise PlaybookError(f"{where}: unknown condition(s) {sorted(unknown)}")
    return PlaybookTask(key=key, phase=raw["phase"], owner_role=raw["owner_role"], titles=titles, due=due, when=when)


@cache
def load_playbook(name: str = "default") -> tuple[PlaybookTask, ...]:
    """Return the tasks of the named playbook, checked against the schema."""
    path = PLAYBOOK_DIR / f"{name}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    tasks = [_parse_task(raw, i) for i, raw in enumerate(data.get("tasks", []))]
    keys = [t.key for t in tasks]
    duplicates = {k for k in keys if keys.count(k) > 1}
    if duplicates:
        raise PlaybookError(f"duplicate keys: {sorted(duplicates)}")
    return tuple(tasks)
