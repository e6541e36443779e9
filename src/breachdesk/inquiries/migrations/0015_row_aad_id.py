"""Bind every encrypted value of the inquiries to its incident, table, row and field (AES-GCM associated data v2).

Each row gets its own random ``aad_id`` (``AddField`` gives all existing rows the same one, so the data step gives
each a fresh id first), then every v1 value (bound to its field label only) is decrypted and written back as v2,
in batches (``core.rekey.migrate_to_v2``).
Going back turns v2 values into v1 again (refused once a data key was rotated).
"""

from typing import Any

import breachdesk.core.crypto
from django.db import migrations, models


def values_to_v2(apps: Any, schema_editor: Any) -> None:
    from breachdesk.core.rekey import migrate_to_v2

    migrate_to_v2(apps, "inquiries")


def values_to_v1(apps: Any, schema_editor: Any) -> None:
    from breachdesk.core.rekey import migrate_to_v1

    migrate_to_v1(apps, "inquiries")


class Migration(migrations.Migration):
    dependencies = [
        ("inquiries", "0014_desk_outbound_charset"),
        ("core", "0006_data_key_generation"),
        ("incidents", "__first__"),
    ]

    operations = [
        migrations.AddField(
            model_name="attachment",
            name="aad_id",
            field=models.BinaryField(default=breachdesk.core.crypto.new_row_id, null=True),
        ),
        migrations.AddField(
            model_name="deskconfig",
            name="aad_id",
            field=models.BinaryField(default=breachdesk.core.crypto.new_row_id, null=True),
        ),
        migrations.AddField(
            model_name="inquiry",
            name="aad_id",
            field=models.BinaryField(default=breachdesk.core.crypto.new_row_id, null=True),
        ),
        migrations.AddField(
            model_name="message",
            name="aad_id",
            field=models.BinaryField(default=breachdesk.core.crypto.new_row_id, null=True),
        ),
        migrations.AddField(
            model_name="reply",
            name="aad_id",
            field=models.BinaryField(default=breachdesk.core.crypto.new_row_id, null=True),
        ),
        migrations.RunPython(values_to_v2, values_to_v1, elidable=False),
    ]
