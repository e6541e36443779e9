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

FORMAT_VERSION = b"\x01"
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


def _wrap_aad(incident_id: int) -> bytes:
    return f"breachdesk:data-key:{incident_id}".encode()


def wrap_data_key(*, incident_id: int, data_key: bytes, master_key: bytes | None = None) -> bytes:
    """Return ``data_key`` encrypted by the master key and bound to ``incident_id``."""
    master = master_key if master_key is not None else settings.BREACHDESK_MASTER_KEY
    nonce = os.urandom(NONCE_BYTES)
    return FORMAT_VERSION + nonce + AESGCM(master).encrypt(nonce, data_key, _wrap_aad(incident_id))


def unwrap_data_key(*, incident_id: int, wrapped: bytes, master_key: bytes | None = None) -> bytes:
    """Return the data key inside ``wrapped``; raise ``DecryptionFailed`` on a wrong master key or tampering.

    Without an explicit ``master_key``, try the current master key, then ``BREACHDESK_MASTER_KEY_PREVIOUS`` (set
    only while a rotation is under way).
    """
    return unwrap_data_key_with(incident_id=incident_id, wrapped=wrapped, master_key=master_key)[0]


def unwrap_data_key_with(*, incident_id: int, wrapped: bytes, master_key: bytes | None = None) -> tuple[bytes, str]:
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
            return AESGCM(master).decrypt(nonce, sealed, _wrap_aad(incident_id)), name
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


@dataclass(frozen=True)
class IncidentCipher:
    """Encrypt, decrypt and index values of one incident."""

    incident_id: int
    _aead: AESGCM
    _index_key: bytes

    @classmethod
    def from_data_key(cls, *, incident_id: int, data_key: bytes) -> IncidentCipher:
        return cls(
            incident_id=incident_id,
            _aead=AESGCM(_derive(data_key, b"field-encryption")),
            _index_key=_derive(data_key, b"blind-index"),
        )

    def encrypt(self, field: str, value: str | None) -> bytes | None:
        """Return ``value`` encrypted for column ``field``; ``None`` and the empty string stay ``None``."""
        if value is None or value == "":
            return None
        nonce = os.urandom(NONCE_BYTES)
        return FORMAT_VERSION + nonce + self._aead.encrypt(nonce, value.encode("utf-8"), field.encode())

    def decrypt(self, field: str, blob: bytes | memoryview | None) -> str | None:
        """Return the text in ``blob``; raise ``DecryptionFailed`` when it was not made by this cipher for ``field``."""
        if blob is None:
            return None
        blob = bytes(blob)
        if blob[:1] != FORMAT_VERSION:
            raise DecryptionFailed(f"The value in {field} has an unknown format.")
        try:
            plain = self._aead.decrypt(blob[1 : 1 + NONCE_BYTES], blob[1 + NONCE_BYTES :], field.encode())
        except InvalidTag:
            raise DecryptionFailed(f"The value in {field} does not decrypt with this incident's key.") from None
        return plain.decode("utf-8")

    def index_normalized(self, kind: str, normalized: str) -> bytes:
        """Return the blind index of an already normalised value."""
        message = f"{kind}:{normalized}".encode()
        return hmac.new(self._index_key, message, hashlib.sha256).digest()[:INDEX_BYTES]

    def blind_index(self, kind: IndexKind, value: Any) -> bytes | None:
        """Return the blind index of ``value``, or ``None`` when it is empty or cannot be normalised."""
        if value is None or value == "":
            return None
        try:
            normalized = normalize_for_index(kind, value)
        except ValueError:
            return None
        return self.index_normalized(kind, normalized)


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

    key = IncidentKey.objects.filter(incident_id=incident_id).only("wrapped_key", "destroyed_at").first()
    if key is None:
        raise ApplicationError(f"Incident {incident_id} has no data key.", code="crypto.no_key")
    if key.destroyed_at is not None or key.wrapped_key is None:
        raise KeyDestroyed("This incident's data key was destroyed, so its personal data can no longer be decrypted.")
    data_key = unwrap_data_key(incident_id=incident_id, wrapped=bytes(key.wrapped_key))
    cipher = IncidentCipher.from_data_key(incident_id=incident_id, data_key=data_key)
    with _cache_lock:
        _cache[incident_id] = (now + CACHE_SECONDS, cipher)
    return cipher


class EncryptedField:
    """Expose an encrypted binary column as plain text on a model that has an ``incident_id``.

    Declare ``name = EncryptedField("name_enc")`` next to ``name_enc = models.BinaryField(null=True)``. Reading
    decrypts and writing encrypts with the incident's key, under the same field label that the bulk path uses
    (``cipher_for(incident_id).encrypt("name", value)``).
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
        return cipher_for(instance.incident_id).decrypt(self.label, getattr(instance, self.column))

    def __set__(self, instance: Any, value: str | None) -> None:
        assert self.label is not None
        setattr(instance, self.column, cipher_for(instance.incident_id).encrypt(self.label, value))
