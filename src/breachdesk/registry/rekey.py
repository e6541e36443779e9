"""Say where the registry keeps encrypted values and how a person's blind indexes are computed (``core.rekey``)."""

from __future__ import annotations

from typing import Any

from breachdesk.core.crypto import IncidentCipher
from breachdesk.core.rekey import EncryptedTable, Values

PERSON_TABLE = "registry.person"
BIDX = ("bidx_member", "bidx_email", "bidx_phone", "bidx_name_birth", "bidx_name_address")


def _columns() -> dict[str, str]:
    from breachdesk.registry.models import ENCRYPTED

    return {column: label for label, column in ENCRYPTED.items()}


def person_reindex(cipher: IncidentCipher, values: Values) -> dict[str, bytes | None]:
    """Return a person's five blind indexes computed from its decrypted values, as the import computes them."""
    from breachdesk.registry.importing.bulk import index_keys
    from breachdesk.registry.importing.mapping import ColumnMap
    from breachdesk.registry.importing.validate import RowError, RowReader

    labels = list(_columns().values())
    reader = RowReader(
        ColumnMap(headers=labels, keys=list[str | None](labels), ignored=[]), items_mask=None, affected=False
    )
    try:
        record = reader.read(0, [values.get(label) or "" for label in labels])
    except RowError:
        record = None
    if record is None:
        return dict.fromkeys(BIDX)
    return dict(zip(BIDX, index_keys(cipher, record), strict=True))


def _person_row_ids(model: Any, rows: list[Any]) -> dict[Any, bytes | None]:
    """Return, per snapshot row, the row id of the person it copies (a snapshot is bound to the live row)."""
    person = model._meta.apps.get_model("registry", "Person")  # the live model, or the migration's
    ids = dict(person.objects.filter(pk__in=[r["person_id"] for r in rows]).values_list("pk", "aad_id"))
    return {r["pk"]: ids.get(r["person_id"]) for r in rows}


def encrypted_tables() -> list[EncryptedTable]:
    columns = _columns()
    return [
        EncryptedTable(model="registry.Person", table=PERSON_TABLE, columns=columns, reindex=person_reindex),
        # An undo snapshot holds a person's earlier values, bound to that person's row: a rollback writes them back.
        # A snapshot of a person deleted since can never be restored, so the walk deletes it.
        EncryptedTable(
            model="registry.PersonUndo",
            table=PERSON_TABLE,
            columns=columns,
            reindex=person_reindex,
            incident_lookup="job__incident_id",
            row_id_of=_person_row_ids,
            orphan_delete=True,
            extra=("person_id",),
        ),
    ]
