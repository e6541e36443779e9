"""Serve the staff pages of notices, the FAQ, the readiness checklist, stakeholder packs and press statements.

Thin: forms parse, services decide, selectors read. Every page goes through ``incident_view`` (an outsider gets 404).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from breachdesk.core.roles import Capability
from breachdesk.core.types import AuthedRequest
from breachdesk.incidents import services as incident_services
from breachdesk.incidents.access import incident_view
from breachdesk.incidents.models import StakeholderKind, StakeholderStatus
from breachdesk.incidents.selectors import IncidentAccess, stakeholder_get, stakeholder_list
from breachdesk.notices import press, readiness, selectors, services, stakeholders
from breachdesk.notices.errors import InvalidInput
from breachdesk.notices.forms import (
    BriefingActionForm,
    FaqForm,
    NoticeForm,
    PressTitleForm,
    PublishForm,
    StakeholderImportForm,
    notice_initial,
)
from breachdesk.notices.models import NoticeStatus, StakeholderBriefing
from breachdesk.notices.rendering import markdown_html


def _redirect(name: str, access: IncidentAccess, **kwargs: Any) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse(f"notices:{name}", kwargs={"code": access.incident.code, **kwargs}))


def _can_draft(access: IncidentAccess) -> bool:
    return access.can(Capability.DRAFT_NOTICES)


def _form_errors(request: HttpRequest, form: Any) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, str(error))


def readiness_panel_context(access: IncidentAccess, request: HttpRequest) -> dict[str, Any] | None:
    """Return the dashboard's readiness checklist until the first notice is published."""
    page = selectors.public_page_get(incident=access.incident)
    if page is not None and page.first_published_at is not None:
        return None
    items = readiness.readiness_evaluate(incident=access.incident)
    return {"incident": access.incident, "items": items, "open": len(readiness.open_items(items))}


def block_flags_panel_context(access: IncidentAccess, request: HttpRequest) -> dict[str, Any] | None:
    """Return the FAQ/desk drift the desk must see, or ``None`` when the two say the same thing."""
    drift = selectors.faq_drift(incident=access.incident)
    flags = list(selectors.block_flags_open(incident=access.incident)[:20])
    if not drift and not flags:
        return None
    return {"incident": access.incident, "drift": drift, "flags": flags}


# ---------------------------------------------------------------------------------------------------------------------
# Notices
# ---------------------------------------------------------------------------------------------------------------------
@incident_view()
@require_http_methods(["GET", "POST"])
def notice_list(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """List the notices and, for the lead and PR, draft a new one."""
    incident = access.incident
    form = NoticeForm(request.POST or None)
    if request.method == "POST":
        if not _can_draft(access):
            access.require(Capability.EDIT_INCIDENT)  # raises: only the lead or PR draft
        if form.is_valid():
            notice = services.notice_create(
                incident=incident, actor=request.user, title=form.cleaned_data["title"], body=form.cleaned_data["body"]
            )
            messages.success(request, _("The draft was saved."))
            return _redirect("detail", access, notice_id=notice.pk)
    page = selectors.public_page_get(incident=incident)
    items = readiness.readiness_evaluate(incident=incident)
    return render(
        request,
        "notices/notice_list.html",
        {
            "incident": incident,
            "access": access,
            "notices": selectors.notice_list(incident=incident),
            "form": form,
            "can_draft": _can_draft(access),
            "page": page,
            "readiness_open": len(readiness.open_items(items)),
            "counts": selectors.daily_counts(incident=incident)[:30],
        },
    )


@incident_view()
@require_GET
def notice_detail(request: AuthedRequest, *, access: IncidentAccess, notice_id: int) -> HttpResponse:
    """Show a notice as the public will read it, with its edit, approval and publication controls."""
    incident = access.incident
    notice = selectors.notice_get(incident=incident, notice_id=notice_id)
    first = not selectors.notices_published(incident=incident)
    items = readiness.readiness_evaluate(incident=incident) if first and access.can(Capability.PUBLISH_NOTICES) else []
    open_items = readiness.open_items(items)
    return render(
        request,
        "notices/notice_detail.html",
        {
            "incident": incident,
            "access": access,
            "notice": notice,
            "html": markdown_html(notice.body),
            "form": NoticeForm(initial=notice_initial(notice)),
            "publish_form": PublishForm(open_items=open_items),
            "open_items": open_items,
            "first": first,
            "previous": selectors.notice_previous(notice=notice),
            "can_draft": _can_draft(access) and not notice.is_published,
            "can_approve": access.can(Capability.REVIEW)
            and notice.status == NoticeStatus.DRAFT
            and request.user.pk not in (notice.author_id, notice.last_edited_by_id),
            "can_publish": access.can(Capability.PUBLISH_NOTICES) and notice.status == NoticeStatus.APPROVED,
            "can_correct": _can_draft(access) and notice.is_published,
            "can_press": access.can(Capability.MANAGE_STAKEHOLDERS) and notice.status != NoticeStatus.DRAFT,
            "corrections": notice.corrections.all(),
        },
    )


@incident_view()
@require_POST
def notice_edit(request: AuthedRequest, *, access: IncidentAccess, notice_id: int) -> HttpResponse:
    notice = selectors.notice_get(incident=access.incident, notice_id=notice_id)
    form = NoticeForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _redirect("detail", access, notice_id=notice.pk)
    data = form.cleaned_data
    services.notice_update(
        notice=notice,
        actor=request.user,
        title=data["title"],
        body=data["body"],
        correction_note=data["correction_note"] if notice.corrects_id else None,
    )
    messages.success(request, _("The notice was saved. It needs approval again."))
    return _redirect("detail", access, notice_id=notice.pk)


@incident_view(Capability.REVIEW)
@require_POST
def notice_approve(request: AuthedRequest, *, access: IncidentAccess, notice_id: int) -> HttpResponse:
    notice = selectors.notice_get(incident=access.incident, notice_id=notice_id)
    services.notice_approve(notice=notice, actor=request.user)
    messages.success(request, _("The notice was approved."))
    return _redirect("detail", access, notice_id=notice.pk)


@incident_view(Capability.EDIT_INCIDENT)
@require_POST
def notice_publish(request: AuthedRequest, *, access: IncidentAccess, notice_id: int) -> HttpResponse:
    """Publish (lead only); before the first notice, open readiness items must be confirmed one by one."""
    notice = selectors.notice_get(incident=access.incident, notice_id=notice_id)
    items = readiness.open_items(readiness.readiness_evaluate(incident=access.incident))
    form = PublishForm(request.POST, open_items=items)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    notice = services.notice_publish(
        notice=notice, actor=request.user, confirm_open=list(data.get("confirm") or []), reason=data.get("reason", "")
    )
    messages.success(request, _("第%(n)s報 is published.") % {"n": notice.number})
    return _redirect("detail", access, notice_id=notice.pk)


@incident_view()
@require_http_methods(["GET", "POST"])
def notice_correct(request: AuthedRequest, *, access: IncidentAccess, notice_id: int) -> HttpResponse:
    """Draft a correction of a published notice: a new notice that says what it corrects."""
    original = selectors.notice_get(incident=access.incident, notice_id=notice_id)
    form = NoticeForm(request.POST or None, initial={"title": original.title, "body": original.body})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        notice = services.notice_create(
            incident=access.incident,
            actor=request.user,
            title=data["title"],
            body=data["body"],
            corrects=original,
            correction_note=data["correction_note"],
        )
        messages.success(request, _("The correction was saved as a draft."))
        return _redirect("detail", access, notice_id=notice.pk)
    return render(
        request,
        "notices/notice_correct.html",
        {"incident": access.incident, "access": access, "original": original, "form": form},
    )


@incident_view()
@require_GET
def notice_diff(request: AuthedRequest, *, access: IncidentAccess, notice_id: int) -> HttpResponse:
    """Show what changed between a notice and another one (by default the one it corrects, or the one before)."""
    incident = access.incident
    notice = selectors.notice_get(incident=incident, notice_id=notice_id)
    against = request.GET.get("against", "")
    old = (
        selectors.notice_get(incident=incident, notice_id=int(against))
        if against.isdigit()
        else selectors.notice_previous(notice=notice)
    )
    diff = selectors.notice_diff(old=old, new=notice) if old is not None else None
    return render(
        request,
        "notices/notice_diff.html",
        {
            "incident": incident,
            "access": access,
            "notice": notice,
            "diff": diff,
            "others": selectors.notice_list(incident=incident).exclude(pk=notice.pk),
        },
    )


@incident_view()
@require_GET
def readiness_view(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    items = readiness.readiness_evaluate(incident=access.incident)
    return render(
        request,
        "notices/readiness.html",
        {"incident": access.incident, "access": access, "items": items, "open": len(readiness.open_items(items))},
    )


# ---------------------------------------------------------------------------------------------------------------------
# FAQ
# ---------------------------------------------------------------------------------------------------------------------
@incident_view()
@require_http_methods(["GET", "POST"])
def faq_list(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    incident = access.incident
    form = FaqForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        entry = services.faq_save(
            incident=incident,
            actor=request.user,
            key=data["key"],
            question=data["question"],
            answer=data["answer"] or None,
            block_key=data["block_key"],
            order=data["order"],
        )
        messages.success(request, _("The FAQ entry was saved as a draft."))
        return _redirect("faq_detail", access, faq_id=entry.pk)
    return render(
        request,
        "notices/faq_list.html",
        {
            "incident": incident,
            "access": access,
            "entries": selectors.faq_current(incident=incident),
            "drift": selectors.faq_drift(incident=incident),
            "flags": selectors.block_flags_open(incident=incident),
            "form": form,
            "can_draft": _can_draft(access),
        },
    )


@incident_view()
@require_http_methods(["GET", "POST"])
def faq_detail(request: AuthedRequest, *, access: IncidentAccess, faq_id: int) -> HttpResponse:
    incident = access.incident
    entry = selectors.faq_get(incident=incident, faq_id=faq_id)
    form = FaqForm(
        request.POST or None,
        initial={
            "key": entry.key,
            "order": entry.order,
            "question": entry.question,
            "block_key": entry.block_key,
            "answer": entry.answer,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new = services.faq_save(
            incident=incident,
            actor=request.user,
            key=entry.key,
            question=data["question"],
            answer=data["answer"] or None,
            block_key=data["block_key"],
            order=data["order"],
        )
        messages.success(request, _("A new version was saved as a draft."))
        return _redirect("faq_detail", access, faq_id=new.pk)
    return render(
        request,
        "notices/faq_detail.html",
        {
            "incident": incident,
            "access": access,
            "entry": entry,
            "html": markdown_html(entry.answer),
            "versions": selectors.faq_versions(entry=entry),
            "form": form,
            "can_draft": _can_draft(access),
            "can_approve": access.can(Capability.REVIEW) and request.user.pk != entry.author_id,
        },
    )


@incident_view(Capability.REVIEW)
@require_POST
def faq_approve(request: AuthedRequest, *, access: IncidentAccess, faq_id: int) -> HttpResponse:
    entry = selectors.faq_get(incident=access.incident, faq_id=faq_id)
    services.faq_approve(entry=entry, actor=request.user)
    messages.success(request, _("The FAQ entry was approved."))
    return _redirect("faq_detail", access, faq_id=entry.pk)


@incident_view()
@require_POST
def faq_retire(request: AuthedRequest, *, access: IncidentAccess, faq_id: int) -> HttpResponse:
    entry = selectors.faq_get(incident=access.incident, faq_id=faq_id)
    services.faq_retire(entry=entry, actor=request.user)
    messages.success(request, _("The FAQ entry was taken off the public page."))
    return _redirect("faq_list", access)


@incident_view()
@require_POST
def faq_resync(request: AuthedRequest, *, access: IncidentAccess, faq_id: int) -> HttpResponse:
    entry = selectors.faq_get(incident=access.incident, faq_id=faq_id)
    new = services.faq_resync(entry=entry, actor=request.user)
    messages.success(request, _("A new draft was made from the desk's answer block."))
    return _redirect("faq_detail", access, faq_id=new.pk)


# ---------------------------------------------------------------------------------------------------------------------
# Stakeholders and press
# ---------------------------------------------------------------------------------------------------------------------
@incident_view()
@require_GET
def stakeholder_overview(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    incident = access.incident
    rows = list(stakeholder_list(incident=incident))
    latest: dict[int, StakeholderBriefing] = {}
    for briefing in selectors.briefing_list(incident=incident):
        latest.setdefault(briefing.stakeholder_id, briefing)
    done = {StakeholderStatus.BRIEFED, StakeholderStatus.ACKNOWLEDGED, StakeholderStatus.CLOSED}
    return render(
        request,
        "notices/stakeholders.html",
        {
            "incident": incident,
            "access": access,
            "rows": [(s, latest.get(s.pk)) for s in rows],
            "briefed": sum(1 for s in rows if s.status in done),
            "total": len(rows),
            "import_form": StakeholderImportForm(),
            "can_manage": access.can(Capability.MANAGE_STAKEHOLDERS),
        },
    )


@incident_view(Capability.MANAGE_STAKEHOLDERS)
@require_POST
def stakeholder_import(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    form = StakeholderImportForm(request.POST, request.FILES)
    if not form.is_valid():
        _form_errors(request, form)
        return _redirect("stakeholders", access)
    result = incident_services.stakeholders_import(
        incident=access.incident, actor=request.user, raw=form.cleaned_data["file"].read()
    )
    messages.success(
        request,
        _("%(n)s card companies added, %(s)s already listed (%(enc)s).")
        % {"n": len(result.created), "s": result.skipped, "enc": result.encoding},
    )
    for error in result.errors[:10]:
        messages.error(request, error)
    return _redirect("stakeholders", access)


@incident_view(Capability.MANAGE_STAKEHOLDERS)
@require_http_methods(["GET", "POST"])
def stakeholder_pack_view(request: AuthedRequest, *, access: IncidentAccess, stakeholder_id: int) -> HttpResponse:
    """Show a stakeholder's pack and briefings; prepare a briefing, mark it sent or acknowledged."""
    stakeholder = stakeholder_get(incident=access.incident, stakeholder_id=stakeholder_id)
    if request.method == "POST":
        form = BriefingActionForm(request.POST)
        if not form.is_valid():
            raise InvalidInput("Unknown action.")
        action = form.cleaned_data["action"]
        if action == "prepare":
            stakeholders.briefing_prepare(stakeholder=stakeholder, actor=request.user)
            messages.success(request, _("The briefing document was prepared."))
        else:
            briefing = (
                selectors.briefing_list(incident=access.incident, stakeholder_id=stakeholder.pk)
                .filter(pk=form.cleaned_data["briefing"] or 0)
                .first()
            )
            if briefing is None:
                raise InvalidInput("No such briefing.")
            if action == "sent":
                stakeholders.briefing_mark_sent(briefing=briefing, actor=request.user)
                messages.success(request, _("Marked as sent: the stakeholder is briefed."))
            else:
                stakeholders.briefing_acknowledge(briefing=briefing, actor=request.user)
                messages.success(request, _("Marked as acknowledged."))
        return _redirect("stakeholder_pack", access, stakeholder_id=stakeholder.pk)
    if request.GET.get("format") == "txt":
        pack = stakeholders.stakeholder_pack(stakeholder=stakeholder)
        response = HttpResponse(pack.as_text(), content_type="text/plain; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="pack-{stakeholder.kind}-{stakeholder.pk}.txt"'
        return response
    return render(
        request,
        "notices/stakeholder_pack.html",
        {
            "incident": access.incident,
            "access": access,
            "stakeholder": stakeholder,
            "pack": stakeholders.stakeholder_pack(stakeholder=stakeholder),
            "briefings": selectors.briefing_list(incident=access.incident, stakeholder_id=stakeholder.pk),
            "is_card": stakeholder.kind == StakeholderKind.CARD_COMPANY,
        },
    )


@incident_view()
@require_http_methods(["GET", "POST"])
def press_view(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """List press statements; draft one from a notice; decide a statement's title (recorded on the timeline)."""
    incident = access.incident
    if request.method == "POST":
        access.require(Capability.MANAGE_STAKEHOLDERS)
        if "notice" in request.POST:
            notice = selectors.notice_get(incident=incident, notice_id=int(request.POST["notice"] or 0))
            press.press_statement_draft(notice=notice, actor=request.user)
            messages.success(request, _("A press statement was drafted from the notice."))
            return _redirect("press", access)
        form = PressTitleForm(request.POST)
        if not form.is_valid():
            _form_errors(request, form)
            return _redirect("press", access)
        statement = selectors.press_list(incident=incident).filter(pk=form.cleaned_data["statement"]).first()
        if statement is None:
            raise InvalidInput("No such press statement.")
        press.press_title_decide(
            statement=statement,
            actor=request.user,
            title=form.cleaned_data["title"],
            alternatives=form.cleaned_data["alternatives"].splitlines(),
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("The title was decided and recorded on the timeline."))
        return _redirect("press", access)
    statements = [
        (s, PressTitleForm(initial={"statement": s.pk, "title": s.title}))
        for s in selectors.press_list(incident=incident)
    ]
    return render(
        request,
        "notices/press.html",
        {
            "incident": incident,
            "access": access,
            "statements": statements,
            "notices": selectors.notice_list(incident=incident).exclude(status=NoticeStatus.DRAFT),
            "can_manage": access.can(Capability.MANAGE_STAKEHOLDERS),
        },
    )
