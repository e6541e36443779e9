"""Serve the obligations page, the fact overrides, and the regulator reports (thin: services do the work)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from breachdesk.core.roles import Capability
from breachdesk.core.types import AuthedRequest
from breachdesk.incidents.access import incident_view
from breachdesk.incidents.selectors import IncidentAccess
from breachdesk.obligations import reasons, reasons_eu, selectors, services
from breachdesk.obligations.facts import incident_facts
from breachdesk.obligations.forms import FactOverrideForm, ReportForm, SubmitForm
from breachdesk.obligations.models import REPORT_SLOTS, RegulatorReport, ReportStatus, slot_label
from breachdesk.obligations.reports.document import ReportDocument, report_document
from breachdesk.obligations.reports.docx import report_docx
from breachdesk.obligations.reports.prefill import item_headings, report_prefill
from breachdesk.obligations.reports.text import report_text
from breachdesk.obligations.vocabulary import ITEM_LABELS_JA


def _overview(access: IncidentAccess) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("obligations:overview", kwargs={"code": access.incident.code}))


def _report_url(access: IncidentAccess, slot: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(
        reverse("obligations:report_detail", kwargs={"code": access.incident.code, "slot": slot})
    )


def clocks_panel_context(access: IncidentAccess, request: HttpRequest) -> dict[str, Any] | None:
    """Return the dashboard's deadline clocks at the time of the request (the dashboard keeps them up to 10 s)."""
    obligations = selectors.obligations_get(incident=access.incident, now=timezone.now(), fresh=False)
    return {"incident": access.incident, "ob": obligations, "clocks": obligations.clocks}


@incident_view()
@require_GET
def overview(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Show the facts with their sources, the verdicts with their reasons, the severity, the clocks and the reports."""
    incident = access.incident
    obligations = selectors.obligations_get(incident=incident, now=timezone.now())
    sheet = obligations.sheet or incident_facts(incident=incident)
    reports = selectors.report_list(incident=incident)
    slots = selectors.slots_for(incident=incident, role=sheet.facts.role)
    facts = [
        {
            "name": name,
            "label": reasons.FACT_LABELS.get(name, name),
            "value": reasons.fact_value(name, source.value),
            "source": source,
            "source_label": reasons.FACT_SOURCES.get(source.source, source.source),
        }
        for name, source in sheet.sources.items()
    ]
    jp = obligations.evaluation.jp if obligations.evaluation else None
    eu = obligations.evaluation.eu if obligations.evaluation else None
    return render(
        request,
        "obligations/overview.html",
        {
            "access": access,
            "incident": incident,
            "ob": obligations,
            "facts": facts,
            "sheet": sheet,
            "item_labels": [
                reasons.fact_value("items", frozenset({k})) for k in ITEM_LABELS_JA if k in sheet.facts.items
            ],
            "severity": obligations.evaluation.eu.severity
            if obligations.evaluation and obligations.evaluation.eu
            else None,
            "report_rows": [(slot, slot_label(slot), reports.get(slot)) for slot in slots],
            "jp_reasons": [reasons.finding_text(f, facts=sheet.facts, verdict=jp) for f in jp.findings] if jp else [],
            "eu_reasons": [reasons_eu.eu_finding_text(f, facts=sheet.facts, verdict=eu) for f in eu.findings]
            if eu
            else [],
            "severity_level": reasons_eu.severity_level(eu.severity.level) if eu else "",
            "jp_categories": [reasons.category_label(c) for c in jp.categories] if jp else [],
            "other_reports": [r for slot, r in reports.items() if slot not in slots],
            "form": FactOverrideForm(),
            "can_edit": access.can(Capability.EDIT_INCIDENT),
        },
    )


@incident_view(Capability.EDIT_INCIDENT)
@require_POST
def fact_override(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Set or remove the override of one fact (lead only)."""
    form = FactOverrideForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _overview(access)
    data = form.cleaned_data
    if data["action"] == "clear":
        services.fact_override_clear(
            incident=access.incident, actor=request.user, fact=data["fact"], reason=data["reason"]
        )
        messages.success(request, _("The override was removed and the obligations were evaluated again."))
    else:
        services.fact_override_set(
            incident=access.incident, actor=request.user, fact=data["fact"], value=data["parsed"], reason=data["reason"]
        )
        messages.success(request, _("The override was saved and the obligations were evaluated again."))
    return _overview(access)


@incident_view(Capability.EDIT_INCIDENT)
@require_POST
def reevaluate(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Evaluate the obligations again and record any change (lead only)."""
    services.obligations_evaluate(incident=access.incident, actor=request.user)
    messages.success(request, _("The obligations were evaluated."))
    return _overview(access)


def _document(access: IncidentAccess, slot: str, report: RegulatorReport | None) -> ReportDocument:
    jurisdiction, kind = REPORT_SLOTS[slot]
    obligations = selectors.obligations_get(incident=access.incident)
    evaluation = obligations.evaluation
    if report is not None:
        content = report.content
    elif evaluation is not None and obligations.sheet is not None:
        content = report_prefill(
            incident=access.incident,
            jurisdiction=jurisdiction,
            kind=kind,
            sheet=obligations.sheet,
            evaluation=evaluation,
        )
    else:
        content = {}
    return report_document(
        incident=access.incident,
        jurisdiction=jurisdiction,
        kind=kind,
        content=content,
        evaluation=evaluation,
        report=report,
    )


@incident_view()
@require_http_methods(["GET", "POST"])
def report_detail(request: AuthedRequest, *, slot: str, access: IncidentAccess) -> HttpResponse:
    """Show a report (or its prefill when not drafted yet); the lead drafts and edits it."""
    report = selectors.report_for_slot(incident=access.incident, slot=slot)
    jurisdiction, kind = REPORT_SLOTS[slot]
    if request.method == "POST":
        access.require(Capability.EDIT_INCIDENT)
        if report is None:
            services.report_create(incident=access.incident, actor=request.user, jurisdiction=jurisdiction, kind=kind)
            messages.success(request, _("The report was drafted from the incident and the registry."))
            return _report_url(access, slot)
        form = ReportForm(request.POST, jurisdiction=jurisdiction)
        if form.is_valid():
            services.report_update(report=report, actor=request.user, content=form.cleaned_data)
            messages.success(request, _("The report was saved."))
            return _report_url(access, slot)
    else:
        form = ReportForm(initial=report.content if report else {}, jurisdiction=jurisdiction)
    document = _document(access, slot, report)
    editable = report is not None and report.status != ReportStatus.SUBMITTED
    return render(
        request,
        "obligations/report_detail.html",
        {
            "access": access,
            "incident": access.incident,
            "slot": slot,
            "report": report,
            "document": document,
            "form": form,
            "headings": item_headings(jurisdiction),
            "can_edit": access.can(Capability.EDIT_INCIDENT) and editable,
            "can_create": access.can(Capability.EDIT_INCIDENT) and report is None,
            "can_approve": (
                report is not None
                and report.status == ReportStatus.DRAFT
                and access.can(Capability.REVIEW)
                and request.user.pk not in (report.author_id, report.last_edited_by_id)
            ),
            "can_submit": report is not None
            and report.status == ReportStatus.APPROVED
            and access.can(Capability.EDIT_INCIDENT),
            "submit_form": SubmitForm(initial={"submitted_on": timezone.localdate()}),
        },
    )


def _require_report(access: IncidentAccess, slot: str) -> RegulatorReport:
    report = selectors.report_for_slot(incident=access.incident, slot=slot)
    if report is None:
        from breachdesk.core.errors import Conflict

        raise Conflict(_("Draft the report first."), code="obligations.report_missing")
    return report


@incident_view(Capability.REVIEW)
@require_POST
def report_approve(request: AuthedRequest, *, slot: str, access: IncidentAccess) -> HttpResponse:
    """Approve the report (a reviewer who did not write it)."""
    services.report_approve(report=_require_report(access, slot), reviewer=request.user)
    messages.success(request, _("The report was approved."))
    return _report_url(access, slot)


@incident_view(Capability.EDIT_INCIDENT)
@require_POST
def report_submit(request: AuthedRequest, *, slot: str, access: IncidentAccess) -> HttpResponse:
    """Mark the approved report submitted on a date (lead only); this stops its clock."""
    report = _require_report(access, slot)
    form = SubmitForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the date the report was submitted."))
        return _report_url(access, slot)
    services.report_submit(report=report, actor=request.user, submitted_on=form.cleaned_data["submitted_on"])
    messages.success(request, _("The report was marked submitted."))
    return _report_url(access, slot)


@incident_view()
@require_GET
def report_docx_view(request: AuthedRequest, *, slot: str, access: IncidentAccess) -> HttpResponse:
    """Download the report as DOCX, for internal review."""
    document = _document(access, slot, selectors.report_for_slot(incident=access.incident, slot=slot))
    response = HttpResponse(
        report_docx(document),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = f'attachment; filename="{access.incident.code}-{document.file_stem}.docx"'
    return response


@incident_view()
@require_GET
def report_text_view(request: AuthedRequest, *, slot: str, access: IncidentAccess) -> HttpResponse:
    """Show the report as plain text in the order of the PPC online form."""
    document = _document(access, slot, selectors.report_for_slot(incident=access.incident, slot=slot))
    response = HttpResponse(report_text(document), content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{access.incident.code}-{document.file_stem}.txt"'
    return response
