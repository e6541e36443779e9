"""Encrypt personal data per incident and build blind indexes for lookups.

Each incident has a random 32-byte data key, stored only wrapped (AES-GCM) by the master key. From the data key two
sub-keys are derived with HKDF: one encrypts fields (AES-GCM, a fresh 96-bit nonce per value, the field name as
associated data so a value cannot be moved to another column), the other keys the HMAC-SHA256 blind indexes. Because
both derive from the data key, destroying it (crypto-shredding) makes the incident's values and indexes meaningless,
and the same email gives different indexes in different incidents.

Use ``cipher_for(incident_id)`` on the bulk path and ``EncryptedField`` on models; both produce the same bytes.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import threading
import time
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from breachdesk.core import jptext
from breachdesk.core.errors import ApplicationError, KeyDestroyed

FORMAT_VERSION = b"\x01"  # of a wrapped data key
FORMAT_V1 = b"\x01"  # a value: format byte, nonce, AES-GCM; associated data = the field label
FORMAT_V2 = b"\x02"  # a value: format byte, key generation (4 bytes), nonce, AES-GCM; associated data = value_aad
AAD_V2_TAG = b"breachdesk/aad/2"
GENERATION_BYTES = 4
ROW_ID_BYTES = 16
NONCE_BYTES = 12
INDEX_BYTES = 16
CACHE_SECONDS = 30.0

IndexKind = Literal["email", "phone", "member_id", "name_birth"]


class DecryptionFailed(ApplicationError):
    """Report a value that does not decrypt with the incident's key (tampered, or from another incident)."""

    code = "crypto.decryption_failed"
    http_status = 500


def _derive(data_key: bytes, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"breachdesk:" + purpose).derive(data_key)


def _wrap_aad(incident_id: int, generation: int = 1) -> bytes:
    if generation == 1:
        return f"breachdesk:data-key:{incident_id}".encode()
    return f"breachdesk:data-key:{incident_id}:{generation}".encode()


def wrap_data_key(*, incident_id: int, data_key: bytes, master_key: bytes | None = None, generation: int = 1) -> bytes:
    """Return ``data_key`` encrypted by the master key and bound to ``incident_id`` and its key ``generation``."""
    master = master_key if master_key is not None else settings.BREACHDESK_MASTER_KEY
    nonce = os.urandom(NONCE_BYTES)
    return FORMAT_VERSION + nonce + AESGCM(master).encrypt(nonce, data_key, _wrap_aad(incident_id, generation))


def unwrap_data_key(*, incident_id: int, wrapped: bytes, master_key: bytes | None = None, generation: int = 1) -> bytes:
    """Return the data key inside ``wrapped``; raise ``DecryptionFailed`` on a wrong master key or tampering.

    Without an explicit ``master_key``, try the current master key, then ``BREACHDESK_MASTER_KEY_PREVIOUS`` (set
    only while a rotation is under way).
    """
    return unwrap_data_key_with(incident_id=incident_id, wrapped=wrapped, master_key=master_key, generation=generation)[
        0
    ]


def unwrap_data_key_with(
    *, incident_id: int, wrapped: bytes, master_key: bytes | None = None, generation: int = 1
) -> tuple[bytes, str]:
    """Return the data key and which master key opened it: ``"current"``, ``"previous"`` or ``"given"``."""
    wrapped = bytes(wrapped)
    if wrapped[:1] != FORMAT_VERSION:
        raise DecryptionFailed("The wrapped data key has an unknown format.")
    if master_key is not None:
        candidates = [("given", master_key)]
    else:
        candidates = [("current", settings.BREACHDESK_MASTER_KEY)]
        previous = settings.BREACHDESK_MASTER_KEY_PREVIOUS
        if previous:
            candidates.append(("previous", previous))
    for name, master in candidates:
        try:
            nonce, sealed = wrapped[1 : 1 + NONCE_BYTES], wrapped[1 + NONCE_BYTES :]
            return AESGCM(master).decrypt(nonce, sealed, _wrap_aad(incident_id, generation)), name
        except InvalidTag:
            continue
    raise DecryptionFailed(
        "The incident's data key does not open with this master key. Check BREACHDESK_MASTER_KEY"
        " (and BREACHDESK_MASTER_KEY_PREVIOUS during a rotation)."
    )


def normalize_for_index(kind: IndexKind, value: Any) -> str:
    """Return the canonical text of ``value`` for a blind index of ``kind``.

    Raise ``ValueError`` when the value cannot be normalised (for example, a phone that is not a phone number).
    """
    if kind == "email":
        return jptext.normalize_email(str(value))
    if kind == "phone":
        return jptext.normalize_phone(str(value))
    if kind == "member_id":
        text = jptext.normalize_whitespace(jptext.nfkc(str(value)))
        if not text:
            raise ValueError("empty member id")
        return text
    if kind == "name_birth":
        name, birth = value
        if not isinstance(birth, date):
            raise ValueError("birth date must be a date")
        return f"{jptext.normalize_name(str(name))}|{birth.isoformat()}"
    raise ValueError(f"unknown index kind {kind!r}")


def new_row_id() -> bytes:
    """Return a fresh random row id (16 bytes): the "row" that v2 associated data binds a value to."""
    return os.urandom(ROW_ID_BYTES)


def _part(value: bytes) -> bytes:
    return len(value).to_bytes(4, "big") + value


def value_aad(*, generation: int, incident_id: int, table: str, row: bytes, field: str) -> bytes:
    """Return the v2 associated data of a value: a canonical, length-prefixed encoding of its place.

    The header (format byte and key generation) comes first, then ``breachdesk/aad/2`` and four length-prefixed parts:
    the incident id (decimal), the table (``app_label.model``), the row id (16 random bytes, ``aad_id``) and the
    field label. No part can run into the next, so two different places never give the same bytes.
    """
    if not row:
        raise ApplicationError(f"A value of {table}.{field} has no row id to bind it to.", code="crypto.no_row")
    return (
        FORMAT_V2
        + generation.to_bytes(4, "big")
        + AAD_V2_TAG
        + _part(str(incident_id).encode())
        + _part(table.encode())
        + _part(bytes(row))
        + _part(field.encode())
    )


def blob_generation(blob: bytes | memoryview) -> int:
    """Return the data-key generation a ciphertext was made with (v1 values all belong to generation 1)."""
    head = bytes(blob[: 1 + GENERATION_BYTES])
    if head[:1] == FORMAT_V1:
        return 1
    if head[:1] == FORMAT_V2 and len(head) == 1 + GENERATION_BYTES:
        return int.from_bytes(head[1:], "big")
    raise DecryptionFailed("The value has an unknown format.")


@dataclass(frozen=True)
class DataKey:
    """Hold the two sub-keys derived from one generation of an incident's data key."""

    aead: AESGCM
    index_key: bytes

    @classmethod
    def derive(cls, data_key: bytes) -> DataKey:
        return cls(aead=AESGCM(_derive(data_key, b"field-encryption")), index_key=_derive(data_key, b"blind-index"))


@dataclass(frozen=True)
class IncidentCipher:
    """Encrypt, decrypt and index values of one incident.

    ``keys`` holds every live generation of the incident's data key (two while a rotation is under way); values are
    encrypted and indexed with ``generation``, the newest, and decrypted with the generation their header names.
    """

    incident_id: int
    generation: int
    keys: dict[int, DataKey]

    @classmethod
    def from_data_key(cls, *, incident_id: int, data_key: bytes, generation: int = 1) -> IncidentCipher:
        return cls(incident_id=incident_id, generation=generation, keys={generation: DataKey.derive(data_key)})

    @property
    def _aead(self) -> AESGCM:
        return self.keys[self.generation].aead

    @property
    def _index_key(self) -> bytes:
        return self.keys[self.generation].index_key

    def aad(self, *, table: str, row: bytes, field: str) -> bytes:
        """Return the associated data (with header) of a new value of ``table``/``row``/``field``."""
        return value_aad(generation=self.generation, incident_id=self.incident_id, table=table, row=row, field=field)

    def encrypt(self, field: str, value: str | None, *, table: str, row: bytes) -> bytes | None:
        """Return ``value`` encrypted (format v2) for ``field`` of row ``row`` of ``table``; empty stays ``None``."""
        if value is None or value == "":
            return None
        aad = self.aad(table=table, row=row, field=field)
        nonce = os.urandom(NONCE_BYTES)
        return aad[: 1 + GENERATION_BYTES] + nonce + self._aead.encrypt(nonce, value.encode("utf-8"), aad)

    def encrypt_v1(self, field: str, value: str | None) -> bytes | None:
        """Return ``value`` in the old v1 format (label-only associated data, key generation 1).

        Only for the migrations written before v2 (their tables had no ``aad_id`` yet) and for the tests of the
        conversion; nothing else writes v1.
        """
        if value is None or value == "":
            return None
        nonce = os.urandom(NONCE_BYTES)
        return FORMAT_V1 + nonce + self.keys[1].aead.encrypt(nonce, value.encode("utf-8"), field.encode())

    def decrypt(self, field: str, blob: bytes | memoryview | None, *, table: str, row: bytes | None) -> str | None:
        """Return the text in ``blob``; raise ``DecryptionFailed`` unless it was made for this very place.

        A v2 value decrypts only in the incident, table, row and field it was encrypted for, with the key generation
        its header names; a v1 value (made before associated data named the row) only under its field label.
        """
        if blob is None:
            return None
        blob = bytes(blob)
        generation = blob_generation(blob)
        key = self.keys.get(generation)
        if key is None:
            raise DecryptionFailed(
                f"The value in {table}.{field} was encrypted with key generation {generation}, which this incident"
                " no longer has."
            )
        if blob[:1] == FORMAT_V1:
            nonce, sealed, aad = blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :], field.encode()
        else:
            if not row:
                raise DecryptionFailed(f"The value in {table}.{field} has no row id to check it against.")
            start = 1 + GENERATION_BYTES
            nonce, sealed = blob[start : start + NONCE_BYTES], blob[start + NONCE_BYTES :]
            aad = value_aad(generation=generation, incident_id=self.incident_id, table=table, row=row, field=field)
        try:
            plain = key.aead.decrypt(nonce, sealed, aad)
        except InvalidTag:
            raise DecryptionFailed(
                f"The value in {table}.{field} does not belong here: it was made for another incident, row or field,"
                " or it was altered."
            ) from None
        return plain.decode("utf-8")

    def index_normalized(self, kind: str, normalized: str) -> bytes:
        """Return the blind index of an already normalised value (with the newest key generation)."""
        message = f"{kind}:{normalized}".encode()
        return hmac.new(self._index_key, message, hashlib.sha256).digest()[:INDEX_BYTES]

    def indexes_normalized(self, kind: str, normalized: str) -> list[bytes]:
        """Return the blind index of a normalised value under every live generation (newest first).

        Lookups use these while a rotation is under way: a row not yet re-indexed still carries the old index.
        """
        message = f"{kind}:{normalized}".encode()
        order = sorted(self.keys, reverse=True)
        return [hmac.new(self.keys[g].index_key, message, hashlib.sha256).digest()[:INDEX_BYTES] for g in order]

    def blind_index(self, kind: IndexKind, value: Any) -> bytes | None:
        """Return the blind index of ``value``, or ``None`` when it is empty or cannot be normalised."""
        if value is None or value == "":
            return None
        try:
            normalized = normalize_for_index(kind, value)
        except ValueError:
            return None
        return self.index_normalized(kind, normalized)

    def blind_indexes(self, kind: IndexKind, value: Any) -> list[bytes]:
        """Return the blind indexes of ``value`` under every live generation (empty when it has none)."""
        if value is None or value == "":
            return []
        try:
            normalized = normalize_for_index(kind, value)
        except ValueError:
            return []
        return self.indexes_normalized(kind, normalized)


_cache: dict[int, tuple[float, IncidentCipher]] = {}
_cache_lock = threading.Lock()
# The key generation the cached ciphers belong to, and when (monotonic) it was last read from the database.
_generation: dict[str, float] = {"value": -1.0, "read_at": float("-inf")}
# Outside a request the generation is read again when the last read is older than this (a worker decrypting a batch
# reads it about once a second, not once per value); every request reads it afresh (``KeyGenerationMiddleware``).
GENERATION_CHECK_SECONDS = 1.0


def forget_cipher(incident_id: int | None = None) -> None:
    """Drop cached ciphers (all, or one incident's) so that the next use reads the key again."""
    with _cache_lock:
        if incident_id is None:
            _cache.clear()
        else:
            _cache.pop(incident_id, None)


def key_generation() -> int:
    """Return the current key generation from the database (0 before the first shred or rotation)."""
    from breachdesk.core.models import KeyGeneration

    value = KeyGeneration.objects.filter(pk=1).values_list("value", flat=True).first()
    return int(value or 0)


def key_generation_bump() -> int:
    """Raise the key generation (inside the shred's or rotation's transaction) and return the new value."""
    from django.db.models import F

    from breachdesk.core.models import KeyGeneration

    KeyGeneration.objects.get_or_create(pk=1)
    KeyGeneration.objects.filter(pk=1).update(value=F("value") + 1)
    return key_generation()


def expire_key_generation_check(**kwargs: Any) -> None:
    """Make the next key use read the key generation again (receiver of ``request_started``: no query here)."""
    _generation["read_at"] = float("-inf")


def check_key_generation(*, force: bool = False) -> None:
    """Drop every cached cipher when the key generation moved since they were made (another process shredded)."""
    now = time.monotonic()
    if not force and now - _generation["read_at"] < GENERATION_CHECK_SECONDS:
        return
    current = float(key_generation())
    with _cache_lock:
        if current != _generation["value"]:
            _cache.clear()
            _generation["value"] = current
        _generation["read_at"] = now


def cipher_for(incident_id: int) -> IncidentCipher:
    """Return the cipher of an incident, reading and unwrapping its data key at most every 30 seconds.

    Raise ``KeyDestroyed`` when the key was shredded. The key generation is checked first (at each request, and at
    least every ``GENERATION_CHECK_SECONDS`` elsewhere), so a shred in any process ends every process's cached copy.
    """
    check_key_generation()
    now = time.monotonic()
    with _cache_lock:
        cached = _cache.get(incident_id)
        if cached is not None and cached[0] > now:
            return cached[1]
    from breachdesk.core.models import IncidentKey

    key = (
        IncidentKey.objects.filter(incident_id=incident_id)
        .only("wrapped_key", "destroyed_at", "generation", "previous_wrapped_key", "previous_generation")
        .first()
    )
    if key is None:
        raise ApplicationError(f"Incident {incident_id} has no data key.", code="crypto.no_key")
    if key.destroyed_at is not None or key.wrapped_key is None:
        raise KeyDestroyed("This incident's data key was destroyed, so its personal data can no longer be decrypted.")
    keys = {
        key.generation: DataKey.derive(
            unwrap_data_key(incident_id=incident_id, wrapped=bytes(key.wrapped_key), generation=key.generation)
        )
    }
    if key.previous_wrapped_key is not None and key.previous_generation is not None:
        # A rotation is under way: values not yet re-encrypted still name the previous generation.
        keys[key.previous_generation] = DataKey.derive(
            unwrap_data_key(
                incident_id=incident_id, wrapped=bytes(key.previous_wrapped_key), generation=key.previous_generation
            )
        )
    cipher = IncidentCipher(incident_id=incident_id, generation=key.generation, keys=keys)
    with _cache_lock:
        _cache[incident_id] = (now + CACHE_SECONDS, cipher)
    return cipher


def table_of(instance: Any) -> str:
    """Return the table label a model instance's values are bound to (``app_label.model``)."""
    return str(instance._meta.label_lower)


class EncryptedField:
    """Expose an encrypted binary column as plain text on a model that has an ``incident_id`` and an ``aad_id``.

    Declare ``name = EncryptedField("name_enc")`` next to ``name_enc = models.BinaryField(null=True)`` and
    ``aad_id = row_id_field()``. Reading decrypts and writing encrypts with the incident's key, bound to the incident,
    the model's table, the row's ``aad_id`` and the field label (the same bytes as
    ``cipher_for(incident_id).encrypt(label, value, table=..., row=aad_id)`` on the bulk path).
    """

    def __init__(self, column: str, label: str | None = None) -> None:
        self.column = column
        self.label = label

    def __set_name__(self, owner: type, name: str) -> None:
        if self.label is None:
            self.label = name

    def __get__(self, instance: Any, owner: type | None = None) -> Any:
        if instance is None:
            return self
        assert self.label is not None
        blob = getattr(instance, self.column)
        if blob is None:
            return None
        return cipher_for(instance.incident_id).decrypt(self.label, blob, table=table_of(instance), row=instance.aad_id)

    def __set__(self, instance: Any, value: str | None) -> None:
        assert self.label is not None
        if instance.aad_id is None:
            instance.aad_id = new_row_id()
        setattr(
            instance,
            self.column,
            cipher_for(instance.incident_id).encrypt(self.label, value, table=table_of(instance), row=instance.aad_id),
        )


def row_id_field() -> Any:
    """Return the ``aad_id`` column of a model with encrypted fields: 16 random bytes made with the row.

    It exists before the row has a primary key (the bulk import encrypts rows before it inserts them), never changes,
    and says nothing about the person; the associated data of every value of the row names it.
    """
    from django.db import models

    return models.BinaryField(null=True, editable=False, default=new_row_id)
