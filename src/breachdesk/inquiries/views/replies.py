"""Serve replies and their review: the editor, the review queue with the diff, approve or return, send."""

from __future__ import annotations

import difflib

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods, require_POST

from breachdesk.core.errors import ApplicationError, PermissionDenied, error_text
from breachdesk.core.roles import Capability
from breachdesk.core.types import AuthedRequest
from breachdesk.incidents.access import incident_view
from breachdesk.incidents.selectors import IncidentAccess
from breachdesk.inquiries import forms, selectors, services
from breachdesk.inquiries.models import Reply, ReplyStatus
from breachdesk.inquiries.views.common import context, require_staff, to


def diff_html(before: str, after: str) -> SafeString:
    """Return ``after`` with what changed against ``before`` marked (<del>, <ins>), everything escaped."""
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    out: list[str] = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            out.append(escape(after[b1:b2]))
            continue
        if a2 > a1:
            out.append(f"<del>{escape(before[a1:a2])}</del>")
        if b2 > b1:
            out.append(f"<ins>{escape(after[b1:b2])}</ins>")
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above  # nosec


def _reply_context(access: IncidentAccess, reply: Reply, **extra: object) -> dict[str, object]:
    body = reply.body or ""
    return context(
        access,
        reply=reply,
        inquiry=reply.inquiry,
        body=body,
        diff=diff_html(reply.assembled or "", body),
        changed=(reply.assembled or "") != body,
        comment=reply.comment or "",
        editors=selectors.reply_editors(reply=reply),
        **extra,
    )


@incident_view()
@require_http_methods(["GET", "POST"])
def reply_detail(request: AuthedRequest, reply_id: int, *, access: IncidentAccess) -> HttpResponse:
    """Show a reply; its author's team edits it while it is a draft or returned.

    The desk reads every reply (``INQUIRY_READ_BODY``); a legal reviewer the replies in review and those they
    reviewed (``INQUIRY_READ_IN_REVIEW``), as written: they approve exactly the text that is sent.
    """
    if not access.can(Capability.INQUIRY_READ_BODY):
        access.require(Capability.INQUIRY_READ_IN_REVIEW)
    reply = selectors.reply_get(incident=access.incident, reply_id=reply_id)
    if not access.can(Capability.INQUIRY_READ_BODY) and not selectors.reply_in_review_by(
        reply=reply, user=request.user
    ):
        raise PermissionDenied(
            gettext_noop("You read a reply only while you review it."), code="inquiries.not_in_review"
        )
    form = forms.ReplyForm(request.POST or None, initial={"body": reply.body})
    if request.method == "POST":
        require_staff(access)
        if form.is_valid():
            try:
                services.reply_edit(reply=reply, actor=request.user, body=form.cleaned_data["body"])
            except ApplicationError as exc:
                form.add_error(None, error_text(exc))
            else:
                if reply.free_text:
                    messages.warning(request, _("This reply is free text: it always needs review."))
                return to("reply_detail", access, reply_id=reply.pk)
    return render(
        request,
        "inquiries/reply_detail.html",
        _reply_context(
            access,
            reply,
            form=form,
            review_form=forms.ReviewForm(),
            is_author=request.user.pk in services.reply_writers(reply),
        ),
    )


@incident_view()
@require_POST
def reply_submit(request: AuthedRequest, reply_id: int, *, access: IncidentAccess) -> HttpResponse:
    require_staff(access)
    reply = selectors.reply_get(incident=access.incident, reply_id=reply_id)
    services.reply_submit(reply=reply, actor=request.user)
    if reply.status == ReplyStatus.APPROVED:
        messages.success(request, _("Made only of pre-approved blocks: approved without review."))
    else:
        messages.success(request, _("Sent to review."))
    return to("reply_detail", access, reply_id=reply.pk)


@incident_view(Capability.REVIEW)
@require_POST
def reply_review(request: AuthedRequest, reply_id: int, *, access: IncidentAccess) -> HttpResponse:
    """Approve a reply or return it with comments (REVIEW capability; never the author)."""
    reply = selectors.reply_get(incident=access.incident, reply_id=reply_id)
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or return."))
        return to("reply_detail", access, reply_id=reply.pk)
    if form.cleaned_data["decision"] == "approve":
        services.reply_approve(reply=reply, actor=request.user, access=access, comment=form.cleaned_data["comment"])
        messages.success(request, _("Approved."))
    else:
        services.reply_return(reply=reply, actor=request.user, access=access, comment=form.cleaned_data["comment"])
        messages.success(request, _("Returned to the author."))
    return to("review_queue", access)


@incident_view()
@require_POST
def reply_send(request: AuthedRequest, reply_id: int, *, access: IncidentAccess) -> HttpResponse:
    access.require(Capability.REPLY_SEND)
    reply = selectors.reply_get(incident=access.incident, reply_id=reply_id)
    services.reply_send(reply=reply, actor=request.user)
    messages.success(request, _("The reply was sent."))
    return to("inquiry_detail", access, inquiry_id=reply.inquiry_id)


@incident_view(Capability.REVIEW)
def review_queue(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """List the replies waiting for review, each with the diff against its assembled draft."""
    replies = list(selectors.review_queue(incident=access.incident)[:100])
    rows = [
        {
            "reply": r,
            "diff": diff_html(r.assembled or "", r.body or ""),
            "changed": (r.assembled or "") != (r.body or ""),
        }
        for r in replies
    ]
    return render(request, "inquiries/review_queue.html", context(access, rows=rows, review_form=forms.ReviewForm()))
