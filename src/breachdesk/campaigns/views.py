"""Serve templates, campaigns, progress and reviews (thin: the services decide and check roles again)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from breachdesk.campaigns import printing, selectors, services
from breachdesk.campaigns.forms import (
    BounceForm,
    CampaignForm,
    LegalReasonForm,
    PrintForm,
    ReasonForm,
    ReviewForm,
    TemplateForm,
    TestSendForm,
)
from breachdesk.campaigns.models import Campaign, CampaignStatus
from breachdesk.core.errors import ValidationFailed, error_text
from breachdesk.core.roles import Capability
from breachdesk.core.types import AuthedRequest
from breachdesk.incidents.access import incident_view
from breachdesk.incidents.selectors import IncidentAccess


def can_edit(access: IncidentAccess) -> bool:
    """Return whether the member may create and edit templates and campaigns."""
    return access.can(Capability.EDIT_CAMPAIGNS)


def can_approve(access: IncidentAccess) -> bool:
    return access.can(Capability.REVIEW)


def _require_edit(access: IncidentAccess) -> None:
    if not can_edit(access):
        raise services.RoleRefused(_("Only the lead or PR may change notices and campaigns."))


def _form_errors(request: HttpRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        for error in errors:
            messages.error(request, f"{field}: {error}" if field != "__all__" else str(error))


def _to(name: str, access: IncidentAccess, **kwargs: Any) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse(f"campaigns:{name}", kwargs={"code": access.incident.code, **kwargs}))


def _zip(archive: bytes, name: str) -> HttpResponse:
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------------------------------------------------------------
# Lists and templates
# ---------------------------------------------------------------------------------------------------------------------
@incident_view()
@require_GET
def campaign_list(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """List the incident's notice templates and campaigns."""
    incident = access.incident
    campaigns = [(c, selectors.campaign_counts(campaign=c)) for c in selectors.campaign_list(incident=incident)]
    return render(
        request,
        "campaigns/list.html",
        {
            "incident": incident,
            "templates": selectors.template_list(incident=incident),
            "campaigns": campaigns,
            "can_edit": can_edit(access),
            "bounce_form": BounceForm(),
        },
    )


@incident_view()
@require_http_methods(["GET", "POST"])
def template_create(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Create a notice template (lead or PR); it is checked against the sandbox before it is saved."""
    _require_edit(access)
    form = TemplateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            template = services.template_create(incident=access.incident, actor=request.user, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("The template was saved. A second person must approve it."))
            return _to("template_detail", access, template_id=template.pk)
    return render(request, "campaigns/template_form.html", {"incident": access.incident, "form": form})


@incident_view()
@require_GET
def template_detail(request: AuthedRequest, *, access: IncidentAccess, template_id: int) -> HttpResponse:
    """Show a template's versions and approval, with the edit, approve and test-send forms."""
    template = selectors.template_get(incident=access.incident, template_id=template_id)
    versions = list(selectors.template_versions(template=template))
    current = versions[0] if versions else None
    form = TemplateForm(
        initial={
            "name": template.name,
            "subject": current.subject if current else "",
            "body_text": current.body_text if current else "",
            "body_html": current.body_html if current else "",
            "letter_text": current.letter_text if current else "",
        }
    )
    return render(
        request,
        "campaigns/template_detail.html",
        {
            "incident": access.incident,
            "template": template,
            "versions": versions,
            "current": current,
            "form": form,
            "test_form": TestSendForm(initial={"to": request.user.email}),
            "can_edit": can_edit(access),
            "can_approve": can_approve(access) and current is not None and current.author_id != request.user.pk,
        },
    )


@incident_view()
@require_POST
def template_edit(request: AuthedRequest, *, access: IncidentAccess, template_id: int) -> HttpResponse:
    """Save an edit as a new version (voids the approval)."""
    _require_edit(access)
    template = selectors.template_get(incident=access.incident, template_id=template_id)
    form = TemplateForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _to("template_detail", access, template_id=template.pk)
    data = form.cleaned_data
    version = services.template_edit(
        template=template,
        actor=request.user,
        subject=data["subject"],
        body_text=data["body_text"],
        body_html=data["body_html"],
        letter_text=data["letter_text"],
    )
    messages.success(request, _("Version %(n)s was saved; it needs a new approval.") % {"n": version.number})
    return _to("template_detail", access, template_id=template.pk)


@incident_view()
@require_POST
def template_approve(request: AuthedRequest, *, access: IncidentAccess, template_id: int) -> HttpResponse:
    """Approve the current version (lead or reviewer, not its author)."""
    template = selectors.template_get(incident=access.incident, template_id=template_id)
    try:
        number = int(request.POST.get("version", "0"))
    except ValueError:
        number = 0
    services.template_approve(template=template, actor=request.user, version_number=number)
    messages.success(request, _("The version was approved."))
    return _to("template_detail", access, template_id=template.pk)


@incident_view()
@require_GET
def template_preview(request: AuthedRequest, *, access: IncidentAccess, template_id: int) -> HttpResponse:
    """Render the current version for 20 random recipients side by side (masked without the right to see PII)."""
    template = selectors.template_get(incident=access.incident, template_id=template_id)
    version = template.versions.order_by("-number").first()
    campaign = None
    if request.GET.get("campaign", "").isdigit():
        campaign = selectors.campaign_get(incident=access.incident, campaign_id=int(request.GET["campaign"]))
    masked = not access.can(Capability.PII_LIST)
    previews = selectors.template_preview(version=version, campaign=campaign, masked=masked) if version else []
    return render(
        request,
        "campaigns/preview.html",
        {
            "incident": access.incident,
            "template": template,
            "version": version,
            "campaign": campaign,
            "previews": previews,
            "masked": masked,
        },
    )


@incident_view()
@require_POST
def template_test_send(request: AuthedRequest, *, access: IncidentAccess, template_id: int) -> HttpResponse:
    """Send the current version, filled with an invented person, to members' own addresses."""
    template = selectors.template_get(incident=access.incident, template_id=template_id)
    form = TestSendForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        sent = services.template_test_send(template=template, actor=request.user, to=form.addresses())
        messages.success(request, _("%(n)s test message(s) sent.") % {"n": sent})
    return _to("template_detail", access, template_id=template.pk)


# ---------------------------------------------------------------------------------------------------------------------
# Campaigns
# ---------------------------------------------------------------------------------------------------------------------
@incident_view()
@require_http_methods(["GET", "POST"])
def campaign_create(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Create a draft campaign (lead or PR)."""
    _require_edit(access)
    form = CampaignForm(request.POST or None, incident=access.incident)
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        try:
            campaign = services.campaign_create(
                incident=access.incident,
                actor=request.user,
                name=fields.pop("name"),
                template=fields.pop("template"),
                channel=fields.pop("channel"),
                audience=fields.pop("audience"),
                **fields,
            )
        except ValidationFailed as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("The campaign was created as a draft."))
            return _to("campaign_detail", access, campaign_id=campaign.pk)
    return render(request, "campaigns/campaign_form.html", {"incident": access.incident, "form": form})


def _detail_context(access: IncidentAccess, campaign: Campaign, request: AuthedRequest) -> dict[str, Any]:
    return {
        "incident": access.incident,
        "campaign": campaign,
        "counts": selectors.campaign_counts(campaign=campaign),
        "batches": selectors.print_batches(campaign=campaign),
        "pending_postal": selectors.pending_postal(campaign=campaign),
        "form": CampaignForm(initial=CampaignForm.initial_for(campaign), incident=access.incident)
        if campaign.is_editable
        else None,
        "legal_form": LegalReasonForm(
            initial={"include_deleted": campaign.include_deleted, "reason": campaign.legal_reason}
        ),
        "reason_form": ReasonForm(),
        "print_form": PrintForm(),
        "can_edit": can_edit(access),
        "can_approve": can_approve(access) and campaign.created_by_id != request.user.pk,
        "can_run": access.can(Capability.RUN_CAMPAIGNS),
        "Status": CampaignStatus,
    }


@incident_view()
@require_GET
def campaign_detail(request: AuthedRequest, *, access: IncidentAccess, campaign_id: int) -> HttpResponse:
    """Show a campaign: its settings, approvals, actions, live progress and print batches."""
    campaign = selectors.campaign_get(incident=access.incident, campaign_id=campaign_id)
    return render(request, "campaigns/campaign_detail.html", _detail_context(access, campaign, request))


@incident_view()
@require_GET
def campaign_progress(request: AuthedRequest, *, access: IncidentAccess, campaign_id: int) -> HttpResponse:
    """Return the progress table alone, for htmx polling."""
    campaign = selectors.campaign_get(incident=access.incident, campaign_id=campaign_id)
    return render(
        request,
        "campaigns/_progress.html",
        {"incident": access.incident, "campaign": campaign, "counts": selectors.campaign_counts(campaign=campaign)},
    )


@incident_view()
@require_POST
def campaign_edit(request: AuthedRequest, *, access: IncidentAccess, campaign_id: int) -> HttpResponse:
    """Change a draft or approved campaign (voids its approval)."""
    _require_edit(access)
    campaign = selectors.campaign_get(incident=access.incident, campaign_id=campaign_id)
    form = CampaignForm(request.POST, incident=access.incident)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        services.campaign_update(campaign=campaign, actor=request.user, **form.service_fields())
        messages.success(request, _("The campaign was saved."))
    return _to("campaign_detail", access, campaign_id=campaign.pk)


@incident_view()
@require_POST
def campaign_action(request: AuthedRequest, *, access: IncidentAccess, campaign_id: int, action: str) -> HttpResponse:
    """Approve, start, pause, resume or cancel a campaign; the service checks the role and the state."""
    campaign = selectors.campaign_get(incident=access.incident, campaign_id=campaign_id)
    reason = ReasonForm(request.POST).data.get("reason", "")
    user = request.user
    if action == "approve":
        services.campaign_approve(campaign=campaign, actor=user)
        messages.success(request, _("The campaign was approved."))
    elif action == "start":
        campaign = services.campaign_start(campaign=campaign, actor=user)
        messages.success(request, _("The campaign started: %(n)s deliveries queued.") % {"n": campaign.audience_size})
    elif action == "pause":
        services.campaign_pause(campaign=campaign, actor=user, reason=reason)
        messages.success(request, _("The campaign was paused."))
    elif action == "resume":
        services.campaign_resume(campaign=campaign, actor=user)
        messages.success(request, _("The campaign was resumed."))
    elif action == "cancel":
        services.campaign_cancel(campaign=campaign, actor=user, reason=reason)
        messages.success(request, _("The campaign was cancelled."))
    return _to("campaign_detail", access, campaign_id=campaign.pk)


@incident_view(Capability.EDIT_INCIDENT)
@require_POST
def campaign_legal_reason(request: AuthedRequest, *, access: IncidentAccess, campaign_id: int) -> HttpResponse:
    """Record the lead's legal reason for including people whose deletion was completed."""
    campaign = selectors.campaign_get(incident=access.incident, campaign_id=campaign_id)
    form = LegalReasonForm(request.POST)
    if form.is_valid():
        services.campaign_legal_reason_set(
            campaign=campaign,
            actor=request.user,
            include_deleted=form.cleaned_data["include_deleted"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("The decision was recorded."))
    return _to("campaign_detail", access, campaign_id=campaign.pk)


# ---------------------------------------------------------------------------------------------------------------------
# Deliveries, bounces and letters
# ---------------------------------------------------------------------------------------------------------------------
@incident_view()
@require_GET
def delivery_review_list(request: AuthedRequest, *, access: IncidentAccess, campaign_id: int) -> HttpResponse:
    """List the uncertain, permanently failed and bounced deliveries, with the review actions."""
    campaign = selectors.campaign_get(incident=access.incident, campaign_id=campaign_id)
    status = request.GET.get("status") or None
    deliveries = selectors.deliveries_for_review(campaign=campaign, status=status)[:500]
    return render(
        request,
        "campaigns/review_list.html",
        {
            "incident": access.incident,
            "campaign": campaign,
            "deliveries": deliveries,
            "form": ReviewForm(),
            "can_run": access.can(Capability.RUN_CAMPAIGNS),
            "status": status,
        },
    )


@incident_view(Capability.EDIT_INCIDENT)
@require_POST
def delivery_review(
    request: AuthedRequest, *, access: IncidentAccess, campaign_id: int, delivery_id: int
) -> HttpResponse:
    """Mark an uncertain delivery sent, or requeue it, with a reason (lead)."""
    campaign = selectors.campaign_get(incident=access.incident, campaign_id=campaign_id)
    delivery = selectors.delivery_get(campaign=campaign, delivery_id=delivery_id)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        services.delivery_review(delivery=delivery, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The review was recorded."))
    return _to("delivery_review_list", access, campaign_id=campaign.pk)


@incident_view()
@require_POST
def bounce_record(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Record a bounce by Message-ID (lead or PR)."""
    _require_edit(access)
    form = BounceForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        services.delivery_bounce(incident=access.incident, actor=request.user, **form.cleaned_data)
        messages.success(request, _("The bounce was recorded."))
    return _to("campaign_list", access)


@incident_view(Capability.EDIT_INCIDENT)
@require_POST
def print_batch_create(request: AuthedRequest, *, access: IncidentAccess, campaign_id: int) -> HttpResponse:
    """Produce the next print batch and download it (lead only; recorded on the timeline)."""
    campaign = selectors.campaign_get(incident=access.incident, campaign_id=campaign_id)
    form = PrintForm(request.POST)
    limit = form.cleaned_data["limit"] if form.is_valid() else printing.DEFAULT_BATCH
    batch, archive = printing.print_batch_create(campaign=campaign, actor=request.user, limit=limit)
    return _zip(archive, f"campaign-{campaign.pk}-print-{batch.number}.zip")


@incident_view(Capability.EDIT_INCIDENT)
@require_POST
def print_batch_download(
    request: AuthedRequest, *, access: IncidentAccess, campaign_id: int, print_batch_id: int
) -> HttpResponse:
    """Download a print batch again (lead only; recorded on the timeline)."""
    campaign = selectors.campaign_get(incident=access.incident, campaign_id=campaign_id)
    batch = selectors.print_batch_get(campaign=campaign, batch_id=print_batch_id)
    archive = printing.print_batch_download(batch=batch, actor=request.user)
    return _zip(archive, f"campaign-{campaign.pk}-print-{batch.number}.zip")
