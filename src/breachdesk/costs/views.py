"""Serve the costs pages, the executive summary, its reports and the exports (thin: services do the work)."""

from __future__ import annotations

from django.contrib import messages
from django.forms.models import model_to_dict
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from breachdesk.core.errors import ApplicationError, error_text
from breachdesk.core.roles import Capability
from breachdesk.core.types import AuthedRequest
from breachdesk.costs import exports, jnsa, selectors, services
from breachdesk.costs.benchmarks import SUING_SHARE_PERCENT
from breachdesk.costs.forms import CostItemForm, CostSettingsForm
from breachdesk.costs.models import ReportStatus
from breachdesk.costs.panels import chart_payloads, cost_chart
from breachdesk.costs.services import ITEM_FIELDS, SETTINGS_FIELDS
from breachdesk.costs.summary import summary_build
from breachdesk.incidents.access import incident_view
from breachdesk.incidents.selectors import IncidentAccess


def _to(name: str, access: IncidentAccess) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse(f"costs:{name}", kwargs={"code": access.incident.code}))


@incident_view()
@require_GET
def overview(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Show the JNSA estimate with every factor, the cost items, and the reference figures."""
    incident = access.incident
    estimate = selectors.incident_estimate(incident=incident)
    sheet = selectors.cost_sheet(incident=incident)
    persons = sheet.affected if sheet.affected is not None else estimate.persons
    can_edit = access.can(Capability.EDIT_INCIDENT)
    settings = estimate.settings
    return render(
        request,
        "costs/overview.html",
        {
            "access": access,
            "incident": incident,
            "estimate": estimate,
            "sheet": sheet,
            "benchmarks": selectors.benchmark_rows(persons=persons),
            "suing_share": SUING_SHARE_PERCENT,
            "persons": persons,
            "ep_map": [
                {"key": k, "x": x, "y": y, "value": jnsa.item_sensitivity(k)} for k, (x, y) in jnsa.EP_MAP.items()
            ],
            "cost_chart": cost_chart(sheet=sheet, estimate=estimate),
            "can_edit": can_edit,
            "settings_form": CostSettingsForm(initial=model_to_dict(settings, fields=SETTINGS_FIELDS))
            if can_edit
            else None,
        },
    )


@incident_view(Capability.EDIT_INCIDENT)
@require_POST
def settings_update(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Set the JNSA factors with their reasons, and the daily report hour (lead only)."""
    form = CostSettingsForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return _to("overview", access)
    services.cost_settings_update(incident=access.incident, actor=request.user, **form.cleaned_data)
    messages.success(request, _("The estimate settings were saved."))
    return _to("overview", access)


@incident_view(Capability.EDIT_INCIDENT)
@require_http_methods(["GET", "POST"])
def item_create(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Add a cost item (lead only)."""
    form = CostItemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.cost_item_create(incident=access.incident, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(exc.extra.get("field"), error_text(exc))
        else:
            messages.success(request, _("The cost item was added."))
            return _to("overview", access)
    return render(request, "costs/item_form.html", {"access": access, "incident": access.incident, "form": form})


@incident_view(Capability.EDIT_INCIDENT)
@require_http_methods(["GET", "POST"])
def item_edit(request: AuthedRequest, cost_item_id: int, *, access: IncidentAccess) -> HttpResponse:
    """Change a cost item (lead only)."""
    item = selectors.cost_item_get(incident=access.incident, cost_item_id=cost_item_id)
    form = CostItemForm(request.POST or None, initial=model_to_dict(item, fields=ITEM_FIELDS))
    if request.method == "POST" and form.is_valid():
        try:
            services.cost_item_update(item=item, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(exc.extra.get("field"), error_text(exc))
        else:
            messages.success(request, _("The cost item was saved."))
            return _to("overview", access)
    return render(
        request, "costs/item_form.html", {"access": access, "incident": access.incident, "form": form, "item": item}
    )


@incident_view(Capability.EDIT_INCIDENT)
@require_POST
def item_delete(request: AuthedRequest, cost_item_id: int, *, access: IncidentAccess) -> HttpResponse:
    """Remove a cost item (lead only)."""
    item = selectors.cost_item_get(incident=access.incident, cost_item_id=cost_item_id)
    services.cost_item_delete(item=item, actor=request.user)
    messages.success(request, _("The cost item was removed."))
    return _to("overview", access)


@incident_view()
@require_GET
def summary(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Show the executive summary that management reads in a minute, with its charts."""
    data = summary_build(incident=access.incident, now=timezone.now())
    return render(
        request,
        "costs/summary.html",
        {
            "access": access,
            "incident": access.incident,
            "s": data,
            "charts": chart_payloads(data.charts),
            "reports": selectors.report_list(incident=access.incident)[:5],
        },
    )


@incident_view()
@require_GET
def report_list(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """List the stored executive reports, daily and on demand."""
    return render(
        request,
        "costs/report_list.html",
        {
            "access": access,
            "incident": access.incident,
            "reports": selectors.report_list(incident=access.incident),
            "settings": selectors.cost_settings_get(incident=access.incident),
        },
    )


@incident_view()
@require_POST
def report_generate(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Generate the executive PDF now, store it, and send it (one click). It holds no personal data."""
    report = services.report_generate_now(incident=access.incident, actor=request.user)
    if report.status != ReportStatus.DONE:
        messages.error(request, _("The PDF could not be generated; the error is in the report list."))
        return _to("report_list", access)
    return HttpResponseRedirect(
        reverse("costs:report_download", kwargs={"code": access.incident.code, "report_id": report.pk})
    )


@incident_view()
@require_GET
def report_download(request: AuthedRequest, report_id: int, *, access: IncidentAccess) -> HttpResponse:
    """Send a stored executive PDF."""
    report = selectors.report_get(incident=access.incident, report_id=report_id)
    if report.status != ReportStatus.DONE or not report.pdf:
        messages.error(request, _("That report is not ready."))
        return _to("report_list", access)
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{access.incident.code}-{report.file_name}"'
    return response


def _download(content: bytes, name: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


@incident_view()
@require_GET
def export_costs_csv(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Export the cost items with planned and actual amounts (net, tax, gross) as CSV."""
    sheet = selectors.cost_sheet(incident=access.incident)
    return _download(exports.to_csv(exports.cost_rows(sheet)), f"{access.incident.code}-costs.csv", CSV)


@incident_view()
@require_GET
def export_costs_xlsx(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Export the cost items and the JNSA estimate by item combination as XLSX."""
    incident = access.incident
    content = exports.to_xlsx(
        {
            "costs": exports.cost_rows(selectors.cost_sheet(incident=incident)),
            "estimate": exports.estimate_rows(selectors.incident_estimate(incident=incident)),
        }
    )
    return _download(content, f"{incident.code}-costs.xlsx", XLSX)


@incident_view()
@require_GET
def export_summary_csv(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Export the executive summary figures as CSV."""
    data = summary_build(incident=access.incident, now=timezone.now())
    return _download(exports.to_csv(exports.summary_rows(data)), f"{access.incident.code}-summary.csv", CSV)


@incident_view()
@require_GET
def export_summary_xlsx(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Export the executive summary figures, the estimate and the costs as XLSX."""
    data = summary_build(incident=access.incident, now=timezone.now())
    content = exports.to_xlsx(
        {
            "summary": exports.summary_rows(data),
            "estimate": exports.estimate_rows(data.estimate),
            "costs": exports.cost_rows(data.costs),
        }
    )
    return _download(content, f"{access.incident.code}-summary.xlsx", XLSX)
