"""Serve the registry pages: overview, people, person, imports with progress, leak matching and export."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import cast

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods, require_POST

from breachdesk.core import access_log, extensions
from breachdesk.core.errors import ApplicationError, PermissionDenied, error_text
from breachdesk.core.roles import Capability
from breachdesk.core.types import AuthedRequest
from breachdesk.incidents.access import incident_view
from breachdesk.incidents.selectors import IncidentAccess
from breachdesk.registry import forms, selectors, services
from breachdesk.registry.masking import mask
from breachdesk.registry.models import ENCRYPTED, JobKind, JobStatus
from breachdesk.registry.tasks import registry_job_run
from breachdesk.registry.templatetags.registry_items import item_label

# What the list shows of each person (the access log records it per row shown).
LIST_FIELDS = ("member_id", "name (masked)", "email (masked)")


def _to(name: str, access: IncidentAccess, **kwargs: object) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse(f"registry:{name}", kwargs={"code": access.incident.code, **kwargs}))


def _file(response: FileResponse) -> HttpResponse:
    """Type a file download as the decorator's ``HttpResponse`` (a streaming response serves the same purpose)."""
    return cast(HttpResponse, response)


def _context(access: IncidentAccess, **extra: object) -> dict[str, object]:
    return {
        "access": access,
        "incident": access.incident,
        "can_access_log": access.can(Capability.VIEW_ACCESS_LOG),
        "can_list": access.can(Capability.PII_LIST),
        "can_import": access.can(Capability.PII_IMPORT),
        "can_export": access.can(Capability.PII_EXPORT_MASKED),
        **extra,
    }


@incident_view()
def overview(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Show the aggregate counts by item; every member may see them, the people list needs PII_LIST."""
    counts = selectors.registry_counts(incident=access.incident)
    return render(
        request,
        "registry/overview.html",
        _context(access, counts=counts),
    )


@incident_view(Capability.PII_LIST)
@require_http_methods(["GET", "POST"])
def person_list(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """List people, searched by member ID, email or phone through the blind index.

    The search term travels in a POST body only, so no email address or phone number reaches a URL (server logs,
    browser history, the Referer header); a ``q`` in the query string is ignored. Filters and the page number, which
    identify nobody, may stay in the URL.
    """
    data = request.POST.copy() if request.method == "POST" else request.GET.copy()
    if request.method != "POST":
        data.pop("q", None)
    form = forms.SearchForm(data or None)
    people = selectors.person_search(incident=access.incident)
    if form.is_valid():
        affected = {"yes": True, "no": False}.get(form.cleaned_data["affected"] or "")
        try:
            people = selectors.person_search(
                incident=access.incident,
                query=form.cleaned_data["q"],
                affected=affected,
                item=form.cleaned_data["item"] or None,
            )
        except ApplicationError as exc:
            messages.error(request, error_text(exc))
    page = Paginator(people, 50).get_page(data.get("page"))
    shown = list(page.object_list)
    rows = [{"person": p, "name": mask("name", p.name or ""), "email": mask("email", p.email or "")} for p in shown]
    access_log.record_many(
        incident=access.incident,
        actor=request.user,
        reads=[access_log.Read(f"person:{p.pk}", LIST_FIELDS) for p in shown],
        route=access_log.route_of(request),
    )
    searched = bool(form.is_bound and form.is_valid() and form.cleaned_data["q"])
    query = data.copy()
    query.pop("page", None)
    query.pop("csrfmiddlewaretoken", None)
    if searched:
        query.pop("q", None)
    return render(
        request,
        "registry/person_list.html",
        _context(
            access,
            form=form,
            page=page,
            rows=rows,
            query=query.urlencode(),
            searched=searched,
            search_fields=[(k, v) for k, v in data.items() if k in ("q", "affected", "item")],
        ),
    )


@incident_view()
def person_detail(request: AuthedRequest, person_id: int, *, access: IncidentAccess) -> HttpResponse:
    """Show a person's data, leaked items, and the sections other apps register (inquiries, deliveries, …).

    The desk reads any record (``PII_READ_RECORD``); an engineer only the person their own deletion task names
    (``PII_READ_ASSIGNED``, checked by the grant the inquiries app registers). Anyone else is refused before the
    record is read, so the refusal is the same whether the person exists or not.
    """
    if not access.can(Capability.PII_READ_RECORD):
        access.require(Capability.PII_READ_ASSIGNED)
        if not any(g.fn(person_id, access, request.user) for g in extensions.record_grants.all()):
            raise PermissionDenied(
                gettext_noop("Only the people named in your own deletion tasks are open to you."),
                code="registry.not_assigned",
            )
    person = selectors.person_get(incident=access.incident, person_id=person_id)
    fields = [(item_label(name), getattr(person, name) or "") for name in ENCRYPTED]
    access_log.record(
        incident=access.incident,
        actor=request.user,
        obj=f"person:{person.pk}",
        fields=[name for name in ENCRYPTED if getattr(person, name)],
        route=access_log.route_of(request),
    )
    sections = []
    for section in extensions.person_sections.all():
        context = section.context(person, access, request)
        if context is not None:
            sections.append(
                render_to_string(section.template, {"person": person, "access": access, **context}, request)
            )
    return render(
        request, "registry/person_detail.html", _context(access, person=person, fields=fields, sections=sections)
    )


@incident_view(Capability.PII_IMPORT)
def job_list(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """List the import and match history with counts and error files."""
    jobs = Paginator(selectors.job_list(incident=access.incident), 50).get_page(request.GET.get("page"))
    return render(request, "registry/job_list.html", _context(access, jobs=jobs))


def _upload(request: AuthedRequest, access: IncidentAccess, kind: str) -> HttpResponse:
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            path = services.upload_store(incident=access.incident, upload=upload)
            job = services.import_job_create(
                incident=access.incident,
                actor=request.user,
                path=path,
                file_name=Path(upload.name).name,
                kind=kind,
                encoding=form.cleaned_data["encoding"],
                sheet=form.cleaned_data["sheet"] or None,
                owns_file=True,
                status=JobStatus.PENDING,
            )
        except ApplicationError as exc:
            form.add_error(None, error_text(exc))
        else:
            return _to("job_detail", access, job_id=job.pk)
    return render(request, "registry/upload.html", _context(access, form=form, kind=kind))


@incident_view(Capability.PII_IMPORT)
@require_http_methods(["GET", "POST"])
def job_upload(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Upload a member master or an affected list; the mapping preview follows."""
    return _upload(request, access, JobKind.IMPORT)


@incident_view(Capability.PII_IMPORT)
@require_http_methods(["GET", "POST"])
def match_upload(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Upload a leaked file to match against the registry."""
    return _upload(request, access, JobKind.MATCH)


@incident_view(Capability.PII_IMPORT)
@require_http_methods(["GET", "POST"])
def job_detail(request: AuthedRequest, job_id: int, *, access: IncidentAccess) -> HttpResponse:
    """Show a job: the column-mapping preview while pending (POST starts it), else its progress and counts."""
    job = selectors.job_get(incident=access.incident, job_id=job_id)
    context = _context(access, job=job)
    if job.status == JobStatus.PENDING:
        try:
            preview = services.import_preview(job=job)
        except ApplicationError as exc:
            messages.error(request, error_text(exc))
            return render(request, "registry/job_detail.html", context)
        form = forms.MappingForm(
            request.POST or None, headers=preview["headers"], suggested=preview["keys"], initial={"source": job.source}
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.import_job_configure(
                    job=job,
                    mapping=form.mapping(),
                    source=form.cleaned_data["source"] or job.source,
                    items=form.cleaned_data["items"],
                )
            except ApplicationError as exc:
                form.add_error(None, error_text(exc))
            else:
                registry_job_run.enqueue(job_id=job.pk, actor_id=request.user.pk)
                return _to("job_detail", access, job_id=job.pk)
        samples = preview["samples"]
        columns = [(field, [row[i] for row in samples]) for i, field in enumerate(form.column_fields())]
        context.update(preview=preview, form=form, columns=columns)
    return render(request, "registry/job_detail.html", context)


@incident_view(Capability.PII_IMPORT)
def job_progress(request: AuthedRequest, job_id: int, *, access: IncidentAccess) -> HttpResponse:
    """Return the progress fragment that htmx polls every second while the job runs."""
    job = selectors.job_get(incident=access.incident, job_id=job_id)
    return render(request, "registry/_job_progress.html", _context(access, job=job))


def _side_file(request: AuthedRequest, access: IncidentAccess, job_id: int, attribute: str, label: str) -> HttpResponse:
    job = selectors.job_get(incident=access.incident, job_id=job_id)
    path = getattr(job, attribute)
    if not path or not Path(path).exists():
        return _to("job_detail", access, job_id=job.pk)
    access_log.record(
        incident=access.incident,
        actor=request.user,
        obj=f"job:{job.pk}",
        fields=[f"file:{label}"],
        route=access_log.route_of(request),
    )
    name = f"{access.incident.code}-job-{job.pk}-{label}.csv"
    return _file(FileResponse(Path(path).open("rb"), as_attachment=True, filename=name, content_type="text/csv"))


@incident_view(Capability.PII_IMPORT)
def job_errors(request: AuthedRequest, job_id: int, *, access: IncidentAccess) -> HttpResponse:
    """Download the job's error file (rejected rows; for a match, the unmatched rows), masked."""
    return _side_file(request, access, job_id, "errors_path", "errors")


@incident_view(Capability.PII_IMPORT)
def job_matches(request: AuthedRequest, job_id: int, *, access: IncidentAccess) -> HttpResponse:
    """Download a match's report: which row matched which person, on what, and how strongly."""
    return _side_file(request, access, job_id, "report_path", "matches")


@incident_view(Capability.PII_IMPORT)
@require_POST
def job_resume(request: AuthedRequest, job_id: int, *, access: IncidentAccess) -> HttpResponse:
    """Go on with an interrupted job from its checkpoint, in the background worker."""
    job = selectors.job_get(incident=access.incident, job_id=job_id)
    try:
        job = services.import_job_resume(job=job, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        registry_job_run.enqueue(job_id=job.pk, actor_id=request.user.pk)
        messages.success(request, _("The job goes on from row %(row)d.") % {"row": job.checkpoint_row + 1})
    return _to("job_detail", access, job_id=job.pk)


@incident_view(Capability.PII_IMPORT)
@require_POST
def job_rollback(request: AuthedRequest, job_id: int, *, access: IncidentAccess) -> HttpResponse:
    """Undo a job: remove the people it added and restore those it changed."""
    job = selectors.job_get(incident=access.incident, job_id=job_id)
    services.import_job_rollback(job=job, actor=request.user)
    messages.success(request, _("The job was rolled back."))
    return _to("job_detail", access, job_id=job.pk)


@incident_view(Capability.PII_IMPORT)
@require_POST
def job_delete(request: AuthedRequest, job_id: int, *, access: IncidentAccess) -> HttpResponse:
    """Delete a job with its error file and report; the people it imported stay."""
    job = selectors.job_get(incident=access.incident, job_id=job_id)
    services.import_job_delete(job=job, actor=request.user)
    messages.success(request, _("The job and its files were deleted."))
    return _to("job_list", access)


@incident_view(Capability.PII_EXPORT_MASKED)
@require_http_methods(["GET", "POST"])
def export(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Download the registry as CSV or XLSX: masked for the desk, unmasked for the lead only."""
    form = forms.ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        full = form.cleaned_data["full"]
        if full:
            access.require(Capability.EXPORT_PII)
        fmt, encoding = form.cleaned_data["format"], form.cleaned_data["encoding"]
        out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        services.person_export(
            incident=access.incident,
            actor=request.user,
            fmt=fmt,
            encoding=encoding,
            full=full,
            out=out,
            route=access_log.route_of(request),
        )
        out.seek(0)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        name = f"{access.incident.code}-registry-{'full' if full else 'masked'}-{stamp}.{fmt}"
        content_type = (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" if fmt == "xlsx" else "text/csv"
        )
        return _file(FileResponse(out, as_attachment=True, filename=name, content_type=content_type))
    return render(
        request, "registry/export.html", _context(access, form=form, can_full=access.can(Capability.EXPORT_PII))
    )


@incident_view(Capability.VIEW_ACCESS_LOG)
def access_log_view(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Show the lead every read of the incident's personal data (newest first), its chain check, or JSON lines."""
    from django.http import StreamingHttpResponse

    from breachdesk.core.models import AccessEvent

    if request.GET.get("format") == "jsonl":
        import json

        lines = (
            json.dumps(access_log.as_dict(e), ensure_ascii=False) + "\n"
            for e in access_log.reads(incident=access.incident)
        )
        response = StreamingHttpResponse(lines, content_type="application/x-ndjson; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{access.incident.code}-access-log.jsonl"'
        return cast(HttpResponse, response)
    newest_first = AccessEvent.objects.filter(incident=access.incident).order_by("-seq")
    events = Paginator(newest_first, 100).get_page(request.GET.get("page"))
    chain = access_log.verify(incident=access.incident)
    return render(request, "registry/access_log.html", _context(access, events=events, chain=chain))
