"""Read a claimed batch's deliveries a few at a time, as the send loop reaches them.

Reading a whole batch of 100 deliveries with their people (a few milliseconds of queries and model building) before
its first message used to stall the relay at every batch boundary: nothing was on the wire while the worker read. A
``ClaimedBatch`` reads the first few rows at once and the rest in small chunks when they are first asked for, so the
reading happens between hand-overs, while a message is on the wire, like the rendering does
(``Transport.prepare_ahead``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import overload

from breachdesk.campaigns.models import Campaign, Delivery

# Rows read before the batch's first message (enough for the messages built before it), then per chunk.
FIRST_CHUNK = 8
CHUNK = 32


class ClaimedBatch(Sequence[Delivery | None]):
    """The deliveries of one claimed batch, in id order, each with its person and the campaign in hand.

    ``batch[i]`` is None for a row that is gone (its campaign was deleted meanwhile); ``ids`` are all the claimed
    ids, read or not, for giving the rest back to the queue.
    """

    def __init__(self, ids: Iterable[int], campaign: Campaign, *, first: int = FIRST_CHUNK, chunk: int = CHUNK) -> None:
        self.ids = sorted(ids)
        self.campaign = campaign
        self.chunk = max(1, chunk)
        self._rows: list[Delivery | None] = []
        self._read(max(1, first))

    def __len__(self) -> int:
        return len(self.ids)

    @overload
    def __getitem__(self, index: int) -> Delivery | None: ...

    @overload
    def __getitem__(self, index: slice) -> list[Delivery | None]: ...

    def __getitem__(self, index: int | slice) -> Delivery | list[Delivery | None] | None:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self.ids)))]
        if index < 0:
            index += len(self.ids)
        if not 0 <= index < len(self.ids):
            raise IndexError(index)
        while index >= len(self._rows):
            self._read(self.chunk)
        return self._rows[index]

    def __iter__(self) -> Iterator[Delivery | None]:
        for index in range(len(self.ids)):
            yield self[index]

    @property
    def read(self) -> int:
        """How many of the batch's rows have been read so far."""
        return len(self._rows)

    def _read(self, count: int) -> None:
        wanted = self.ids[len(self._rows) : len(self._rows) + count]
        if not wanted:
            return
        found = {d.pk: d for d in Delivery.objects.filter(pk__in=wanted).select_related("person")}
        for delivery in found.values():
            delivery.campaign = self.campaign
        self._rows.extend(found.get(pk) for pk in wanted)
