"""Rotate the master key: processes open data keys with the current or previous key; `keys rotate` re-wraps them."""

from __future__ import annotations

import base64
import io
import json
import os
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from breachdesk.core import crypto
from breachdesk.core.models import IncidentKey, TimelineEvent
from breachdesk.core.services import KEY_REWRAPPED, data_key_destroy
from breachdesk.registry.models import Person
from breachdesk.testing.fixtures import World

pytestmark = pytest.mark.django_db


def _run(*args: str) -> dict[str, Any]:
    out = io.StringIO()
    call_command("keys", *args, stdout=out)
    return json.loads(out.getvalue())


def _wrapped(world: World) -> bytes:
    wrapped = IncidentKey.objects.get(incident=world.incident).wrapped_key
    assert wrapped is not None
    return bytes(wrapped)


def _read_person(world: World) -> str | None:
    crypto.forget_cipher()
    return Person.objects.get(pk=world.person.pk).email


def test_a_rotation_keeps_every_registry_readable_and_moves_each_key_once(world: World, settings: Any) -> None:
    old, new = settings.BREACHDESK_MASTER_KEY, os.urandom(32)
    email = _read_person(world)
    assert email == "hanako.mihon@example.jp"
    data_key_destroy(incident=world.other_incident, actor="cli")  # a shredded incident stays shredded

    # Step 1: every process gets the new key as current and the old one as previous; nothing is re-wrapped yet.
    settings.BREACHDESK_MASTER_KEY, settings.BREACHDESK_MASTER_KEY_PREVIOUS = new, old
    assert _read_person(world) == email
    assert _run("check") == {
        "current": 0,
        "would_rewrap": 1,
        "destroyed": 1,
        "unreadable": 0,
        "previous_key_set": True,
    }
    # Step 2: re-wrap; step 3: the previous key is removed and everything still opens.
    assert _run("rotate")["rewrapped"] == 1
    assert TimelineEvent.objects.filter(incident=world.incident, kind=KEY_REWRAPPED).count() == 1
    settings.BREACHDESK_MASTER_KEY_PREVIOUS = None
    assert _read_person(world) == email
    assert _run("rotate") == {"current": 1, "rewrapped": 0, "destroyed": 1, "unreadable": 0, "previous_key_set": False}
    wrapped = _wrapped(world)
    with pytest.raises(crypto.DecryptionFailed):
        crypto.unwrap_data_key(incident_id=world.incident.pk, wrapped=wrapped, master_key=old)


def test_a_wrong_key_is_reported_and_nothing_changes(world: World, settings: Any) -> None:
    before = _wrapped(world)
    settings.BREACHDESK_MASTER_KEY = os.urandom(32)
    settings.BREACHDESK_MASTER_KEY_PREVIOUS = None
    with pytest.raises(CommandError, match="open with neither"):
        call_command("keys", "rotate", stdout=io.StringIO())
    assert _wrapped(world) == before


def test_generate_prints_a_fresh_32_byte_key() -> None:
    out = io.StringIO()
    call_command("keys", "generate", stdout=out)
    assert len(base64.b64decode(out.getvalue().strip(), validate=True)) == 32
