from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from breachdesk.core import extensions
from breachdesk.core.models import TimelineEvent
from breachdesk.core.roles import Role
from breachdesk.incidents import services as incident_services
from breachdesk.registry.models import ImportJob, JobStatus, Person
from breachdesk.registry.tests.helpers import MASTER_HEADER, MASTER_ROWS, master_file, run
from breachdesk.testing.factories import UserFactory
from breachdesk.testing.fixtures import World, client_for

pytestmark = pytest.mark.django_db


def url(name: str, **kwargs: Any) -> str:
    return reverse(f"registry:{name}", kwargs={"code": "case-1", **kwargs})


@pytest.fixture(autouse=True)
def _run_tasks_inline(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_a_responder_finds_a_person_by_email_through_the_index(world: World, tmp_path: Path) -> None:
    run("import-people", "--incident", "case-1", str(master_file(tmp_path)))
    page = client_for(world.responder).post(url("person_list"), {"q": "Hanako@Example.jp"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "M0002" in body
    assert "M0001" not in body
    assert "佐藤 *子" in body
    assert 'method="post"' in body


def test_a_search_term_in_the_url_is_ignored_so_it_never_belongs_there(world: World, tmp_path: Path) -> None:
    run("import-people", "--incident", "case-1", str(master_file(tmp_path)))
    body = client_for(world.responder).get(url("person_list"), {"q": "Hanako@Example.jp"}).content.decode()
    assert "M0001" in body  # the whole list: the GET search did not run
    assert "Hanako@Example.jp" not in body


def test_the_person_page_shows_items_and_the_sections_other_apps_register(world: World) -> None:
    section = extensions.PersonSection(
        "test-inquiries",
        template="registry/_test_section.html",
        context=lambda p, a, r: {"note": f"inquiries of {p.pk}"},
    )
    with extensions.person_sections.replaced([section]):
        page = client_for(world.responder).get(url("person_detail", person_id=world.person.pk))
    body = page.content.decode()
    assert page.status_code == 200
    assert "見本 花子" in body
    assert "メールアドレス" in body  # the item named in the reader's language, not its key
    assert f"inquiries of {world.person.pk}" in body


def test_it_refuses_person_pages_to_the_reviewer_but_shows_the_counts(world: World) -> None:
    reviewer = client_for(world.reviewer_client)
    assert reviewer.get(url("person_list")).status_code == 403
    assert reviewer.get(url("person_detail", person_id=world.person.pk)).status_code == 403
    overview = reviewer.get(url("overview"))
    assert overview.status_code == 200
    assert "見本" not in overview.content.decode()


def test_it_hides_a_person_of_another_incident(world: World) -> None:
    foreign = Person.objects.create(
        incident=world.other_incident,
        source="master",
        created_at=world.person.created_at,
        updated_at=world.person.created_at,
    )
    assert client_for(world.lead).get(url("person_detail", person_id=foreign.pk)).status_code == 404
    assert client_for(world.outsider).get(url("person_detail", person_id=world.person.pk)).status_code == 404


def test_it_refuses_every_export_to_a_responder(world: World) -> None:
    """The desk reads one person at a time; a file of the whole registry is the lead's (PII_EXPORT_MASKED)."""
    client = client_for(world.responder)
    for data in ({"format": "csv", "encoding": "utf-8", "full": "on"}, {"format": "csv", "encoding": "utf-8"}):
        response = client.post(url("export"), data, follow=True)  # a refused form: back with the reason
        assert "attachment" not in response.get("Content-Disposition", "")
        assert "does not allow this" in response.content.decode()
    assert client.get(url("export")).status_code == 403
    assert not TimelineEvent.objects.filter(kind="registry.exported").exists()


def test_the_lead_gets_a_masked_export_and_a_full_one(world: World) -> None:
    masked = client_for(world.lead).post(url("export"), {"format": "csv", "encoding": "utf-8"})
    assert masked.status_code == 200
    assert "ha***@example.jp" in b"".join(masked.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    full = client_for(world.lead).post(url("export"), {"format": "csv", "encoding": "utf-8", "full": "on"})
    assert "hanako.mihon@example.jp" in b"".join(full.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert list(TimelineEvent.objects.filter(kind="registry.exported").values_list("data__masked", flat=True)) == [
        True,
        False,
    ]


def test_the_lead_uploads_maps_columns_and_watches_the_import_finish_and_an_engineer_may_not(world: World) -> None:
    engineer: Any = UserFactory(username="engineer")
    incident_services.membership_add(incident=world.incident, actor=world.lead, user=engineer, role=Role.ENGINEER)
    refused = client_for(engineer).post(
        url("job_upload"), {"file": SimpleUploadedFile("x.csv", b"a,b\r\n1,2")}, follow=True
    )
    assert "does not allow this" in refused.content.decode()  # PII_IMPORT is the lead's: previews show others' rows
    assert not ImportJob.objects.filter(file_name="x.csv").exists()
    assert client_for(world.responder).get(url("job_list")).status_code == 403
    client = client_for(world.lead)
    rows = [["No.", *MASTER_HEADER[1:]], *MASTER_ROWS, ["M9", "悪い", "", "bad-email", "", "", "", ""]]
    content = "\r\n".join(",".join(r) for r in rows).encode("cp932")
    response = client.post(url("job_upload"), {"file": SimpleUploadedFile("会員.csv", content), "encoding": "auto"})
    job = ImportJob.objects.get(incident=world.incident, file_name="会員.csv")
    assert response.status_code == 302
    assert job.status == JobStatus.PENDING
    preview = client.get(url("job_detail", job_id=job.pk)).content.decode()
    assert "ta***@example.jp" in preview
    assert "taro@example.jp" not in preview
    assert "cp932" in preview
    fields = {
        f"col_{i}": key
        for i, key in enumerate(
            ["member_id", "name", "name_kana", "email", "phone", "postal_code", "address", "birth_date"]
        )
    }
    response = client.post(
        url("job_detail", job_id=job.pk), {**fields, "source": "affected_list", "items": ["name", "email"]}
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.imported, job.rejected) == (JobStatus.DONE, 3, 1)
    assert not Path(job.file_path).exists()  # the plaintext upload is gone once the job is done
    progress = client.get(url("job_progress", job_id=job.pk)).content.decode()
    assert 'value="100"' in progress
    assert "hx-trigger" not in progress
    assert url("job_errors", job_id=job.pk) in progress  # one row was rejected
    ImportJob.objects.filter(pk=job.pk).update(rejected=0)
    assert url("job_errors", job_id=job.pk) not in client.get(url("job_progress", job_id=job.pk)).content.decode()
    ImportJob.objects.filter(pk=job.pk).update(rejected=1)
    errors = client.get(url("job_errors", job_id=job.pk))
    assert errors.status_code == 200
    assert b"bad-email" not in b"".join(errors.streaming_content)  # type: ignore[attr-defined]
    assert client_for(world.reviewer_client).get(url("job_errors", job_id=job.pk)).status_code == 403
    assert client_for(world.outsider).get(url("job_errors", job_id=job.pk)).status_code == 404


def test_a_running_job_polls_its_progress(world: World) -> None:
    job = ImportJob.objects.create(
        incident=world.incident, file_name="x.csv", status=JobStatus.RUNNING, bytes_total=200, bytes_done=50
    )
    body = client_for(world.lead).get(url("job_progress", job_id=job.pk)).content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert 'value="25"' in body


def test_a_bad_mapping_is_shown_and_nothing_runs(world: World) -> None:
    content = "会員ID,メール\r\nM1,a@example.jp\r\n".encode()
    client = client_for(world.lead)
    client.post(url("job_upload"), {"file": SimpleUploadedFile("x.csv", content), "encoding": "auto"})
    job = ImportJob.objects.get(file_name="x.csv")
    response = client.post(url("job_detail", job_id=job.pk), {"col_0": "email", "col_1": "email", "source": "master"})
    assert response.status_code == 200
    assert "same item" in response.content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.PENDING


def test_the_leak_match_upload_runs_and_marks_people(world: World) -> None:
    content = "メールアドレス,購入履歴\r\nhanako.mihon@example.jp,x\r\n".encode()
    client = client_for(world.lead)
    response = client.post(url("match_upload"), {"file": SimpleUploadedFile("leak.csv", content), "encoding": "auto"})
    job = ImportJob.objects.get(file_name="leak.csv")
    client.post(url("job_detail", job_id=job.pk), {"col_0": "email", "col_1": "order_history"})
    job.refresh_from_db()
    assert response.status_code == 302
    assert (job.status, job.matched) == (JobStatus.DONE, 1)
    world.person.refresh_from_db()
    assert "order_history" in world.person.item_keys


def test_the_dashboard_shows_the_registry_panel_to_every_member(world: World) -> None:
    body = (
        client_for(world.reviewer_client, language="en")
        .get(reverse("web:incident_dashboard", kwargs={"code": "case-1"}))
        .content.decode()
    )
    assert 'id="panel-registry"' in body
    assert "1 affected of 1 people" in body


def test_an_interrupted_import_is_resumed_from_the_job_page(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from breachdesk.registry import services
    from breachdesk.registry.importing import bulk, pipeline
    from breachdesk.registry.tests.helpers import write_csv

    monkeypatch.setattr(pipeline, "BATCH_ROWS", 3)
    original = bulk.BatchWriter.write
    calls = {"n": 0}

    def crash_on_third(self: bulk.BatchWriter, records: list, now: object) -> bulk.BatchCounts:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt  # the worker was stopped mid-file
        return original(self, records, now)  # type: ignore[arg-type]

    monkeypatch.setattr(bulk.BatchWriter, "write", crash_on_third)
    rows = [["会員ID", "メール"]] + [[f"R{i}", f"r{i}@example.jp"] for i in range(10)]
    job = services.import_job_create(incident=world.incident, actor="cli", path=write_csv(tmp_path / "r.csv", rows))
    with pytest.raises(KeyboardInterrupt):
        services.import_job_run(job=job, actor="cli")
    monkeypatch.setattr(bulk.BatchWriter, "write", original)
    job.refresh_from_db()
    assert (job.status, job.checkpoint_row) == (JobStatus.INTERRUPTED, 7)

    lead = client_for(world.lead, language="en")
    page = lead.get(url("job_detail", job_id=job.pk)).content.decode()
    assert 'id="resume-job"' in page
    assert "Resume from row 8" in page
    assert client_for(world.outsider).post(url("job_resume", job_id=job.pk)).status_code == 404
    denied = client_for(world.reviewer_client).post(url("job_resume", job_id=job.pk), follow=True)
    assert denied.status_code == 403
    job.refresh_from_db()
    assert job.status == JobStatus.INTERRUPTED  # the refused requests changed nothing

    response = lead.post(url("job_resume", job_id=job.pk), follow=True)
    job.refresh_from_db()
    assert (job.status, job.rows, job.imported) == (JobStatus.DONE, 10, 10)
    assert "The job goes on from row 8." in response.content.decode()
    assert Person.objects.filter(incident=world.incident, import_job=job).count() == 10
    resumed = TimelineEvent.objects.get(incident=world.incident, kind="registry.import_resumed")
    assert resumed.data["checkpoint_row"] == 7

    again = lead.post(url("job_resume", job_id=job.pk), follow=True).content.decode()
    assert "Only an interrupted job can be resumed; this one is: Done." in again
    assert TimelineEvent.objects.filter(incident=world.incident, kind="registry.import_resumed").count() == 1
