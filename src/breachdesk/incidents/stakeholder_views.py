"""Serve the stakeholder list: add a stakeholder and move it through its statuses.

The pages keep their names in the ``web`` namespace (``web:stakeholder_list``, ``web:stakeholder_status``): the web
layer includes ``stakeholder_urls`` under ``incidents/<code>/stakeholders/``.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from breachdesk.core.roles import Capability
from breachdesk.core.types import AuthedRequest
from breachdesk.incidents import selectors, services
from breachdesk.incidents.access import incident_view
from breachdesk.incidents.forms import StakeholderForm, StakeholderStatusForm
from breachdesk.incidents.models import StakeholderStatus
from breachdesk.incidents.selectors import IncidentAccess


def _to_list(access: IncidentAccess) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("web:stakeholder_list", kwargs={"code": access.incident.code}))


@incident_view()
@require_http_methods(["GET", "POST"])
def stakeholder_list(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """List the stakeholders and add one."""
    form = StakeholderForm(request.POST or None)
    if request.method == "POST":
        access.require(Capability.MANAGE_STAKEHOLDERS)
        if form.is_valid():
            services.stakeholder_create(incident=access.incident, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The stakeholder was added."))
            return _to_list(access)
    return render(
        request,
        "incidents/stakeholder_list.html",
        {
            "access": access,
            "incident": access.incident,
            "stakeholders": selectors.stakeholder_list(incident=access.incident),
            "form": form,
            "statuses": StakeholderStatus.choices,
            "can_manage": access.can(Capability.MANAGE_STAKEHOLDERS),
        },
    )


@incident_view(Capability.MANAGE_STAKEHOLDERS)
@require_POST
def stakeholder_status(request: AuthedRequest, stakeholder_id: int, *, access: IncidentAccess) -> HttpResponse:
    """Change a stakeholder's status."""
    stakeholder = selectors.stakeholder_get(incident=access.incident, stakeholder_id=stakeholder_id)
    form = StakeholderStatusForm(request.POST)
    if form.is_valid():
        services.stakeholder_set_status(stakeholder=stakeholder, actor=request.user, status=form.cleaned_data["status"])
        messages.success(request, _("The status was changed."))
    return _to_list(access)
