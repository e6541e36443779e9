"""Migrations registry 0004 and inquiries 0015 give each row its own id and re-encrypt v1 values as v2."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from breachdesk.core import crypto
from breachdesk.inquiries.models import Inquiry
from breachdesk.registry.models import ENCRYPTED, Person, PersonUndo
from breachdesk.testing.fixtures import World

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("registry", "0003_member_id_encrypted"), ("inquiries", "0014_desk_outbound_charset")]


def _migrate(target: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def _latest() -> list[tuple[str, str]]:
    return list(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _formats(blobs: Any) -> set[bytes]:
    return {bytes(blob[:1]) for blob in blobs if blob is not None}


def test_v1_values_become_v2_bound_to_their_own_rows(world: World) -> None:
    email_before = Person.objects.get(pk=world.person.pk).email
    subject_before = Inquiry.objects.filter(incident=world.incident).order_by("pk").first()
    assert subject_before is not None
    subject_text = subject_before.subject
    old = _migrate(BEFORE)  # going back turns the world's v2 values into v1
    try:
        cipher = crypto.cipher_for(world.incident.pk)
        person_model = old.get_model("registry", "Person")
        undo_model = old.get_model("registry", "PersonUndo")
        job_model = old.get_model("registry", "ImportJob")
        with connection.cursor() as cursor:
            cursor.execute("SELECT email_enc FROM registry_person WHERE id = %s", [world.person.pk])
            (blob,) = cursor.fetchone()
        assert bytes(blob[:1]) == crypto.FORMAT_V1
        now = timezone.now()
        planted = []
        for n in range(5):  # more than one batch would hold with a small batch; each a separate row id afterwards
            planted.append(
                person_model.objects.create(
                    incident_id=world.incident.pk,
                    member_id_enc=cipher.encrypt_v1("member_id", f"V1-{n:04d}"),
                    email_enc=cipher.encrypt_v1("email", f"v1-{n}@example.jp"),
                    bidx_email=cipher.blind_index("email", f"v1-{n}@example.jp"),
                    source="master",
                    created_at=now,
                    updated_at=now,
                ).pk
            )
        job = job_model.objects.create(incident_id=world.incident.pk, file_name="old.csv")
        undo_model.objects.create(
            job=job,
            person_id=planted[0],
            member_id_enc=cipher.encrypt_v1("member_id", "V1-UNDO"),
            affected=False,
            items=0,
            updated_at=now,
        )
    finally:
        _migrate(_latest())
    crypto.forget_cipher()
    people = Person.objects.filter(incident=world.incident)
    for column in ENCRYPTED.values():
        assert _formats(people.values_list(column, flat=True)) <= {crypto.FORMAT_V2}
    row_ids = [bytes(r or b"") for r in people.values_list("aad_id", flat=True)]
    assert len(set(row_ids)) == len(row_ids)  # AddField gave them all one id; the data step gave each its own
    for n, pk in enumerate(planted):
        person = Person.objects.get(pk=pk)
        assert person.member_id == f"V1-{n:04d}"
        assert person.email == f"v1-{n}@example.jp"
    assert Person.objects.get(pk=world.person.pk).email == email_before  # down and up again: unchanged
    undo = PersonUndo.objects.get(person_id=planted[0])
    assert bytes(undo.member_id_enc or b"")[:1] == crypto.FORMAT_V2
    cipher = crypto.cipher_for(world.incident.pk)
    first = Person.objects.get(pk=planted[0])
    assert cipher.decrypt("member_id", undo.member_id_enc, table="registry.person", row=first.aad_id) == "V1-UNDO"
    inquiry = Inquiry.objects.get(pk=subject_before.pk)
    assert bytes(inquiry.subject_enc or b"")[:1] == crypto.FORMAT_V2
    assert inquiry.subject == subject_text
    # Bound now: the first planted person's email, copied onto the second, no longer decrypts there.
    second = Person.objects.get(pk=planted[1])
    with pytest.raises(crypto.DecryptionFailed):
        cipher.decrypt("email", first.email_enc, table="registry.person", row=second.aad_id)
