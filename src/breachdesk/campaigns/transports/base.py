"""Define what a transport is: ``notify(delivery) -> Outcome``, where an outcome says whether a failure is permanent.

A transport never changes a delivery's state itself; the worker records the outcome. That keeps the state machine
(and the exactly-once accounting) in one place, ``campaigns.worker``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from breachdesk.campaigns.models import Delivery


class OutcomeKind(StrEnum):
    SENT = "sent"
    TEMPORARY = "temporary"
    PERMANENT = "permanent"
    UNCERTAIN = "uncertain"


@dataclass(frozen=True)
class Outcome:
    """Report what happened to one delivery: sent, failed (temporarily or for good), or not knowable."""

    kind: OutcomeKind
    code: str = ""
    detail: str = ""
    blocked: bool = False  # the mis-send guard refused the message; the campaign pauses for review
    violations: list[str] = field(default_factory=list)
    # The relay itself refused or could not be reached: not this recipient's fault, so no attempt is counted.
    relay: bool = False

    @classmethod
    def sent(cls) -> Outcome:
        return cls(OutcomeKind.SENT)

    @classmethod
    def temporary(cls, code: str, detail: str = "") -> Outcome:
        return cls(OutcomeKind.TEMPORARY, code, detail)

    @classmethod
    def relay_down(cls, code: str, detail: str = "") -> Outcome:
        """Return a temporary failure of the relay (unreachable, 421, sender refused): nothing was handed over."""
        return cls(OutcomeKind.TEMPORARY, code, detail, relay=True)

    @classmethod
    def permanent(cls, code: str, detail: str = "") -> Outcome:
        return cls(OutcomeKind.PERMANENT, code, detail)

    @classmethod
    def uncertain(cls, code: str, detail: str = "") -> Outcome:
        return cls(OutcomeKind.UNCERTAIN, code, detail)

    @classmethod
    def guard_blocked(cls, violations: list[str], detail: str = "") -> Outcome:
        return cls(OutcomeKind.PERMANENT, "guard:" + ",".join(violations), detail, True, list(violations))


class Transport(ABC):
    """Deliver notices over one channel; open and close wrap a batch so connections are reused."""

    channel: str = ""

    def open(self) -> None:  # noqa: B027 - optional hook
        """Prepare for a batch (for example, connect to the SMTP relay)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release what ``open`` took."""

    def prepare(self, deliveries: list[Delivery]) -> None:  # noqa: B027 - optional hook
        """Get ready to notify ``deliveries``, a claimed batch (render them, ask the database once for all of them).

        Nothing may be handed over here: ``notify`` still decides, one delivery at a time, right before it hands over.
        """

    @abstractmethod
    def notify(self, delivery: Delivery) -> Outcome:
        """Hand ``delivery``'s notice over and return the outcome; never raise for a delivery problem."""
