"""Migration 0003 encrypts the member IDs already stored in clear (people and undo rows) and drops the column."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from breachdesk.core.crypto import cipher_for
from breachdesk.testing.fixtures import World

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("registry", "0002_person_import_job_single_index")]
AFTER = [("registry", "0003_member_id_encrypted")]


def latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return list(executor.loader.graph.leaf_nodes())


def _migrate(target: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def test_existing_member_ids_are_encrypted_and_the_plaintext_column_is_gone(world: World) -> None:
    from breachdesk.registry.models import Person

    old = _migrate(BEFORE)
    try:
        person_model = old.get_model("registry", "Person")
        job_model = old.get_model("registry", "ImportJob")
        undo_model = old.get_model("registry", "PersonUndo")
        now = timezone.now()
        cipher = cipher_for(world.incident.pk)
        job = job_model.objects.create(incident_id=world.incident.pk, file_name="old.csv")
        person = person_model.objects.create(
            incident_id=world.incident.pk,
            member_id="OLD-000123",
            bidx_member=cipher.blind_index("member_id", "OLD-000123"),
            source="master",
            created_at=now,
            updated_at=now,
        )
        undo_model.objects.create(
            job=job, person_id=person.pk, member_id="OLD-000099", affected=False, items=0, updated_at=now
        )
        _migrate(AFTER)
        with connection.cursor() as cursor:
            cursor.execute("SELECT member_id_enc FROM registry_personundo")
            (blob,) = cursor.fetchone()
            columns = [c.name for c in connection.introspection.get_table_description(cursor, "registry_person")]
    finally:
        _migrate(latest())
    stored = Person.objects.get(pk=person.pk)
    assert stored.member_id == "OLD-000123"
    assert stored.member_id_enc is not None
    assert b"OLD-000123" not in bytes(stored.member_id_enc)
    assert cipher.decrypt("member_id", blob, table="registry.person", row=None) == "OLD-000099"  # v1 at 0003
    assert "member_id" not in columns
    assert Person.objects.get(pk=world.person.pk).member_id == "W-0001"  # down and up again: unchanged
