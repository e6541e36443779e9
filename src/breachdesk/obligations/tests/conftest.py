"""Share the obligations test helpers: registry people built through the registry's own service."""

from __future__ import annotations

from typing import Any

import pytest

from breachdesk.incidents.models import Incident


@pytest.fixture
def add_person() -> Any:
    """Return a function that adds one registry person to an incident."""
    from breachdesk.registry.services import person_create

    counter = {"n": 0}

    def add(incident: Incident, actor: Any, *, items: list[str], affected: bool = True, contact: bool = True) -> Any:
        counter["n"] += 1
        n = counter["n"]
        extra = {"email": f"p{n}@example.jp", "phone": f"090-1234-{n:04d}"} if contact else {}
        return person_create(
            incident=incident, actor=actor, member_id=f"T-{n:05d}", affected=affected, items=items, **extra
        )

    return add
