"""Re-encrypt an incident's stored values: the v1 → v2 migration and the data-key rotation share this walk.

Each app says where it keeps encrypted values (``EncryptedTable``, registered in ``core.extensions.encrypted_tables``):
the model, its encrypted columns and their field labels, and how to recompute the row's blind indexes from the
plaintext. ``table_reencrypt`` walks one table of one incident in primary-key batches, each in its own transaction
with the batch's rows locked (``SELECT … FOR UPDATE`` on PostgreSQL), decrypts every value with whatever generation
and format it names and writes it back as v2 under the cipher's newest generation, bound to the row.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from breachdesk.core.crypto import FORMAT_V1, FORMAT_V2, IncidentCipher, blob_generation, new_row_id

Values = dict[str, str | None]
Reindex = Callable[[IncidentCipher, Values], dict[str, bytes | None]]
BATCH = 500


@dataclass(frozen=True)
class EncryptedTable:
    """Describe one table with encrypted values.

    ``columns`` maps each binary column to the field label its values are bound to. ``reindex`` (optional) returns
    the blind-index columns computed from the decrypted values (keyed by label). ``file_label`` names the label of an
    encrypted file whose path (under MEDIA_ROOT) is in the column ``file_column``. ``incident_lookup`` says how
    the rows of an incident are found (default: ``incident_id``); ``row_id_of`` overrides where a row's id comes from
    (a snapshot table binds to the live row it copies).
    """

    model: str
    table: str
    columns: dict[str, str]
    reindex: Reindex | None = None
    file_column: str | None = None
    file_label: str | None = None
    incident_lookup: str = "incident_id"
    row_id_of: Callable[[Any, list[Any]], dict[Any, bytes | None]] | None = None
    orphan_delete: bool = False
    extra: tuple[str, ...] = field(default=())


def encrypted_tables() -> list[EncryptedTable]:
    """Return every app's encrypted tables, in the order they are walked (live rows before their snapshots)."""
    from breachdesk.core import extensions

    out: list[EncryptedTable] = []
    for part in extensions.encrypted_tables.all():
        out.extend(part.fn())
    return out


def is_current(blob: bytes | memoryview | None, generation: int) -> bool:
    """Tell whether a stored value is already v2 under ``generation`` (``None`` counts as current)."""
    if blob is None:
        return True
    head = bytes(blob[:1])
    return head == FORMAT_V2 and blob_generation(blob) == generation


def _is_v1(blob: bytes | memoryview | None) -> bool:
    return blob is None or bytes(blob[:1]) == FORMAT_V1


def _file_rewrite(
    path: Path, text: str | None, cipher: IncidentCipher, spec: EncryptedTable, row: bytes, *, to_v1: bool = False
) -> Path:
    """Write the file's content again under ``cipher`` next to the old file; return the new file's path.

    The row is pointed at the new file in the batch's transaction and the old file is deleted only once that commits,
    so a rolled-back batch leaves the row with the old file, which still matches it.
    """
    assert spec.file_label is not None
    if to_v1:
        blob = cipher.encrypt_v1(spec.file_label, text) or b""
    else:
        blob = cipher.encrypt(spec.file_label, text, table=spec.table, row=row) or b""
    target = path.with_name(f"{uuid.uuid4().hex}{path.suffix}")
    with open(os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
        out.write(blob)
    transaction.on_commit(lambda: path.unlink(missing_ok=True))
    return target


def table_reencrypt(
    *,
    model: Any,
    spec: EncryptedTable,
    incident_id: int,
    cipher: IncidentCipher | Callable[[], IncidentCipher],
    reindex: bool,
    new_row_ids: bool = False,
    media_root: str | None = None,
    batch_size: int = BATCH,
    to_v1: bool = False,
) -> int:
    """Re-encrypt the stale values of one table of one incident; return how many rows were rewritten.

    A row is stale when one of its values is not v2 under the cipher's newest generation (every row is, with
    ``new_row_ids``: the migration gives each row its own id first). ``cipher`` may be a callable, called once per
    batch, so a rotation sees a shred that happens while it runs. With ``reindex`` the blind indexes are computed
    again from the plaintext (a new data key gives new index keys). ``to_v1`` goes the other way (the migration's
    reverse): every value back to the label-only v1 format, which needs key generation 1.
    """
    columns = list(spec.columns)
    wanted = ["pk", *([] if spec.row_id_of else ["aad_id"]), *columns, *spec.extra]
    if spec.file_column:
        wanted.append(spec.file_column)
    base = model.objects.filter(**{spec.incident_lookup: incident_id}).order_by("pk")
    last: Any = None
    rewritten = 0
    while True:
        current = cipher() if callable(cipher) else cipher
        with transaction.atomic():
            qs = base if last is None else base.filter(pk__gt=last)
            rows = list(qs.select_for_update(of=("self",)).values(*wanted)[:batch_size])
            if not rows:
                break
            last = rows[-1]["pk"]
            ids = spec.row_id_of(model, rows) if spec.row_id_of else {r["pk"]: r["aad_id"] for r in rows}
            orphans: list[Any] = []
            for row in rows:
                stale = new_row_ids or any(
                    not (_is_v1(row[c]) if to_v1 else is_current(row[c], current.generation)) for c in columns
                )
                path = None
                if spec.file_column and row[spec.file_column] and media_root:
                    path = Path(media_root) / row[spec.file_column]
                    if path.is_file():
                        with open(path, "rb") as handle:
                            head = handle.read(1 + 4)
                        stale = stale or not (_is_v1(head) if to_v1 else is_current(head, current.generation))
                    else:
                        path = None
                if not stale:
                    continue
                old_row = ids.get(row["pk"])
                if spec.row_id_of and old_row is None:
                    orphans.append(row["pk"])
                    continue
                old_row = bytes(old_row) if old_row is not None else None
                values: Values = {
                    spec.columns[c]: current.decrypt(spec.columns[c], row[c], table=spec.table, row=old_row)
                    for c in columns
                }
                row_id = new_row_id() if new_row_ids and not spec.row_id_of else old_row
                if row_id is None:
                    row_id = new_row_id()
                if to_v1:
                    changes: dict[str, Any] = {
                        c: current.encrypt_v1(spec.columns[c], values[spec.columns[c]]) for c in columns
                    }
                else:
                    changes = {
                        c: current.encrypt(spec.columns[c], values[spec.columns[c]], table=spec.table, row=row_id)
                        for c in columns
                    }
                if not spec.row_id_of and not to_v1:
                    changes["aad_id"] = row_id
                if reindex and spec.reindex is not None:
                    changes.update(spec.reindex(current, values | {k: row[k] for k in spec.extra}))
                if path is not None:
                    assert spec.file_label is not None
                    text = current.decrypt(spec.file_label, path.read_bytes(), table=spec.table, row=old_row)
                    assert spec.file_column is not None
                    assert media_root is not None
                    target = _file_rewrite(path, text, current, spec, row_id, to_v1=to_v1)
                    changes[spec.file_column] = str(target.relative_to(media_root))
                model.objects.filter(pk=row["pk"]).update(**changes)
                rewritten += 1
            if orphans and spec.orphan_delete:
                model.objects.filter(pk__in=orphans).delete()
    return rewritten


def incident_reencrypt(
    *,
    incident_id: int,
    cipher: IncidentCipher | Callable[[], IncidentCipher],
    reindex: bool,
    models: Callable[[str], Any] | None = None,
    tables: Iterable[EncryptedTable] | None = None,
    new_row_ids: bool = False,
    batch_size: int = BATCH,
    to_v1: bool = False,
) -> dict[str, int]:
    """Re-encrypt every stale value of an incident, table by table; return the rows rewritten per model."""
    from django.apps import apps as live_apps
    from django.conf import settings

    get_model = models or live_apps.get_model
    counts: dict[str, int] = {}
    for spec in tables if tables is not None else encrypted_tables():
        counts[spec.model] = table_reencrypt(
            model=get_model(spec.model),
            spec=spec,
            incident_id=incident_id,
            cipher=cipher,
            reindex=reindex,
            new_row_ids=new_row_ids,
            media_root=str(settings.MEDIA_ROOT),
            batch_size=batch_size,
            to_v1=to_v1,
        )
    return counts


def migrate_to_v2(apps: Any, app_label: str) -> dict[str, int]:
    """Give every row of ``app_label``'s encrypted tables its own row id and convert its v1 values to v2.

    Run from the app's data migration (``apps`` is the migration's model registry). Incidents whose key is gone
    (shredded) keep their unreadable bytes; only their rows get row ids. Safe to run again.
    """
    from breachdesk.core.crypto import cipher_for
    from breachdesk.core.errors import ApplicationError

    tables = [spec for spec in encrypted_tables() if spec.model.split(".")[0] == app_label]
    incident_model = apps.get_model("incidents", "Incident")
    counts: dict[str, int] = {}
    for incident_id in incident_model.objects.order_by("pk").values_list("pk", flat=True):
        try:
            cipher: IncidentCipher | None = cipher_for(incident_id)
        except ApplicationError:
            cipher = None
        for spec in tables:
            model = apps.get_model(spec.model)
            if cipher is None:
                if not spec.row_id_of:
                    for pk in model.objects.filter(**{spec.incident_lookup: incident_id}).values_list("pk", flat=True):
                        model.objects.filter(pk=pk).update(aad_id=new_row_id())
                continue
            done = incident_reencrypt(
                incident_id=incident_id,
                cipher=cipher,
                reindex=False,
                models=apps.get_model,
                tables=[spec],
                new_row_ids=True,
            )
            counts[spec.model] = counts.get(spec.model, 0) + done[spec.model]
    return counts


def migrate_to_v1(apps: Any, app_label: str) -> None:
    """Turn ``app_label``'s v2 values back into v1 (the data migration's reverse); refuse after a key rotation."""
    from django.db.migrations.exceptions import IrreversibleError

    from breachdesk.core.crypto import cipher_for
    from breachdesk.core.errors import ApplicationError

    tables = [spec for spec in encrypted_tables() if spec.model.split(".")[0] == app_label]
    incident_model = apps.get_model("incidents", "Incident")
    for incident_id in incident_model.objects.order_by("pk").values_list("pk", flat=True):
        try:
            cipher = cipher_for(incident_id)
        except ApplicationError:
            continue
        if set(cipher.keys) != {1}:
            raise IrreversibleError(
                f"Incident {incident_id}'s data key was rotated: v1 values can only be made with the first key."
            )
        incident_reencrypt(
            incident_id=incident_id, cipher=cipher, reindex=False, models=apps.get_model, tables=tables, to_v1=True
        )
