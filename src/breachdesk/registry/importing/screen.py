"""Tell, while reading an import, which rows cannot be anyone already stored, so the writer need not look them up.

Deduplication looks every row's member ID, email and phone up in the people table. When a job is the only writer of
an incident that had nobody in it when the job began, a row can only match a row this same job wrote earlier. A
Bloom filter of the blind-index keys read so far answers "certainly new" for nearly every row of a member master,
and the writer then skips the three index look-ups for it (on PostgreSQL they cost about as much as the insert
itself). The filter never answers "new" for a key it has seen, so no duplicate slips through; a false "maybe" only
costs a look-up. Its size follows the file's (about 10 bits per key, so that it stays in the CPU caches as far as it
can), capped at 32 MiB however large the file: past about 10M rows more new rows are looked up for nothing, and
memory stays flat.

The filter lives in the writer, which sees every row in file order (the forked reader is the busier process), and
holds only bits derived from the blind indexes, which are HMACs: nothing in it reveals a value, and it is never
stored.
"""

from __future__ import annotations

FILTER_BITS = 1 << 28  # 32 MiB, the most a filter takes
MIN_FILTER_BITS = 1 << 16
BITS_PER_ROW = 32  # three keys a row, ~10 bits each: about 2% false "maybe" with three probes per key
DEDUP_SLOTS = 3  # member ID, email and phone: the first three of ``bulk.BIDX_COLUMNS``


class SeenKeys:
    """Remember blind-index keys in a Bloom filter with three probes per key, taken from the key's own bits."""

    def __init__(self, bits: int = FILTER_BITS) -> None:
        if bits & (bits - 1) or bits < 64:
            raise ValueError("The filter size must be a power of two of at least 64 bits.")
        self.mask = bits - 1
        self.bits = bytearray(bits // 8)

    def add_and_check(self, keys: tuple[bytes | None, ...]) -> bool:
        """Add ``keys`` (``None`` entries are skipped); return whether any of them may have been added before."""
        bits = self.bits
        mask = self.mask
        maybe = False
        for key in keys:
            if key is None:
                continue
            # A blind index is an HMAC: its bits are uniform, so three 32-bit slices are three independent hashes.
            value = int.from_bytes(key[:12], "little")
            a, b, c = value & mask, (value >> 32) & mask, (value >> 64) & mask
            byte_a, bit_a = a >> 3, 1 << (a & 7)
            byte_b, bit_b = b >> 3, 1 << (b & 7)
            byte_c, bit_c = c >> 3, 1 << (c & 7)
            if bits[byte_a] & bit_a and bits[byte_b] & bit_b and bits[byte_c] & bit_c:
                maybe = True
            else:
                bits[byte_a] |= bit_a
                bits[byte_b] |= bit_b
                bits[byte_c] |= bit_c
        return maybe


def filter_bits(rows: int) -> int:
    """Return the filter size for about ``rows`` rows: a power of two between 64 Kib and 256 Mib."""
    wanted = max(rows, 1) * BITS_PER_ROW
    return max(MIN_FILTER_BITS, min(FILTER_BITS, 1 << (wanted - 1).bit_length()))
