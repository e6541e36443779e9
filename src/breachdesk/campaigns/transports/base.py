"""Define what a transport is: ``notify(delivery) -> Outcome``, where an outcome says whether a failure is permanent.

A transport never changes a delivery's state itself; the worker records the outcome. That keeps the state machine
(and the exactly-once accounting) in one place, ``campaigns.worker``.

The worker's send loop uses ``notify`` in two steps, so that a transport can get the next message ready while the
previous one is still on the wire: ``stage`` (everything short of the hand-over: render, guards, the bytes) and
``hand_over`` (the hand-over itself, whose outcome the worker collects with ``Handover.result()`` before it records
anything). The default implementation stages nothing and hands over with ``notify``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Protocol

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


class Handover(Protocol):
    """A hand-over under way; ``result()`` waits for it and returns its outcome (never raises for a delivery)."""

    def result(self) -> Outcome: ...

    def answered(self) -> bool:
        """Return whether ``result()`` would return now, without waiting."""
        ...


@dataclass(frozen=True)
class Done:
    """A hand-over that is already over (a synchronous transport, or an outcome known before any hand-over)."""

    outcome: Outcome

    def result(self) -> Outcome:
        return self.outcome

    def answered(self) -> bool:
        return True


@dataclass
class Staged:
    """A delivery ready to be handed over with the Message-ID of this attempt; ``payload`` is the transport's own."""

    delivery: Delivery
    message_id: str
    payload: Any = None


class Transport(ABC):
    """Deliver notices over one channel; open and close wrap a batch so connections are reused."""

    channel: str = ""

    def open(self) -> None:  # noqa: B027 - optional hook
        """Prepare for a batch (for example, connect to the SMTP relay)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release what ``open`` took."""

    def prepare(self, deliveries: Sequence[Delivery | None]) -> None:  # noqa: B027 - optional hook
        """Get ready to notify ``deliveries``, a claimed batch (render them, ask the database once for all of them).

        The batch reads its rows as they are first asked for (``campaigns.claimed``): take them in order, a few at a
        time, not all at once. A row that is gone is None.

        Nothing may be handed over here: ``notify`` still decides, one delivery at a time, right before it hands over.
        """

    def prepare_ahead(self, *, idle: bool = False) -> bool:
        """Do the next piece of ``prepare``'s work; return whether there was one.

        The worker calls it once while each message is on the wire (do what the next messages cannot go without),
        then with ``idle`` again and again while it waits for the relay's answer (one small piece per call, so the
        answer is taken up soon after it comes).
        """
        return False

    @abstractmethod
    def notify(self, delivery: Delivery) -> Outcome:
        """Hand ``delivery``'s notice over and return the outcome; never raise for a delivery problem."""

    def stage(self, delivery: Delivery, *, message_id: str) -> Staged | Outcome:
        """Get ``delivery`` ready to hand over as the attempt ``message_id``, or return the outcome that stops it.

        Nothing is handed over here. The worker stages a delivery before it commits it ``sending``, and may stage it
        while the previous delivery is still being handed over.
        """
        return Staged(delivery=delivery, message_id=message_id)

    def discard(self, staged: Staged) -> None:  # noqa: B027 - optional hook
        """Take back a staged delivery that will not be handed over after all (the worker stopped, or lost the row)."""

    def hand_over(self, staged: Staged) -> Handover:
        """Hand a staged delivery over (it is ``sending`` in the database by now); the outcome comes by ``result()``."""
        staged.delivery.message_id = staged.message_id
        return Done(self.notify(staged.delivery))
