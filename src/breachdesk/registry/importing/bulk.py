"""Write batches of records with the raw driver inside the Django connection's transaction.

SQLite gets multi-row ``INSERT`` statements through ``executemany``; PostgreSQL gets ``COPY``. Duplicates are merged
within a batch in Python and against the table through the blind indexes, so memory stays flat however large the
file is. Every row a job touches is tagged (new rows) or snapshotted (``registry_personundo``) so the job can be
rolled back exactly.
"""

# ruff: noqa: S608 - SQL text is built only from constant column names; every value is a bound parameter.
from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from django.db import connection

from breachdesk.core import jptext
from breachdesk.core.crypto import GENERATION_BYTES, INDEX_BYTES, NONCE_BYTES, ROW_ID_BYTES, IncidentCipher
from breachdesk.registry.importing.screen import DEDUP_SLOTS, SeenKeys, filter_bits
from breachdesk.registry.importing.validate import Record

ENC_COLUMNS = (
    ("member_id", "member_id_enc"),
    ("name", "name_enc"),
    ("name_kana", "kana_enc"),
    ("email", "email_enc"),
    ("phone", "phone_enc"),
    ("postal_code", "postal_code_enc"),
    ("address", "address_enc"),
    ("birth_date", "birth_date_enc"),
)
BIDX_COLUMNS = ("bidx_member", "bidx_email", "bidx_phone", "bidx_name_birth", "bidx_name_address")
INSERT_COLUMNS = (
    "incident_id",
    *BIDX_COLUMNS,
    "aad_id",
    *(c for _, c in ENC_COLUMNS),
    "affected",
    "items",
    "source",
    "import_job_id",
    "created_at",
    "updated_at",
)
SNAPSHOT_COLUMNS = (*BIDX_COLUMNS, *(c for _, c in ENC_COLUMNS), "affected", "items", "updated_at")
PERSON_TABLE = "registry.person"  # the table label in the values' associated data
ROWS_PER_STATEMENT = 200
# On PostgreSQL a job refreshes the table's planner statistics once it has written this many rows, and again each
# time its rows double: without them the planner, seeing a "small" table, answers the duplicate lookups
# (``bidx_* = ANY(...)``) by scanning every row of the incident, and an import slows down quadratically.
ANALYZE_FIRST_ROWS = 10000
CACHE_KIB = 64 * 1024
_RECORD_FIELDS = [f.name for f in fields(Record) if f.name not in ("row", "items", "prepared", "maybe_known")]


def address_key(address: str) -> str:
    """Return an address in the form used for the name+address index: no spaces, 丁目/番地/番/号 as hyphens."""
    text = jptext.nfkc(address)
    if "ー" not in text and text.isprintable():
        # normalize_text without the long-vowel rule, which needs "ー": dashes to "-", then every space dropped.
        text = "".join(text.translate(_DASH_TABLE).split())
    else:
        text = jptext.normalize_text(text).replace(" ", "")
    for marker in ("丁目", "番地", "番", "号"):
        if marker in text:
            text = text.replace(marker, "-")
    while "--" in text:
        text = text.replace("--", "-")
    return text.strip("-")


_DASH_TABLE = str.maketrans(dict.fromkeys(jptext._DASHES.replace("ー", ""), "-"))


def _indexer(cipher: IncidentCipher) -> Callable[[str, str], bytes]:
    """Return a fast equivalent of ``cipher.index_normalized`` (the same bytes).

    HMAC-SHA256 is computed from pre-keyed inner and outer SHA-256 states (RFC 2104), so the key schedule is not
    redone for every value: about 1.4 µs per index instead of 3.9 µs with ``hmac.digest``.
    """
    key = cipher._index_key
    if len(key) > _SHA256_BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_SHA256_BLOCK, b"\0")
    inner = hashlib.sha256(key.translate(_IPAD))
    outer = hashlib.sha256(key.translate(_OPAD))
    size = INDEX_BYTES

    def index(kind: str, normalized: str) -> bytes:
        digest = inner.copy()
        digest.update(f"{kind}:{normalized}".encode())
        result = outer.copy()
        result.update(digest.digest())
        return result.digest()[:size]

    return index


_SHA256_BLOCK = 64
_IPAD = bytes((x ^ 0x36) for x in range(256))
_OPAD = bytes((x ^ 0x5C) for x in range(256))


class Preparer:
    """Compute what a record stores: its five blind indexes, a new row id and its eight encrypted values.

    Bytes equal those of ``IncidentCipher.index_normalized`` and ``IncidentCipher.encrypt`` (v2: format byte and key
    generation, a fresh random 96-bit nonce per value, AES-GCM with ``crypto.value_aad`` of the incident, the people
    table, the row id and the column label as associated data); the row id and the nonces of one row come from one
    ``os.urandom`` call.
    """

    def __init__(self, cipher: IncidentCipher) -> None:
        self.index = _indexer(cipher)
        self.aead_encrypt = cipher._aead.encrypt
        self.cipher = cipher
        self.labels = [label for label, _column in ENC_COLUMNS]

    def keys(self, record: Record) -> tuple[bytes | None, ...]:
        """Return the five blind indexes of a record, in ``BIDX_COLUMNS`` order."""
        index = self.index
        name = record.name
        name_key = jptext.normalize_name(name) if name else ""
        return (
            index("member_id", record.member_id) if record.member_id else None,
            index("email", record.email_key) if record.email_key else None,
            index("phone", record.phone_e164) if record.phone_e164 else None,
            index("name_birth", f"{name_key}|{record.birth_date}") if name_key and record.birth_date else None,
            index("name_address", f"{name_key}|{address_key(record.address)}") if name_key and record.address else None,
        )

    def encrypted(self, record: Record, row: bytes | None = None) -> tuple[bytes | None, ...]:
        """Return the row id and the eight encrypted values of a record (``ENC_COLUMNS`` order, ``None`` if empty).

        Without ``row`` the record gets a new row id (an insert); an update passes the stored row's id.
        """
        randomness = os.urandom(ROW_ID_BYTES + NONCE_BYTES * len(self.labels))
        if row is None:
            row = randomness[:ROW_ID_BYTES]
        out: list[bytes | None] = [row]
        encrypt = self.aead_encrypt
        aad_of = self.cipher.aad
        start = ROW_ID_BYTES
        for label in self.labels:
            value = getattr(record, label)
            if value:
                nonce = randomness[start : start + NONCE_BYTES]
                aad = aad_of(table=PERSON_TABLE, row=row, field=label)
                out.append(aad[: 1 + GENERATION_BYTES] + nonce + encrypt(nonce, value.encode(), aad))
            else:
                out.append(None)
            start += NONCE_BYTES
        return tuple(out)

    def prepare(self, record: Record) -> Record:
        """Attach the record's indexes and encrypted values (``record.prepared``) and return it."""
        record.prepared = (self.keys(record), self.encrypted(record))
        return record

    def of(self, record: Record) -> tuple[tuple[bytes | None, ...], tuple[bytes | None, ...]]:
        """Return the record's indexes and encrypted values, computing them unless a merge left them valid."""
        prepared = record.prepared
        if prepared is None:
            prepared = (self.keys(record), self.encrypted(record))
            record.prepared = prepared
        return prepared


def index_keys(cipher: IncidentCipher, record: Record) -> tuple[bytes | None, ...]:
    """Return the five blind indexes of a record, in ``BIDX_COLUMNS`` order."""
    return Preparer(cipher).keys(record)


def merge(into: Record, other: Record) -> None:
    """Merge a later row about the same person into ``into``: later non-empty values win, items add up."""
    for name in _RECORD_FIELDS:
        value = getattr(other, name)
        if value:
            setattr(into, name, value)
    into.items |= other.items
    into.prepared = None  # the merged values must be indexed and encrypted again
    into.maybe_known = into.maybe_known or other.maybe_known  # it now carries the other row's keys too


@dataclass
class BatchCounts:
    imported: int = 0
    updated: int = 0
    duplicates: int = 0


class RawDB:
    """Speak to the raw driver of Django's connection: placeholders, ``IN`` lists and bulk inserts per vendor."""

    def __init__(self) -> None:
        connection.ensure_connection()
        self.vendor = connection.vendor
        self.raw: Any = connection.connection
        self.ph = "?" if self.vendor == "sqlite" else "%s"
        self.max_vars = 999
        if self.vendor == "sqlite":
            if sqlite3.sqlite_version_info >= (3, 32, 0):
                self.max_vars = 32000
            # The blind indexes are random keys, so index pages are touched all over: a 64 MB page cache (instead
            # of 2 MB) keeps them in memory. It is a cap, so memory stays flat however large the registry grows.
            self.raw.execute(f"PRAGMA cache_size = -{CACHE_KIB}")

    def cursor(self) -> Any:
        return self.raw.cursor()

    def analyze_people(self) -> None:
        """Refresh the planner statistics of the people table (PostgreSQL; SQLite's planner needs none here)."""
        if self.vendor == "postgresql":
            with self.raw.cursor() as cursor:
                cursor.execute("ANALYZE registry_person")

    def now(self, value: datetime) -> Any:
        return connection.ops.adapt_datetimefield_value(value)

    def select_in(
        self, cursor: Any, sql_head: str, column: str, values: Sequence[Any], params: Sequence[Any]
    ) -> list[Any]:
        """Run ``sql_head AND column IN values`` in chunks and return all rows."""
        out: list[Any] = []
        if not values:
            return out
        if self.vendor == "postgresql":
            # %b sends the array in binary: a text bytea[] of 20,000 keys costs more to build and parse than the
            # index probes themselves.
            cursor.execute(f"{sql_head} AND {column} = ANY(%b)", [*params, list(values)])
            return list(cursor.fetchall())
        step = self.max_vars - len(params)
        for start in range(0, len(values), step):
            chunk = values[start : start + step]
            cursor.execute(f"{sql_head} AND {column} IN ({','.join('?' * len(chunk))})", [*params, *chunk])
            out.extend(cursor.fetchall())
        return out

    def insert_people(self, cursor: Any, rows: list[tuple[Any, ...]]) -> None:
        """Insert prepared person rows: COPY on PostgreSQL, multi-row executemany on SQLite."""
        if not rows:
            return
        columns = ", ".join(INSERT_COLUMNS)
        if self.vendor == "postgresql":
            with cursor.copy(f"COPY registry_person ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        one = "(" + ",".join("?" * len(INSERT_COLUMNS)) + ")"
        per = min(ROWS_PER_STATEMENT, self.max_vars // len(INSERT_COLUMNS))
        full = len(rows) - len(rows) % per
        if full:
            sql = f"INSERT INTO registry_person ({columns}) VALUES " + ",".join([one] * per)
            cursor.executemany(sql, (_flatten(rows[i : i + per]) for i in range(0, full, per)))
        if full < len(rows):
            cursor.executemany(f"INSERT INTO registry_person ({columns}) VALUES {one}", rows[full:])


def _flatten(rows: Iterable[tuple[Any, ...]]) -> list[Any]:
    out: list[Any] = []
    for row in rows:
        out.extend(row)
    return out


class BatchWriter:
    """Merge and write one import job's batches of records."""

    def __init__(
        self, *, db: RawDB, cipher: IncidentCipher, incident_id: int, job_id: int, source: str, affected: bool
    ) -> None:
        self.db = db
        self.cipher = cipher
        self.incident_id = incident_id
        self.job_id = job_id
        self.source = source
        self.affected = affected
        self.preparer = Preparer(cipher)
        # Look up only the rows this filter cannot call new (``screen``); valid while this job is the only writer of
        # an incident that was empty when it began: ``pipeline`` starts and stops it.
        self.seen: SeenKeys | None = None
        self.written = 0  # rows inserted or updated by this writer
        self.analyzed_at = 0  # ``written`` when the statistics were last refreshed

    def refresh_statistics(self) -> None:
        """Refresh the table's statistics when this writer has grown it enough (call after a batch commits)."""
        if self.written >= max(ANALYZE_FIRST_ROWS, 2 * self.analyzed_at):
            self.db.analyze_people()
            self.analyzed_at = self.written

    def screen(self, *, rows: int) -> None:
        """Start screening rows with a filter sized for about ``rows`` rows (before the first batch)."""
        self.seen = SeenKeys(filter_bits(rows))

    def stop_screening(self) -> None:
        """Look every later row up again (another writer has appeared)."""
        self.seen = None

    @property
    def screened(self) -> bool:
        return self.seen is not None

    def write(self, records: list[Record], now: datetime) -> BatchCounts:
        """Write ``records`` (call inside ``transaction.atomic``) and return what happened to them."""
        counts = BatchCounts()
        if self.seen is not None:
            check = self.seen.add_and_check
            preparer = self.preparer
            for record in records:  # every row, in file order, before any merge
                record.maybe_known = check(preparer.of(record)[0][:DEDUP_SLOTS])
        kept = self._merge_within(records, counts)
        prepared = [self.preparer.of(r) for r in kept]
        keys = [p[0] for p in prepared]
        cursor = self.db.cursor()
        try:
            targets = self._find_existing(cursor, kept, keys)
            stamp = self.db.now(now)
            updates: dict[int, int] = {}  # person id -> index in kept
            inserts: list[int] = []
            for position, record in enumerate(kept):
                person = targets[position]
                if person is None:
                    inserts.append(position)
                elif person in updates:
                    merge(kept[updates[person]], record)
                    counts.duplicates += 1
                else:
                    updates[person] = position
            if updates:
                self._update(cursor, updates, kept, stamp, counts)
            rows = []
            for position in inserts:
                record = kept[position]
                rows.append(
                    (
                        self.incident_id,
                        *prepared[position][0],
                        *prepared[position][1],
                        self.affected or record.items != 0,
                        record.items,
                        self.source,
                        self.job_id,
                        stamp,
                        stamp,
                    )
                )
            self.db.insert_people(cursor, rows)
            counts.imported += len(rows)
            self.written += len(rows) + len(updates)
        finally:
            cursor.close()
        return counts

    def _merge_within(self, records: list[Record], counts: BatchCounts) -> list[Record]:
        by_member: dict[str, Record] = {}
        by_email: dict[str, Record] = {}
        by_phone: dict[str, Record] = {}
        kept: list[Record] = []
        for record in records:
            member = record.member_id
            target = by_member.get(member) if member else None
            if target is None and (email := record.email_key):
                found = by_email.get(email)
                if found is not None and (not found.member_id or not member):
                    target = found
            if target is None and (phone := record.phone_e164):
                found = by_phone.get(phone)
                if found is not None and (not found.member_id or not member):
                    target = found
            if target is not None:
                merge(target, record)
                counts.duplicates += 1
            else:
                target = record
                kept.append(record)
            if target.member_id:
                by_member.setdefault(target.member_id, target)
            if target.email_key:
                by_email.setdefault(target.email_key, target)
            if target.phone_e164:
                by_phone.setdefault(target.phone_e164, target)
        return kept

    def _find_existing(self, cursor: Any, kept: list[Record], keys: list[tuple[bytes | None, ...]]) -> list[int | None]:
        """Return, per record, the id of the person it is (member ID first, then email, then phone)."""
        targets: list[int | None] = [None] * len(kept)
        head = f"SELECT id, bidx_member, bidx_email, bidx_phone FROM registry_person WHERE incident_id = {self.db.ph}"
        for slot, column in ((0, "bidx_member"), (1, "bidx_email"), (2, "bidx_phone")):
            screened = self.screened
            pending = [
                i
                for i in range(len(kept))
                if targets[i] is None and keys[i][slot] is not None and (not screened or kept[i].maybe_known)
            ]
            if not pending:
                continue
            values = list({bytes(keys[i][slot]) for i in pending})  # type: ignore[arg-type]
            found: dict[bytes, tuple[int, bytes | None]] = {}
            for row in self.db.select_in(cursor, head, column, values, [self.incident_id]):
                found.setdefault(bytes(row[1 + slot]), (row[0], bytes(row[1]) if row[1] is not None else None))
            for i in pending:
                hit = found.get(bytes(keys[i][slot]))  # type: ignore[arg-type]
                if hit is None:
                    continue
                person_id, member_key = hit
                own_key = keys[i][0]
                if slot and member_key and own_key is not None and member_key != bytes(own_key):
                    continue  # the same email or phone, but a different member: a family sharing it
                targets[i] = person_id
        return targets

    def _update(
        self, cursor: Any, updates: dict[int, int], kept: list[Record], stamp: Any, counts: BatchCounts
    ) -> None:
        ph = self.db.ph
        ids = list(updates)
        own = {
            row[0]
            for row in self.db.select_in(
                cursor, f"SELECT id FROM registry_person WHERE import_job_id = {ph}", "id", ids, [self.job_id]
            )
        }
        own |= {
            row[0]
            for row in self.db.select_in(
                cursor,
                f"SELECT person_id FROM registry_personundo WHERE job_id = {ph}",
                "person_id",
                ids,
                [self.job_id],
            )
        }
        # An update keeps the stored row's id, so its new values are encrypted again, bound to that id.
        row_ids = {
            row[0]: bytes(row[1]) if row[1] is not None else None
            for row in self.db.select_in(cursor, "SELECT id, aad_id FROM registry_person WHERE 1 = 1", "id", ids, [])
        }
        fresh = [i for i in ids if i not in own]
        counts.duplicates += len(ids) - len(fresh)
        counts.updated += len(fresh)
        snapshot_people(self.db, cursor, job_id=self.job_id, person_ids=fresh)
        assignments = ", ".join(
            [f"{c} = COALESCE({ph}, {c})" for c in BIDX_COLUMNS]
            + [f"{c} = COALESCE({ph}, {c})" for _, c in ENC_COLUMNS]
            + [f"affected = (affected OR {ph})", f"items = (items | {ph})", f"updated_at = {ph}"]
        )
        params = []
        for person_id, position in updates.items():
            record = kept[position]
            keys = self.preparer.of(record)[0]
            encrypted = self.preparer.encrypted(record, row_ids.get(person_id))[1:]
            params.append(
                (
                    *keys,
                    *encrypted,
                    self.affected or record.items != 0,
                    record.items,
                    stamp,
                    person_id,
                )
            )
        cursor.executemany(f"UPDATE registry_person SET {assignments} WHERE id = {ph}", params)


def snapshot_people(db: RawDB, cursor: Any, *, job_id: int, person_ids: list[int]) -> None:
    """Copy the current state of people (not yet snapshotted by ``job_id``) into the undo table."""
    if not person_ids:
        return
    columns = ", ".join(SNAPSHOT_COLUMNS)
    head = (
        f"INSERT INTO registry_personundo (job_id, person_id, {columns}) "
        f"SELECT {db.ph}, id, {columns} FROM registry_person WHERE 1 = 1"
    )
    if db.vendor == "postgresql":
        cursor.execute(f"{head} AND id = ANY(%s)", [job_id, person_ids])
        return
    step = db.max_vars - 1
    for start in range(0, len(person_ids), step):
        chunk = person_ids[start : start + step]
        cursor.execute(f"{head} AND id IN ({','.join('?' * len(chunk))})", [job_id, *chunk])
