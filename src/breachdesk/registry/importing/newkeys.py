"""Know, without asking the database, that a blind index is new to the registry: the import's lookup shortcut.

An import looks up every row's member ID, email and phone indexes among the people already stored, to merge a person
who appears twice. When the incident's registry was empty at the start of the job, every stored index was written by
this job, so an index the job has never written cannot be found: the lookup can be skipped. ``NewKeys`` remembers the
indexes the job has written in a fixed-size Bloom filter (memory stays flat whatever the file's size). It may say
"maybe written" for an index it never saw (then the lookup runs, as it would have anyway), never "new" for one it saw.

The shortcut holds only while nobody else changes the registry: the pipeline drops it (``pipeline.registry_marker``)
as soon as another import, a leak match or a manual entry has touched the incident since the job began.
"""

from __future__ import annotations

from collections.abc import Iterable

# 2**28 bits = 32 MiB. Two bit positions per index, taken from the HMAC digest itself (it is uniformly random): at
# 10 million rows (30 million indexes) about 4 % of the new indexes still go to the database, at 1 million 0.05 %.
BITS = 1 << 28


class NewKeys:
    """A Bloom filter of the blind indexes one import job has written."""

    __slots__ = ("_bits", "_mask")

    def __init__(self, bits: int = BITS) -> None:
        if bits < 64 or bits & (bits - 1):
            raise ValueError("bits must be a power of two, at least 64")
        self._bits = bytearray(bits >> 3)
        self._mask = bits - 1

    def add_all(self, keys: Iterable[bytes | None]) -> None:
        """Remember every index in ``keys`` (``None`` is skipped)."""
        table, mask = self._bits, self._mask
        for key in keys:
            if key is None:
                continue
            h = int.from_bytes(key[:8], "little")
            a = h & mask
            b = (h >> 32) & mask
            table[a >> 3] |= 1 << (a & 7)
            table[b >> 3] |= 1 << (b & 7)

    def may_contain(self, key: bytes) -> bool:
        """Say whether ``key`` may have been written; ``False`` means surely not."""
        h = int.from_bytes(key[:8], "little")
        a = h & self._mask
        if not self._bits[a >> 3] & (1 << (a & 7)):
            return False
        b = (h >> 32) & self._mask
        return bool(self._bits[b >> 3] & (1 << (b & 7)))
