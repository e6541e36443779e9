"""Encrypt the member ID: a plaintext column next to ``affected`` and ``items`` said who leaked what without a key.

Existing rows are encrypted with their incident's data key (the same label the bulk path uses); rows of an incident
whose key was shredded lose the plaintext, which can no longer be protected. Lookups already use ``bidx_member``.
"""

from typing import Any

from django.db import migrations, models

BATCH = 2000


def _incident_of(name: str, row: Any) -> int:
    return int(row.job.incident_id if name == "PersonUndo" else row.incident_id)


def encrypt_member_ids(apps: Any, schema_editor: Any) -> None:
    from breachdesk.core.crypto import cipher_for
    from breachdesk.core.errors import ApplicationError

    ciphers: dict[int, Any] = {}
    for name in ("Person", "PersonUndo"):
        model = apps.get_model("registry", name)
        rows = model.objects.exclude(member_id="").order_by("pk")
        if name == "PersonUndo":
            rows = rows.select_related("job")
        batch: list[Any] = []
        for row in rows.iterator(chunk_size=BATCH):
            incident_id = _incident_of(name, row)
            if incident_id not in ciphers:
                try:
                    ciphers[incident_id] = cipher_for(incident_id)
                except ApplicationError:  # shredded (or no key): the plaintext is dropped, not kept
                    ciphers[incident_id] = None
            cipher = ciphers[incident_id]
            row.member_id_enc = cipher.encrypt_v1("member_id", row.member_id) if cipher is not None else None
            row.member_id = ""
            batch.append(row)
            if len(batch) >= BATCH:
                model.objects.bulk_update(batch, ["member_id_enc", "member_id"])
                batch = []
        if batch:
            model.objects.bulk_update(batch, ["member_id_enc", "member_id"])


def decrypt_member_ids(apps: Any, schema_editor: Any) -> None:
    from breachdesk.core.crypto import cipher_for
    from breachdesk.core.errors import ApplicationError

    for name in ("Person", "PersonUndo"):
        model = apps.get_model("registry", name)
        rows = model.objects.exclude(member_id_enc=None)
        if name == "PersonUndo":
            rows = rows.select_related("job")
        batch: list[Any] = []
        for row in rows.iterator(chunk_size=BATCH):
            try:
                row.member_id = cipher_for(_incident_of(name, row)).decrypt(
                    "member_id", row.member_id_enc, table="registry.person", row=None
                ) or ""
            except ApplicationError:
                row.member_id = ""
            batch.append(row)
        model.objects.bulk_update(batch, ["member_id"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0002_person_import_job_single_index"),
        ("core", "0003_rate_counter_in_core"),
    ]

    operations = [
        migrations.AddField(
            model_name="person",
            name="member_id_enc",
            field=models.BinaryField(null=True),
        ),
        migrations.AddField(
            model_name="personundo",
            name="member_id_enc",
            field=models.BinaryField(null=True),
        ),
        migrations.RunPython(encrypt_member_ids, decrypt_member_ids),
        migrations.RemoveField(
            model_name="person",
            name="member_id",
        ),
        migrations.RemoveField(
            model_name="personundo",
            name="member_id",
        ),
    ]
