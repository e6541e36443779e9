"""Serve the answer blocks: versions, approval by someone other than the author, pre-approval by the lead."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from breachdesk.core.roles import Capability
from breachdesk.core.types import AuthedRequest
from breachdesk.incidents.access import incident_view
from breachdesk.incidents.selectors import IncidentAccess
from breachdesk.inquiries import forms, selectors, services
from breachdesk.inquiries.blocks import PLACEHOLDERS
from breachdesk.inquiries.views.common import context, require_desk, require_staff, to


@incident_view()
@require_http_methods(["GET", "POST"])
def block_list(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    require_desk(access)
    form = forms.BlockForm(request.POST or None)
    if request.method == "POST":
        require_staff(access)
        if form.is_valid():
            block = services.block_create(incident=access.incident, actor=request.user, **form.cleaned_data)
            messages.success(
                request, _("Draft version %(v)d was saved; someone else must approve it.") % {"v": block.version}
            )
            return to("block_list", access)
    return render(
        request,
        "inquiries/block_list.html",
        context(access, blocks=selectors.block_list(incident=access.incident), form=form, placeholders=PLACEHOLDERS),
    )


@incident_view()
@require_POST
def block_starter(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    require_desk(access)
    require_staff(access)
    made = services.block_starter_load(incident=access.incident, actor=request.user)
    if made:
        messages.success(
            request,
            _("%(n)d starter blocks were saved as drafts; someone else must review and approve each.")
            % {"n": len(made)},
        )
    else:
        messages.info(request, _("Every block already has a version; nothing was loaded."))
    return to("block_list", access)


@incident_view()
def block_detail(request: AuthedRequest, block_id: int, *, access: IncidentAccess) -> HttpResponse:
    require_desk(access)
    block = selectors.block_get(incident=access.incident, block_id=block_id)
    return render(request, "inquiries/block_detail.html", context(access, block=block))


@incident_view(Capability.REVIEW)
@require_POST
def block_approve(request: AuthedRequest, block_id: int, *, access: IncidentAccess) -> HttpResponse:
    block = selectors.block_get(incident=access.incident, block_id=block_id)
    services.block_approve(block=block, actor=request.user)
    messages.success(request, _("The block was approved."))
    return to("block_list", access)


@incident_view()
@require_POST
def block_preapprove(request: AuthedRequest, block_id: int, *, access: IncidentAccess) -> HttpResponse:
    block = selectors.block_get(incident=access.incident, block_id=block_id)
    services.block_set_preapproved(
        block=block,
        actor=request.user,
        preapproved=request.POST.get("preapproved") == "1",
    )
    return to("block_list", access)
