"""A shred leaves nothing readable: no key, no file, no cached cipher in any process, no page that shows a person."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from breachdesk.core import crypto
from breachdesk.core.errors import KeyDestroyed
from breachdesk.core.models import KeyGeneration, TimelineEvent
from breachdesk.core.services import data_key_destroy
from breachdesk.inquiries.models import Attachment
from breachdesk.registry import services as registry
from breachdesk.registry.models import ImportJob, JobStatus
from breachdesk.registry.tests.helpers import write_csv
from breachdesk.testing.fixtures import World
from breachdesk.testing.routes import iter_routes

pytestmark = pytest.mark.django_db

# The world's affected person (registry.testing.sample_registry) and what the uploads below hold.
SECRETS = ["W-0001", "見本 花子", "hanako.mihon@example.jp", "090-0000-1111", "UPL-424242", "上野 秘子", "ERR-777777"]


def _files_of(incident_id: int) -> list[Path]:
    places = [Path(settings.VAR_DIR) / "registry" / str(incident_id), Path(settings.MEDIA_ROOT) / "inquiries"]
    places[1] = places[1] / str(incident_id)
    return [p for place in places if place.exists() for p in place.rglob("*") if p.is_file()]


@pytest.fixture
def filled(world: World, tmp_path: Path) -> World:
    """Give the world's incident an upload waiting for its mapping, an error file and an attachment on disk."""
    upload = SimpleUploadedFile("members.csv", "会員番号,氏名\r\nUPL-424242,上野 秘子\r\n".encode())
    path = registry.upload_store(incident=world.incident, upload=upload)
    registry.import_job_create(
        incident=world.incident, actor=world.lead, path=path, owns_file=True, status=JobStatus.PENDING
    )
    bad = write_csv(tmp_path / "bad.csv", [["会員番号", "メールアドレス"], ["ERR-777777", "not-an-address"]])
    job = registry.import_job_create(incident=world.incident, actor=world.lead, path=bad)
    registry.import_job_run(job=job, actor=world.lead)
    job.refresh_from_db()
    assert Path(job.errors_path).is_file()
    assert Attachment.objects.filter(incident=world.incident).exclude(stored_path="").exists()
    return world


def test_a_shred_deletes_the_incidents_files_and_ends_its_unfinished_jobs(filled: World) -> None:
    incident = filled.incident
    before = _files_of(incident.pk)
    assert len(before) >= 3  # the upload, the error file, the attachment
    assert any(b"UPL-424242" in p.read_bytes() for p in before)  # the upload is plaintext until its job ends
    data_key_destroy(incident=incident, actor=filled.lead, reason="retention over")
    assert _files_of(incident.pk) == []
    jobs = ImportJob.objects.filter(incident=incident)
    assert not jobs.filter(status=JobStatus.PENDING).exists()
    assert set(jobs.values_list("file_path", flat=True)) == {""}
    assert set(jobs.values_list("errors_path", flat=True)) == {""}
    assert set(Attachment.objects.filter(incident=incident).values_list("stored_path", flat=True)) == {""}
    purge = TimelineEvent.objects.get(incident=incident, kind="crypto.files_purged")
    assert purge.data["files"]["registry"] >= 2
    assert purge.data["files"]["inquiries"] >= 1
    # The other incident's files are untouched.
    assert (Path(settings.VAR_DIR) / "registry").exists()


def test_a_shred_in_another_process_ends_this_processs_cached_key(world: World) -> None:
    """Another process's shred is only a database change: the generation it moved ends the cached cipher here."""
    cipher = crypto.cipher_for(world.incident.pk)
    assert (
        cipher.decrypt("name", world.person.name_enc, table="registry.person", row=world.person.aad_id) == "見本 花子"
    )
    # What another process's shred leaves in the database, without touching this process's cache:
    from breachdesk.core.models import IncidentKey

    IncidentKey.objects.filter(incident=world.incident).update(wrapped_key=None, destroyed_at="2026-01-01T00:00:00Z")
    crypto.key_generation_bump()
    assert crypto.cipher_for(world.incident.pk) is cipher  # within the check interval the cache may still answer
    crypto.expire_key_generation_check()  # what a new request does (request_started), or a second passing
    with pytest.raises(KeyDestroyed):
        crypto.cipher_for(world.incident.pk)


def test_each_request_checks_the_generation_before_its_first_key_use(world: World) -> None:
    crypto.cipher_for(world.incident.pk)
    crypto.check_key_generation(force=True)
    from breachdesk.core.models import IncidentKey

    IncidentKey.objects.filter(incident=world.incident).update(wrapped_key=None, destroyed_at="2026-01-01T00:00:00Z")
    KeyGeneration.objects.update_or_create(pk=1, defaults={"value": 99})
    client = Client()
    client.force_login(world.lead)
    response = client.get(f"/incidents/{world.incident.code}/registry/people/{world.person.pk}/")
    assert response.status_code == 410
    assert "見本" not in response.content.decode()


def test_after_a_shred_no_page_shows_a_person_and_none_fails(filled: World) -> None:
    data_key_destroy(incident=filled.incident, actor=filled.lead)
    client = Client()
    client.force_login(filled.lead)
    values = filled.url_kwargs()
    seen = 0
    for route in iter_routes():
        if route.namespace == "admin" or ("<code>" not in route.route and "<slug:code>" not in route.route):
            continue
        try:
            url = route.build(values)
        except KeyError:
            continue
        response = client.get(url)
        seen += 1
        assert response.status_code < 500, (url, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        for secret in SECRETS:
            assert secret.encode() not in body, (url, secret)
    assert seen > 30
    out = io.BytesIO()
    with pytest.raises(KeyDestroyed):
        registry.person_export(
            incident=filled.incident, actor=filled.lead, fmt="csv", encoding="utf-8", full=True, out=out
        )


def test_database_rows_of_a_shredded_incident_hold_no_plaintext(filled: World, django_db_blocker: Any) -> None:
    from breachdesk.registry.tests.test_importing import _database_bytes

    data_key_destroy(incident=filled.incident, actor=filled.lead)
    raw = _database_bytes()
    for secret in SECRETS:
        assert secret.encode() not in raw, secret
