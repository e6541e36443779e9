"""Every read of personal data is on the record: pages and exports write hash-chained reads the lead can see."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from breachdesk.core import access_log
from breachdesk.core.models import AccessEvent
from breachdesk.registry import services as registry
from breachdesk.registry.tests.helpers import write_csv
from breachdesk.testing.fixtures import World

pytestmark = pytest.mark.django_db


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def _reads(world: World) -> list[dict[str, Any]]:
    return [access_log.as_dict(e) for e in access_log.reads(incident=world.incident)]


def test_opening_a_person_records_who_which_person_which_fields_and_the_route(world: World) -> None:
    response = _client(world.responder).get(f"/incidents/{world.incident.code}/registry/people/{world.person.pk}/")
    assert response.status_code == 200
    (read,) = _reads(world)
    assert read["actor"] == world.responder.get_username()
    assert read["object"] == f"person:{world.person.pk}"
    assert set(read["fields"]) == {"member_id", "name", "email", "phone"}  # what the record holds, not values
    assert read["route"] == "GET registry:person_detail"
    assert "見本" not in json.dumps(read, ensure_ascii=False)


def test_the_list_records_each_person_shown(world: World) -> None:
    registry.person_create(incident=world.incident, actor=world.lead, member_id="W-0002", email="b@example.jp")
    _client(world.lead).get(f"/incidents/{world.incident.code}/registry/people/")
    objects = [r["object"] for r in _reads(world)]
    assert len(objects) == 2
    assert all(str(o).startswith("person:") for o in objects)
    assert {tuple(r["fields"]) for r in _reads(world)} == {("member_id", "name (masked)", "email (masked)")}


def test_inquiries_attachments_error_files_and_exports_are_recorded(world: World, tmp_path: Path) -> None:
    lead = _client(world.lead)
    code = world.incident.code
    assert lead.get(f"/incidents/{code}/desk/{world.desk['inquiry_id']}/").status_code == 200
    assert lead.get(f"/incidents/{code}/desk/attachments/{world.desk['attachment_id']}/").status_code == 200
    bad = write_csv(tmp_path / "bad.csv", [["会員番号", "メールアドレス"], ["E-1", "not-an-address"]])
    job = registry.import_job_run(
        job=registry.import_job_create(incident=world.incident, actor="t", path=bad), actor="t"
    )
    assert lead.get(f"/incidents/{code}/registry/imports/{job.pk}/errors/").status_code == 200
    export = lead.post(f"/incidents/{code}/registry/export/", {"format": "csv", "encoding": "utf-8"})
    assert export.status_code == 200
    registry.person_export(
        incident=world.incident, actor="cli", fmt="csv", encoding="utf-8", full=True, out=io.BytesIO()
    )
    reads = _reads(world)
    by_object = {str(r["object"]).split(":")[0]: r for r in reads}
    assert by_object["inquiry"]["route"] == "GET inquiries:inquiry_detail"
    assert "body" in by_object["inquiry"]["fields"]
    assert by_object["attachment"]["object"] == f"attachment:{world.desk['attachment_id']}"
    assert by_object["job"]["fields"] == ["file:errors"]
    exports = [r for r in reads if str(r["object"]).startswith("export:")]
    assert [e["route"] for e in exports] == ["POST registry:export", "cli"]
    assert "name (masked)" in exports[0]["fields"]
    assert "name" in exports[1]["fields"]  # the full export


def test_the_chain_detects_a_changed_or_deleted_read(world: World) -> None:
    for _ in range(3):
        _client(world.lead).get(f"/incidents/{world.incident.code}/registry/people/{world.person.pk}/")
    assert access_log.verify(incident=world.incident).ok
    second = AccessEvent.objects.get(incident=world.incident, seq=2)
    AccessEvent.objects.filter(pk=second.pk).update(actor_label="someone-else")
    report = access_log.verify(incident=world.incident)
    assert (report.ok, report.seq, report.reason) == (False, 2, "content does not match its hash")
    AccessEvent.objects.filter(pk=second.pk).delete()
    assert access_log.verify(incident=world.incident).reason == "expected sequence 2"


def test_the_command_prints_one_json_object_per_read_and_filters_by_time(
    world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    _client(world.lead).get(f"/incidents/{world.incident.code}/registry/people/{world.person.pk}/")
    call_command("access-log", "--incident", world.incident.code, "--json")
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    row = json.loads(lines[0])
    assert {"at", "actor", "object", "fields", "route"} <= set(row)
    assert row["object"] == f"person:{world.person.pk}"
    later = (timezone.now() + timedelta(minutes=5)).isoformat()
    call_command("access-log", "--incident", world.incident.code, "--json", "--since", later)
    assert capsys.readouterr().out.strip() == ""


def test_only_the_lead_sees_the_log_page_and_its_download(world: World) -> None:
    _client(world.responder).get(f"/incidents/{world.incident.code}/registry/people/{world.person.pk}/")
    url = f"/incidents/{world.incident.code}/registry/access-log/"
    page = _client(world.lead).get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert f"person:{world.person.pk}" in text
    assert world.responder.get_username() in text
    assert _client(world.responder).get(url).status_code == 403
    assert _client(world.outsider).get(url).status_code == 404
    download = _client(world.lead).get(url + "?format=jsonl")
    lines = b"".join(download.streaming_content).decode().splitlines()  # type: ignore[attr-defined]
    assert json.loads(lines[0])["actor"] == world.responder.get_username()
