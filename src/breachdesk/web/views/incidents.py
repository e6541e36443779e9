"""Serve the incident list, the dashboard, the task board, members and the timeline (stakeholders: incidents)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, HttpResponseForbidden, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from breachdesk.core.errors import ApplicationError, ValidationFailed, error_text
from breachdesk.core.health import health_banner
from breachdesk.core.memo import page_memo
from breachdesk.core.roles import Capability, Role
from breachdesk.core.types import AuthedRequest
from breachdesk.incidents import selectors, services
from breachdesk.incidents.access import incident_view
from breachdesk.incidents.enrolment import enrolment_grant_issue_for_member
from breachdesk.incidents.models import Phase, TaskStatus
from breachdesk.incidents.selectors import IncidentAccess
from breachdesk.web import forms
from breachdesk.web.panels import incident_cached, panel_html, panels
from breachdesk.web.urgent import urgent_facts_for


def _redirect(name: str, access: IncidentAccess, **kwargs: object) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse(f"web:{name}", kwargs={"code": access.incident.code, **kwargs}))


@login_required
def incident_list(request: AuthedRequest) -> HttpResponse:
    """List the incidents the user is a member of, with their role and open tasks."""
    incidents = selectors.incident_list_visible(user=request.user).order_by("-aware_at")
    roles = dict(request.user.memberships.values_list("incident_id", "role"))
    rows = [
        {"incident": i, "role": Role(roles[i.pk]).label, "summary": selectors.incident_summary(incident=i)}
        for i in incidents
    ]
    return render(request, "web/incident_list.html", {"rows": rows, "can_create": request.user.is_staff})


@login_required
@require_http_methods(["GET", "POST"])
def incident_create(request: AuthedRequest) -> HttpResponse:
    """Open a new incident; only site staff may, and the creator becomes its lead."""
    if not request.user.is_staff:
        return HttpResponseForbidden(_("Only site staff can open an incident."))
    form = forms.IncidentForm(request.POST or None, initial={"jurisdictions": ["JP"]})
    if request.method == "POST" and form.is_valid():
        try:
            incident = services.incident_create(actor=request.user, **form.cleaned_data)
        except ValidationFailed as exc:
            form.add_error(None, error_text(exc))
        except ApplicationError as exc:
            form.add_error("code", error_text(exc))
        else:
            messages.success(request, _("The incident was opened with the playbook's starting tasks."))
            return HttpResponseRedirect(reverse("web:incident_dashboard", kwargs={"code": incident.code}))
    return render(request, "web/incident_form.html", {"form": form, "creating": True})


# The dashboard's figures refresh at once after any recorded change and at least this often (clocks, due dates).
DASHBOARD_SECONDS = 10


@incident_view()
def incident_dashboard(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Show the phase, open tasks by owner, the latest timeline and the panels other apps register.

    Many people keep the dashboard open on the worst day. Its own figures and the panels that allow it are kept under
    the incident's timeline head (see ``web.panels.incident_cached``), and the panels share their look-ups through
    one ``page_memo()``; the page itself (forms, CSRF tokens) is rendered for every request.
    """
    incident = access.incident
    rendered_panels = []
    with page_memo():
        for panel in panels():
            html = panel_html(panel, access, request)
            if html is not None:
                rendered_panels.append(html)
        figures = incident_cached(
            access=access,
            name="dashboard",
            seconds=DASHBOARD_SECONDS,
            compute=lambda: {
                "summary": selectors.incident_summary(incident=incident),
                "tasks_by_owner": selectors.tasks_open_by_owner(incident=incident),
                "events": list(selectors.timeline_list(incident=incident)[:12]),
            },
        )
    return render(
        request,
        "web/incident_dashboard.html",
        {
            "access": access,
            "incident": incident,
            **figures,
            "panels": rendered_panels,
            "urgent": urgent_facts_for(access=access, now=timezone.now()),
            "phases": Phase.choices,
            "phase_form": forms.PhaseForm(initial={"phase": incident.phase}),
            "health": health_banner(),
        },
    )


@incident_view(Capability.EDIT_INCIDENT)
@require_http_methods(["GET", "POST"])
def incident_edit(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Edit the incident's facts (lead only)."""
    incident = access.incident
    form = forms.IncidentEditForm(request.POST or None, initial=forms.IncidentEditForm.initial_for(incident))
    if request.method == "POST" and form.is_valid():
        try:
            services.incident_update(incident=incident, actor=request.user, **form.cleaned_data)
        except ApplicationError as exc:
            form.add_error(None, error_text(exc))
        else:
            messages.success(request, _("The incident was updated."))
            return _redirect("incident_dashboard", access)
    return render(request, "web/incident_form.html", {"form": form, "incident": incident, "access": access})


@incident_view(Capability.EDIT_INCIDENT)
@require_POST
def incident_phase(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Move the incident to another phase (lead only)."""
    form = forms.PhaseForm(request.POST)
    if form.is_valid():
        services.incident_set_phase(incident=access.incident, actor=request.user, phase=form.cleaned_data["phase"])
        messages.success(request, _("The phase was changed."))
    return _redirect("incident_dashboard", access)


@incident_view()
@require_http_methods(["GET", "POST"])
def task_board(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Show the tasks in columns by status, and add a task."""
    incident = access.incident
    form = forms.TaskForm(request.POST or None, incident=incident)
    if request.method == "POST":
        access.require(Capability.EDIT_TASKS)
        if form.is_valid():
            services.task_create(incident=incident, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The task was added."))
            return _redirect("task_board", access)
    phase = request.GET.get("phase") or None
    owner = request.GET.get("owner")
    tasks = selectors.task_list(
        incident=incident, phase=phase, owner_id=int(owner) if owner and owner.isdigit() else None
    )
    columns = [(value, label, [t for t in tasks if t.status == value]) for value, label in TaskStatus.choices]
    return render(
        request,
        "web/task_board.html",
        {
            "access": access,
            "incident": incident,
            "columns": columns,
            "form": form,
            "statuses": TaskStatus.choices,
            "phases": Phase.choices,
            "phase": phase,
            "can_edit": access.can(Capability.EDIT_TASKS),
        },
    )


def _can_change_task(access: IncidentAccess, request: AuthedRequest, owner_id: int | None) -> bool:
    if access.can(Capability.EDIT_TASKS):
        return True
    return access.can(Capability.UPDATE_OWN_TASKS) and owner_id == request.user.pk


@incident_view()
@require_http_methods(["GET", "POST"])
def task_edit(request: AuthedRequest, task_id: int, *, access: IncidentAccess) -> HttpResponse:
    """Edit one task."""
    task = selectors.task_get(incident=access.incident, task_id=task_id)
    initial = {
        "title": task.title,
        "phase": task.phase,
        "owner": task.owner,
        "due_at": task.due_at,
        "description": task.description,
    }
    form = forms.TaskForm(request.POST or None, incident=access.incident, initial=initial)
    if request.method == "POST":
        access.require(Capability.EDIT_TASKS)
        if form.is_valid():
            services.task_update(task=task, actor=request.user, **form.cleaned_data)
            messages.success(request, _("The task was saved."))
            return _redirect("task_board", access)
    return render(
        request,
        "web/task_form.html",
        {
            "access": access,
            "incident": access.incident,
            "task": task,
            "form": form,
            "can_edit": access.can(Capability.EDIT_TASKS),
        },
    )


@incident_view()
@require_POST
def task_status(request: AuthedRequest, task_id: int, *, access: IncidentAccess) -> HttpResponse:
    """Change a task's status; with htmx, answer with the updated card."""
    task = selectors.task_get(incident=access.incident, task_id=task_id)
    if not _can_change_task(access, request, task.owner_id):
        access.require(Capability.EDIT_TASKS)
    form = forms.TaskStatusForm(request.POST)
    if form.is_valid():
        services.task_set_status(task=task, actor=request.user, status=form.cleaned_data["status"])
    if request.htmx:  # type: ignore[attr-defined]
        response = render(
            request,
            "web/_task_card.html",
            {
                "task": task,
                "access": access,
                "statuses": TaskStatus.choices,
                "incident": access.incident,
                "can_edit": True,
            },
        )
        response["HX-Trigger"] = "task-changed"
        return response
    return _redirect("task_board", access)


@incident_view()
@require_http_methods(["GET", "POST"])
def member_list(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """List the members; the lead adds people by username or email."""
    form = forms.MemberAddForm(request.POST or None)
    if request.method == "POST":
        access.require(Capability.MANAGE_MEMBERS)
        if form.is_valid():
            needle = form.cleaned_data["username"].strip()
            user = get_user_model().objects.filter(Q(username=needle) | Q(email__iexact=needle), is_active=True).first()
            if user is None:
                form.add_error("username", _("No active user has this username or email."))
            else:
                try:
                    services.membership_add(
                        incident=access.incident,
                        actor=request.user,
                        user=user,
                        role=form.cleaned_data["role"],
                        organisation=form.cleaned_data["organisation"],
                    )
                except ApplicationError as exc:
                    form.add_error(None, error_text(exc))
                else:
                    messages.success(request, _("The member was added."))
                    return _redirect("member_list", access)
    return render(
        request,
        "web/member_list.html",
        {
            "access": access,
            "incident": access.incident,
            "members": selectors.member_list(incident=access.incident),
            "form": form,
            "roles": Role.choices,
            "can_manage": access.can(Capability.MANAGE_MEMBERS),
        },
    )


@incident_view(Capability.MANAGE_MEMBERS)
@require_POST
def member_role(request: AuthedRequest, member_id: int, *, access: IncidentAccess) -> HttpResponse:
    """Change a member's role (lead only)."""
    membership = selectors.member_get(incident=access.incident, member_id=member_id)
    form = forms.MemberRoleForm(request.POST)
    if form.is_valid():
        services.membership_change_role(membership=membership, actor=request.user, role=form.cleaned_data["role"])
        messages.success(request, _("The role was changed."))
    return _redirect("member_list", access)


@incident_view(Capability.MANAGE_MEMBERS)
@require_POST
def member_remove(request: AuthedRequest, member_id: int, *, access: IncidentAccess) -> HttpResponse:
    """Remove a member (lead only)."""
    membership = selectors.member_get(incident=access.incident, member_id=member_id)
    services.membership_remove(membership=membership, actor=request.user)
    messages.success(request, _("The member was removed."))
    return _redirect("member_list", access)


@incident_view(Capability.MANAGE_MEMBERS)
@require_POST
def member_enrolment(request: AuthedRequest, member_id: int, *, access: IncidentAccess) -> HttpResponse:
    """Issue a one-time second-factor enrolment code for a member (lead only) and show it once."""
    membership = selectors.member_get(incident=access.incident, member_id=member_id)
    grant, code = enrolment_grant_issue_for_member(access=access, membership=membership, actor=request.user)
    return render(
        request,
        "web/member_enrolment.html",
        {"access": access, "incident": access.incident, "member": membership, "code": code, "grant": grant},
    )


@incident_view()
def timeline(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Show the timeline, newest first, filtered by kind, actor and time."""
    form = forms.TimelineFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    events = selectors.timeline_list(incident=access.incident, **{k: v for k, v in filters.items() if v})
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "web/timeline.html",
        {
            "access": access,
            "incident": access.incident,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "kinds": selectors.timeline_kinds(incident=access.incident),
            "last_verification": selectors.timeline_list(incident=access.incident, kind="audit.verified").first(),
        },
    )


@incident_view()
@require_POST
def timeline_verify(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Queue a check of the hash chain; the worker records the result on the timeline."""
    from breachdesk.core.tasks import timeline_verify as verify_task

    verify_task.enqueue(incident_id=access.incident.pk, requested_by=request.user.get_username())
    messages.info(request, _("The chain check was queued; its result appears on the timeline."))
    return _redirect("timeline", access)
