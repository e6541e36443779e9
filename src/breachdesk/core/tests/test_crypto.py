from __future__ import annotations

import os
from datetime import date
from typing import Any

import pytest
from django.core.management import call_command
from django.db import models

from breachdesk.core import crypto
from breachdesk.core.errors import KeyDestroyed
from breachdesk.core.models import IncidentKey, TimelineEvent
from breachdesk.testing.fixtures import World

ROW = bytes(range(16))
AT: dict[str, Any] = {"table": "registry.person", "row": ROW}  # where the test values live: a table and a row id


def test_a_cipher_round_trips_text_including_japanese() -> None:
    cipher = crypto.IncidentCipher.from_data_key(incident_id=1, data_key=os.urandom(32))
    blob = cipher.encrypt("name", "山田 太郎", **AT)
    assert blob is not None
    assert "山田".encode() not in blob
    assert cipher.decrypt("name", blob, **AT) == "山田 太郎"


def test_the_same_value_encrypts_differently_each_time() -> None:
    cipher = crypto.IncidentCipher.from_data_key(incident_id=1, data_key=os.urandom(32))
    assert cipher.encrypt("email", "a@example.jp", **AT) != cipher.encrypt("email", "a@example.jp", **AT)


def test_a_value_moved_to_another_column_does_not_decrypt() -> None:
    cipher = crypto.IncidentCipher.from_data_key(incident_id=1, data_key=os.urandom(32))
    blob = cipher.encrypt("email", "a@example.jp", **AT)
    with pytest.raises(crypto.DecryptionFailed, match="phone"):
        cipher.decrypt("phone", blob, **AT)


def test_a_flipped_bit_is_detected() -> None:
    cipher = crypto.IncidentCipher.from_data_key(incident_id=1, data_key=os.urandom(32))
    blob = bytearray(cipher.encrypt("name", "佐藤", **AT) or b"")
    blob[-1] ^= 1
    with pytest.raises(crypto.DecryptionFailed):
        cipher.decrypt("name", bytes(blob), **AT)


def test_empty_values_stay_empty() -> None:
    cipher = crypto.IncidentCipher.from_data_key(incident_id=1, data_key=os.urandom(32))
    assert cipher.encrypt("name", "", **AT) is None
    assert cipher.decrypt("name", None, **AT) is None
    assert cipher.blind_index("email", "") is None


def test_a_wrapped_key_opens_only_with_its_master_key_and_incident() -> None:
    key = os.urandom(32)
    master = os.urandom(32)
    wrapped = crypto.wrap_data_key(incident_id=7, data_key=key, master_key=master)
    assert crypto.unwrap_data_key(incident_id=7, wrapped=wrapped, master_key=master) == key
    with pytest.raises(crypto.DecryptionFailed, match="master key"):
        crypto.unwrap_data_key(incident_id=7, wrapped=wrapped, master_key=os.urandom(32))
    with pytest.raises(crypto.DecryptionFailed):
        crypto.unwrap_data_key(incident_id=8, wrapped=wrapped, master_key=master)


@pytest.mark.parametrize(
    ("kind", "a", "b"),
    [
        ("email", "Yamada@Example.JP", " yamada@example.jp "),
        ("email", "ｙａｍａｄａ＠ｅｘａｍｐｌｅ．ｊｐ", "yamada@example.jp"),
        ("phone", "090-1234-5678", "+81 90 1234 5678"),
        ("phone", "０９０ー１２３４ー５６７８", "09012345678"),
        ("member_id", "ＯＣＯ-001", "OCO-001"),
        ("name_birth", ("山田　太郎", date(1985, 4, 1)), ("山田太郎", date(1985, 4, 1))),
        ("name_birth", ("ﾔﾏﾀﾞ ﾀﾛｳ", date(1985, 4, 1)), ("やまだたろう", date(1985, 4, 1))),
    ],
)
def test_blind_indexes_match_equivalent_spellings(kind: crypto.IndexKind, a: object, b: object) -> None:
    cipher = crypto.IncidentCipher.from_data_key(incident_id=1, data_key=os.urandom(32))
    assert cipher.blind_index(kind, a) == cipher.blind_index(kind, b)
    assert cipher.blind_index(kind, a) is not None


def test_a_malformed_phone_gets_no_index_rather_than_a_wrong_one() -> None:
    cipher = crypto.IncidentCipher.from_data_key(incident_id=1, data_key=os.urandom(32))
    assert cipher.blind_index("phone", "call me maybe") is None


@pytest.mark.django_db
def test_the_same_email_gets_a_different_index_in_another_incident(world: World) -> None:
    first = crypto.cipher_for(world.incident.pk).blind_index("email", "hanako@example.jp")
    second = crypto.cipher_for(world.other_incident.pk).blind_index("email", "hanako@example.jp")
    assert first is not None
    assert second is not None
    assert first != second


class _Probe(models.Model):
    """Stand in for a registry row: an incident id, an encrypted column and a blind index."""

    incident_id = 0
    aad_id = None
    name_enc = None
    email_enc = None
    name = crypto.EncryptedField("name_enc")
    email = crypto.EncryptedField("email_enc")

    class Meta:
        app_label = "core"
        managed = False

    def __str__(self) -> str:
        return "probe"


@pytest.mark.django_db
def test_the_model_field_and_the_bulk_path_produce_interchangeable_bytes(world: World) -> None:
    probe = _Probe()
    probe.incident_id = world.incident.pk
    probe.name = "鈴木 花子"
    assert isinstance(probe.name_enc, bytes)
    assert probe.aad_id is not None  # the row got its id with its first value
    place: dict[str, Any] = {"table": "core._probe", "row": probe.aad_id}
    assert crypto.cipher_for(world.incident.pk).decrypt("name", probe.name_enc, **place) == "鈴木 花子"
    probe.email_enc = crypto.cipher_for(world.incident.pk).encrypt("email", "hanako@example.jp", **place)
    assert probe.email == "hanako@example.jp"


@pytest.mark.django_db
def test_a_blind_index_lookup_finds_the_person_it_was_made_for(world: World) -> None:
    """Store indexes for three people as rows and find one of them by a differently written email."""
    cipher = crypto.cipher_for(world.incident.pk)
    people = {"taro@example.jp": "太郎", "hanako@example.jp": "花子", "jiro@example.jp": "次郎"}
    stored = {cipher.blind_index("email", email): cipher.encrypt("name", name, **AT) for email, name in people.items()}
    found = stored.get(cipher.blind_index("email", "  HANAKO@example.JP"))
    assert cipher.decrypt("name", found, **AT) == "花子"


@pytest.mark.django_db
def test_after_shred_decryption_fails_with_a_clear_error(world: World) -> None:
    blob = crypto.cipher_for(world.incident.pk).encrypt("name", "山田 太郎", **AT)
    call_command("shred", "--incident", world.incident.code, "--yes", "--reason", "closure")
    key = IncidentKey.objects.get(incident=world.incident)
    assert key.wrapped_key is None
    assert key.destroyed_at is not None
    with pytest.raises(KeyDestroyed, match="destroyed"):
        crypto.cipher_for(world.incident.pk).decrypt("name", blob, **AT)
    event = TimelineEvent.objects.filter(incident=world.incident, kind="crypto.key_destroyed").get()
    assert event.data == {"reason": "closure"}
    purged = TimelineEvent.objects.filter(incident=world.incident).order_by("-seq").first()
    assert purged is not None
    assert purged.kind == "crypto.files_purged"  # the files go right after the key
    # The other incident's key is untouched.
    assert crypto.cipher_for(world.other_incident.pk).encrypt("name", "x", **AT) is not None


@pytest.mark.django_db
def test_shred_without_yes_and_without_a_terminal_refuses(world: World) -> None:
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="--yes"):
        call_command("shred", "--incident", world.incident.code)
    assert IncidentKey.objects.get(incident=world.incident).destroyed_at is None


@pytest.mark.django_db
def test_shred_asks_for_the_code_and_stops_on_a_wrong_answer(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    from django.core.management import CommandError

    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda *a: "case-2")
    with pytest.raises(CommandError, match="Not confirmed"):
        call_command("shred", "--incident", world.incident.code)
    assert IncidentKey.objects.get(incident=world.incident).destroyed_at is None
    monkeypatch.setattr("builtins.input", lambda *a: world.incident.code)
    call_command("shred", "--incident", world.incident.code)
    assert IncidentKey.objects.get(incident=world.incident).destroyed_at is not None


@pytest.mark.django_db
def test_a_new_data_key_for_an_incident_id_replaces_the_cipher_cached_for_it(world: World) -> None:
    from breachdesk.core.services import data_key_create

    incident = world.other_incident
    earlier = crypto.cipher_for(incident.pk)  # cached, as a worker holds it between requests
    IncidentKey.objects.filter(incident=incident).delete()  # the id comes back with another key (a restore)
    data_key_create(incident=incident)
    now = crypto.cipher_for(incident.pk)
    assert now is not earlier
    blob = now.encrypt("email", "a@example.jp", **AT)
    with pytest.raises(crypto.DecryptionFailed):
        earlier.decrypt("email", blob, **AT)
    assert crypto.cipher_for(incident.pk).decrypt("email", blob, **AT) == "a@example.jp"


def _cipher() -> crypto.IncidentCipher:
    return crypto.IncidentCipher.from_data_key(incident_id=1, data_key=os.urandom(32))


def test_a_value_copied_to_another_row_does_not_decrypt() -> None:
    cipher = _cipher()
    blob = cipher.encrypt("email", "a@example.jp", table="registry.person", row=ROW)
    other_row = bytes(reversed(ROW))
    with pytest.raises(crypto.DecryptionFailed, match=r"registry\.person\.email does not belong here"):
        cipher.decrypt("email", blob, table="registry.person", row=other_row)
    assert cipher.decrypt("email", blob, table="registry.person", row=ROW) == "a@example.jp"


def test_a_value_copied_to_another_table_or_incident_does_not_decrypt() -> None:
    data_key = os.urandom(32)
    cipher = crypto.IncidentCipher.from_data_key(incident_id=1, data_key=data_key)
    blob = cipher.encrypt("name", "佐藤", table="registry.person", row=ROW)
    with pytest.raises(crypto.DecryptionFailed):
        cipher.decrypt("name", blob, table="inquiries.inquiry", row=ROW)
    # The same key under another incident id (a restore that reused keys) still refuses: the incident is bound too.
    other = crypto.IncidentCipher.from_data_key(incident_id=2, data_key=data_key)
    with pytest.raises(crypto.DecryptionFailed):
        other.decrypt("name", blob, table="registry.person", row=ROW)


def test_a_v2_value_names_its_format_and_key_generation() -> None:
    cipher = crypto.IncidentCipher.from_data_key(incident_id=1, data_key=os.urandom(32), generation=3)
    blob = cipher.encrypt("name", "佐藤", **AT)
    assert blob is not None
    assert blob[:1] == crypto.FORMAT_V2
    assert crypto.blob_generation(blob) == 3


def test_a_v1_value_still_decrypts_but_only_under_its_label() -> None:
    cipher = _cipher()
    old = cipher.encrypt_v1("name", "佐藤")
    assert old is not None
    assert old[:1] == crypto.FORMAT_V1
    assert cipher.decrypt("name", old, **AT) == "佐藤"
    with pytest.raises(crypto.DecryptionFailed):
        cipher.decrypt("email", old, **AT)


def test_the_associated_data_encoding_is_unambiguous() -> None:
    """Parts are length-prefixed: moving a character from one part to the next changes the bytes."""
    one = crypto.value_aad(generation=1, incident_id=1, table="registry.person", row=b"ab", field="cname")
    two = crypto.value_aad(generation=1, incident_id=1, table="registry.person", row=b"abc", field="name")
    assert one != two
    with pytest.raises(crypto.ApplicationError):
        crypto.value_aad(generation=1, incident_id=1, table="registry.person", row=b"", field="name")


@pytest.mark.django_db
def test_a_stored_value_swapped_between_two_people_does_not_decrypt(world: World) -> None:
    from breachdesk.registry.models import Person
    from breachdesk.registry.services import person_create

    other = person_create(incident=world.incident, actor="test", member_id="W-0999", email="other@example.jp")
    mine = Person.objects.get(pk=world.person.pk)
    Person.objects.filter(pk=other.pk).update(email_enc=mine.email_enc)  # someone with database access swaps them
    swapped = Person.objects.get(pk=other.pk)
    with pytest.raises(crypto.DecryptionFailed, match="does not belong here"):
        _ = swapped.email
    assert Person.objects.get(pk=world.person.pk).email == mine.email
