"""Rotate one incident's data key: values, files and blind indexes move to the new key; the old key is gone."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from breachdesk.core import crypto
from breachdesk.core.errors import ApplicationError
from breachdesk.core.models import IncidentKey, TimelineEvent
from breachdesk.core.rotation import DATA_KEY_ROTATED, _start, data_key_rotate
from breachdesk.core.services import data_key_destroy
from breachdesk.inquiries.intake.receive import read_attachment
from breachdesk.inquiries.models import Attachment, Inquiry
from breachdesk.registry.models import ENCRYPTED, Person
from breachdesk.registry.selectors import person_lookup
from breachdesk.registry.services import person_create
from breachdesk.testing.fixtures import World

pytestmark = pytest.mark.django_db

PEOPLE = [(f"R-{n:04d}", f"rot{n}@example.jp", f"090-5555-{n:04d}") for n in range(7)]


def _rotate(world: World) -> dict[str, Any]:
    out = io.StringIO()
    call_command(
        "keys",
        "rotate-data",
        "--incident",
        world.incident.code,
        "--batch-size",
        "3",
        "--settle-seconds",
        "0",
        stdout=out,
    )
    return json.loads(out.getvalue())


def _key(world: World) -> IncidentKey:
    return IncidentKey.objects.get(incident=world.incident)


def _generations(world: World) -> set[int]:
    """Return the key generations named by every encrypted value of the incident's people, inquiries and files."""
    seen: set[int] = set()
    for row in Person.objects.filter(incident=world.incident).values_list(*ENCRYPTED.values()):
        seen |= {crypto.blob_generation(blob) for blob in row if blob is not None}
    for blob in Inquiry.objects.filter(incident=world.incident).values_list("subject_enc", flat=True):
        if blob is not None:
            seen.add(crypto.blob_generation(blob))
    for path in (
        Attachment.objects.filter(incident=world.incident).exclude(stored_path="").values_list("stored_path", flat=True)
    ):
        seen.add(crypto.blob_generation((Path(settings.MEDIA_ROOT) / path).read_bytes()))
    return seen


@pytest.fixture
def people(world: World) -> World:
    for member, email, phone in PEOPLE:
        person_create(
            incident=world.incident, actor="test", member_id=member, email=email, phone=phone, name="回転 太郎"
        )
    return world


def test_a_rotation_moves_every_value_to_a_new_key_and_removes_the_old_one(people: World) -> None:
    world = people
    before = _key(world)
    old_wrapped = bytes(before.wrapped_key or b"")
    old_cipher = crypto.cipher_for(world.incident.pk)
    attachment = Attachment.objects.filter(incident=world.incident).exclude(stored_path="").first()
    assert attachment is not None
    content = read_attachment(attachment)
    email_index = Person.objects.get(pk=world.person.pk).bidx_email
    assert _generations(world) == {1}

    report = _rotate(world)

    assert report["from_generation"] == 1
    assert report["to_generation"] == 2
    assert report["rows"]["registry.Person"] == len(PEOPLE) + 1
    key = _key(world)
    assert key.generation == 2
    assert key.previous_wrapped_key is None
    assert key.previous_generation is None
    assert bytes(key.wrapped_key or b"") != old_wrapped
    assert _generations(world) == {2}
    crypto.forget_cipher()
    for member, email, phone in PEOPLE:
        found = person_lookup(incident=world.incident, email=email)
        assert found is not None
        assert found.member_id == member
        assert found.phone is not None
        assert person_lookup(incident=world.incident, member_id=member) == found
        assert person_lookup(incident=world.incident, phone=phone) == found
    assert Person.objects.get(pk=world.person.pk).bidx_email != email_index  # the index key changed too
    assert read_attachment(Attachment.objects.get(pk=attachment.pk)) == content
    # The old key opens none of the new values: the rotation re-encrypted them, not just re-labelled them.
    stored = Person.objects.get(pk=world.person.pk)
    with pytest.raises(crypto.DecryptionFailed, match="generation 2"):
        old_cipher.decrypt("email", stored.email_enc, table="registry.person", row=stored.aad_id)
    event = TimelineEvent.objects.get(incident=world.incident, kind=DATA_KEY_ROTATED)
    assert event.data["to_generation"] == 2
    # The other incident is untouched.
    assert IncidentKey.objects.get(incident=world.other_incident).generation == 1


def test_a_second_rotation_works_too(people: World) -> None:
    world = people
    _rotate(world)
    second = _rotate(world)
    assert second["from_generation"] == 2
    assert second["to_generation"] == 3
    assert _generations(people) == {3}
    crypto.forget_cipher()
    found = person_lookup(incident=world.incident, email=PEOPLE[3][1])
    assert found is not None
    assert found.member_id == PEOPLE[3][0]
    assert TimelineEvent.objects.filter(incident=world.incident, kind=DATA_KEY_ROTATED).count() == 2


def test_the_desk_reads_and_finds_people_while_a_rotation_is_half_way(people: World) -> None:
    """A rotation that stopped after its start leaves values of both generations: both read, both are found."""
    world = people
    _start(incident=world.incident)
    crypto.forget_cipher()
    cipher = crypto.cipher_for(world.incident.pk)
    assert sorted(cipher.keys) == [1, 2]
    old = Person.objects.get(pk=world.person.pk)
    assert crypto.blob_generation(old.email_enc or b"") == 1
    assert old.email is not None  # an old value reads with the previous key
    assert person_lookup(incident=world.incident, email=PEOPLE[0][1]) is not None  # an old index is still found
    fresh = person_create(incident=world.incident, actor="test", member_id="R-NEW", email="new@example.jp")
    assert crypto.blob_generation(Person.objects.get(pk=fresh.pk).email_enc or b"") == 2  # new values use the new key
    assert person_lookup(incident=world.incident, email="new@example.jp") == fresh

    report = data_key_rotate(incident=world.incident, actor="test", settle_seconds=0)

    assert report["resumed"] is True
    assert _generations(world) == {2}
    crypto.forget_cipher()
    assert person_lookup(incident=world.incident, email="new@example.jp") == fresh
    assert person_lookup(incident=world.incident, email=PEOPLE[0][1]) is not None


def test_a_shred_during_a_rotation_destroys_both_keys(people: World) -> None:
    world = people
    _start(incident=world.incident)
    data_key_destroy(incident=world.incident, actor="test", reason="closure")
    key = _key(world)
    assert key.wrapped_key is None
    assert key.previous_wrapped_key is None
    with pytest.raises(ApplicationError):
        data_key_rotate(incident=world.incident, actor="test", settle_seconds=0)
    with pytest.raises(CommandError, match="destroyed"):
        _rotate(world)


def test_rotate_data_needs_a_known_incident(world: World) -> None:
    with pytest.raises(CommandError, match="--incident"):
        call_command("keys", "rotate-data")
    with pytest.raises(CommandError, match="No incident"):
        call_command("keys", "rotate-data", "--incident", "nope")


def test_a_rotation_waits_for_a_running_import(people: World) -> None:
    from breachdesk.registry.models import ImportJob, JobStatus

    world = people
    job = ImportJob.objects.create(incident=world.incident, file_name="big.csv", status=JobStatus.RUNNING)
    with pytest.raises(ApplicationError, match="import is running"):
        data_key_rotate(incident=world.incident, actor="test", settle_seconds=0)
    assert _key(world).generation == 1  # nothing started
    # An import that began as the new key appeared: the walk runs, but the old key stays until the import ends.
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.DONE)
    _start(incident=world.incident)
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    with pytest.raises(ApplicationError, match="still running"):
        data_key_rotate(incident=world.incident, actor="test", settle_seconds=0)
    assert _key(world).previous_wrapped_key is not None
    assert Person.objects.get(pk=world.person.pk).email is not None
    ImportJob.objects.filter(pk=job.pk).update(status=JobStatus.DONE)
    report = data_key_rotate(incident=world.incident, actor="test", settle_seconds=0)
    assert report["resumed"] is True
    assert _key(world).previous_wrapped_key is None
