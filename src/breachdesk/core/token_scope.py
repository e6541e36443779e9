"""Describe what an API token may reach, so that the membership selector can narrow a token's user to it.

The API's token authentication attaches a ``TokenScope`` to the user it returns (``attach``); the one door to an
incident (``incidents.selectors.incident_access``) and the list of visible incidents read it back (``scope_of``). A
browser session carries no scope and is limited by the membership alone. Both must hold: the token reaches an
incident only where its user is still a member, and a capability only where the member's role still grants it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from breachdesk.core.roles import Capability

_ATTR = "_breachdesk_token_scope"


@dataclass(frozen=True)
class TokenScope:
    """Name the incidents (by primary key) and the capabilities a token carries; ``view`` is always implied."""

    token_id: int
    incident_ids: frozenset[int]
    capabilities: frozenset[str]

    def reaches(self, incident_id: int) -> bool:
        return incident_id in self.incident_ids

    def allows(self, capability: Capability | str) -> bool:
        return capability == Capability.VIEW or str(capability) in self.capabilities


def attach(user: Any, scope: TokenScope) -> None:
    """Mark ``user`` (the instance of this one request) as acting through a token with ``scope``."""
    setattr(user, _ATTR, scope)


def scope_of(user: Any) -> TokenScope | None:
    """Return the token scope the user acts through in this request, or ``None`` for a session."""
    return getattr(user, _ATTR, None)
