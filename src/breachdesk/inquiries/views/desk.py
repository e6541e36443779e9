"""Serve the desk: the inquiry list with bulk work, one inquiry, phone log, mail upload, deletions, settings."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import F
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from breachdesk.core import access_log
from breachdesk.core.errors import ApplicationError, PermissionDenied, error_text
from breachdesk.core.roles import Capability
from breachdesk.core.templatetags.people import person_name
from breachdesk.core.types import AuthedRequest
from breachdesk.incidents.access import incident_view
from breachdesk.incidents.selectors import IncidentAccess, member_list
from breachdesk.inquiries import forms, learning, selectors, services
from breachdesk.inquiries.intake.receive import read_attachment
from breachdesk.inquiries.intake.sender import dmarc_warning
from breachdesk.inquiries.labels import LABELS
from breachdesk.inquiries.mailer import desk_config
from breachdesk.inquiries.masking import text_masked
from breachdesk.inquiries.models import Channel, Inquiry, InquiryStatus, Reply
from breachdesk.inquiries.views.common import context, require_desk, require_staff, to
from breachdesk.registry.masking import mask

MAIL_CHANNELS = (Channel.EMAIL, Channel.UPLOAD)

LIST_FIELDS = (
    "id",
    "incident_id",
    "aad_id",  # the row id the encrypted columns are bound to
    "channel",
    "status",
    "subject_enc",
    "sender_email_enc",
    "sender_phone_enc",
    "labels",
    "received_at",
    "due_at",
)


class _CountedPaginator(Paginator):
    """Paginate with a count given from outside (the selector caches it), so a page costs one query."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count  # fills the cached_property


ROW_HTML = (
    '<tr>{check}<td>{received}</td><td><a href="{url}" translate="no">{subject}</a> '
    '<span class="muted">{channel}</span></td>'
    "<td>{sender}</td><td>{labels}</td><td>{status}</td><td>{assignee}</td><td>{due}</td></tr>"
)
SUBJECT_CHARS = 60


def _rows(inquiries: list[Inquiry], *, can_work: bool, base_url: str) -> list[SafeString]:
    """Write the table rows in Python, escaping every value with ``html.escape`` (what Django's ``escape`` does).

    Fifty rows of ten values each cost more through the template engine (or ``format_html``, which checks each
    argument for lazy strings) than the rest of the page together. The fixed parts (label badges, status and channel
    names) are escaped once per page; the filters, pagination and everything else stay in the template.
    """
    badges = {key: f'<span class="badge">{escape(str(name))}</span>' for key, name in LABELS.items()}
    statuses = {value: escape(str(name)) for value, name in InquiryStatus.choices}
    channels = {value: escape(str(name)) for value, name in Channel.choices}
    check_html = (
        '<td><input type="checkbox" name="inquiry" value="{}" aria-label="' + escape(gettext("Select")) + '"></td>'
    )
    url_prefix = escape(base_url)
    rows: list[SafeString] = []
    for inquiry in inquiries:
        email = inquiry.sender_email or ""
        phone_only = "☎" if inquiry.sender_phone else "—"
        sender = email or phone_only  # the list needs INQUIRY_READ_BODY, which shows senders
        subject = inquiry.subject or "—"
        if len(subject) > SUBJECT_CHARS:
            subject = subject[: SUBJECT_CHARS - 1] + "…"
        row = ROW_HTML.format(
            check=check_html.format(int(inquiry.pk)) if can_work else "",
            received=_short(inquiry.received_at),
            url=f"{url_prefix}{int(inquiry.pk)}/",
            subject=escape(subject),
            channel=channels.get(inquiry.channel) or escape(inquiry.channel),
            sender=escape(sender),
            labels=" ".join(badges.get(key) or f'<span class="badge">{escape(key)}</span>' for key in inquiry.labels),
            status=statuses.get(inquiry.status) or escape(inquiry.status),
            assignee=escape(inquiry.assignee_name) if inquiry.assignee_name else "—",  # type: ignore[attr-defined]
            due=_short(inquiry.due_at),
        )
        rows.append(mark_safe(row))  # noqa: S308 - every value above is escaped or a fixed string of ours  # nosec
    return rows


def _assignee_options(access: IncidentAccess, *, selected: str) -> SafeString:
    """Write the assignee options (every member of the incident) of a filter or a form, each value escaped."""
    options = []
    members = member_list(incident=access.incident).values_list(
        "user_id", "user__username", "user__first_name", "user__last_name"
    )
    for user_id, username, first, last in members:
        mark = " selected" if selected == str(user_id) else ""
        name = person_name(username=username, first_name=first, last_name=last)
        options.append(f'<option value="{int(user_id)}"{mark}>{escape(name)}</option>')
    return mark_safe("".join(options))  # noqa: S308 - every value above is escaped or a number  # nosec


def _short(moment: datetime | None) -> str:
    """Format like the ``date:"m/d H:i"`` filter, in the current time zone."""
    return timezone.localtime(moment).strftime("%m/%d %H:%M") if moment else ""


@incident_view()
def inquiry_list(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """List inquiries (50 a page) with filters; staff select rows with the same labels for a batch of drafts.

    The list shows senders and subjects (``INQUIRY_READ_BODY``). Other desk roles land on their own page instead: a
    reviewer on the review queue, an engineer on the deletion requests.
    """
    if not access.can(Capability.INQUIRY_READ_BODY):
        require_desk(access)
        return to("review_queue" if access.can(Capability.REVIEW) else "deletion_list", access)
    params = request.GET
    filters: dict[str, Any] = {
        "status": params.get("status") or None,
        "label": params.get("label") or None,
        "assignee_id": int(params["assignee"]) if params.get("assignee", "").isdigit() else None,
        "unassigned": params.get("unassigned") == "1",
        "overdue": params.get("overdue") == "1",
    }
    # The assignee's name as a column rather than a User per row: fifty rows are fifty fewer model instances.
    qs = (
        selectors.inquiry_list(incident=access.incident, **filters)
        .select_related(None)
        .annotate(assignee_name=F("assignee__username"))
        .only(*LIST_FIELDS)
    )
    count = selectors.inquiry_list_count(incident=access.incident, **filters)
    page = _CountedPaginator(qs, 50, count=count).get_page(params.get("page"))
    can_work = access.can(Capability.DESK_WORK)
    query = params.copy()
    query.pop("page", None)
    base_url = reverse("inquiries:inquiry_list", kwargs={"code": access.incident.code})
    return render(
        request,
        "inquiries/inquiry_list.html",
        context(
            access,
            page=page,
            rows=mark_safe("".join(_rows(list(page.object_list), can_work=can_work, base_url=base_url))),  # noqa: S308  # nosec
            labels=list(LABELS.items()),
            statuses=InquiryStatus.choices,
            assignee_options=_assignee_options(access, selected=params.get("assignee", "")),
            query=query.urlencode(),
            # Every key present: a missing one would make each option's comparison a failed (slow) lookup.
            filters={key: params.get(key, "") for key in ("status", "label", "assignee", "overdue")},
        ),
    )


@incident_view()
def inquiry_detail(request: AuthedRequest, inquiry_id: int, *, access: IncidentAccess) -> HttpResponse:
    """Show one inquiry: its messages (text, or sanitised HTML), labels with why they were chosen (computed now from
    the text and the model, nothing stored), match, replies, deletion.

    The desk reads it all (``INQUIRY_READ_BODY``). A legal reviewer reads only an inquiry whose reply they review
    (``INQUIRY_READ_IN_REVIEW``), with the people in it masked: sender, subject, text, attachment names; no HTML
    view, no attachment, no registry link.
    """
    can_read = access.can(Capability.INQUIRY_READ_BODY)
    if not can_read:
        access.require(Capability.INQUIRY_READ_IN_REVIEW)
    inquiry = selectors.inquiry_get(incident=access.incident, inquiry_id=inquiry_id)
    if not can_read and not selectors.inquiry_in_review_by(inquiry=inquiry, user=request.user):
        raise PermissionDenied(
            gettext_noop("You read an inquiry only while you review its reply."), code="inquiries.not_in_review"
        )
    email = inquiry.sender_email or ""
    person = inquiry.person
    access_log.record(
        incident=access.incident,
        actor=request.user,
        obj=f"inquiry:{inquiry.pk}",
        fields=["subject", "body", "sender_name", "sender_email"]
        if can_read
        else ["subject (masked)", "body (masked)", "sender (masked)"],
        route=access_log.route_of(request),
    )
    messages_ = list(inquiry.messages.prefetch_related("attachments").order_by("at", "id"))
    names, member_ids = [inquiry.sender_name or ""], []
    for known in (person, inquiry.suggested_person):
        if known is not None:
            names.append(known.name or "")
            member_ids.append(known.member_id or "")
    for message in messages_:
        message.shown_text = (  # type: ignore[attr-defined]
            message.text if can_read else text_masked(message.text or "", names=names, member_ids=member_ids)
        )
    subject = inquiry.subject or ""
    return render(
        request,
        "inquiries/inquiry_detail.html",
        context(
            access,
            inquiry=inquiry,
            subject=subject if can_read else text_masked(subject, names=names, member_ids=member_ids),
            sender_email=email if can_read else mask("email", email),
            sender_name=(inquiry.sender_name or "") if can_read else mask("name", inquiry.sender_name or ""),
            reply_to=(inquiry.reply_to or "") if can_read else mask("email", inquiry.reply_to or ""),
            dmarc_warning=dmarc_warning(inquiry.auth_results) if inquiry.channel in MAIL_CHANNELS else "",
            messages_=messages_,
            explanation=learning.inquiry_explanation(inquiry) if can_read else [],
            label_choices=list(LABELS.items()),
            person=person,
            suggested=inquiry.suggested_person if person is None and can_read else None,
            person_items=person.item_keys if person is not None and can_read else [],
            replies=Reply.objects.filter(inquiry=inquiry).select_related("author", "reviewer"),
            deletions=inquiry.deletion_requests.all(),
            assignee_options=_assignee_options(access, selected=str(inquiry.assignee_id or "")),
            ack=getattr(inquiry, "acknowledgment", None) if hasattr(inquiry, "acknowledgment") else None,
            show_html=request.GET.get("view") == "html",
        ),
    )


@incident_view()
@require_POST
def inquiry_labels(request: AuthedRequest, inquiry_id: int, *, access: IncidentAccess) -> HttpResponse:
    require_staff(access)
    inquiry = selectors.inquiry_get(incident=access.incident, inquiry_id=inquiry_id)
    form = forms.LabelsForm(request.POST)
    if form.is_valid():
        services.inquiry_labels_correct(inquiry=inquiry, actor=request.user, labels=form.cleaned_data["labels"])
        messages.success(request, _("The labels were corrected; the correction is kept for tuning."))
    else:
        messages.error(request, _("Choose at least one label."))
    return to("inquiry_detail", access, inquiry_id=inquiry.pk)


@incident_view()
@require_POST
def inquiry_assign(request: AuthedRequest, inquiry_id: int, *, access: IncidentAccess) -> HttpResponse:
    require_staff(access)
    inquiry = selectors.inquiry_get(incident=access.incident, inquiry_id=inquiry_id)
    user_id = request.POST.get("assignee", "")
    assignee = get_user_model().objects.filter(pk=int(user_id)).first() if user_id.isdigit() else None
    services.inquiry_assign(inquiry=inquiry, actor=request.user, assignee=assignee)
    return to("inquiry_detail", access, inquiry_id=inquiry.pk)


@incident_view()
@require_POST
def inquiry_status(request: AuthedRequest, inquiry_id: int, *, access: IncidentAccess) -> HttpResponse:
    require_staff(access)
    inquiry = selectors.inquiry_get(incident=access.incident, inquiry_id=inquiry_id)
    services.inquiry_set_status(inquiry=inquiry, actor=request.user, status=request.POST.get("status", ""))
    return to("inquiry_detail", access, inquiry_id=inquiry.pk)


@incident_view()
@require_POST
def inquiry_ack_retry(request: AuthedRequest, inquiry_id: int, *, access: IncidentAccess) -> HttpResponse:
    """Send a failed or uncertain acknowledgment again, once a person has checked it did not leave."""
    require_staff(access)
    inquiry = selectors.inquiry_get(incident=access.incident, inquiry_id=inquiry_id)
    ack = getattr(inquiry, "acknowledgment", None)  # None when the sender gave no address
    if ack is None:
        messages.error(request, _("This inquiry has no acknowledgment to send."))
        return to("inquiry_detail", access, inquiry_id=inquiry.pk)
    try:
        services.ack_retry(ack=ack, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("The acknowledgment is queued again; the worker sends it within a minute."))
    return to("inquiry_detail", access, inquiry_id=inquiry.pk)


@incident_view()
@require_POST
def inquiry_draft(request: AuthedRequest, inquiry_id: int, *, access: IncidentAccess) -> HttpResponse:
    """Assemble a draft from the approved blocks and open it."""
    require_staff(access)
    inquiry = selectors.inquiry_get(incident=access.incident, inquiry_id=inquiry_id)
    reply = services.reply_draft(inquiry=inquiry, actor=request.user)
    return to("reply_detail", access, reply_id=reply.pk)


@incident_view()
@require_POST
def inquiry_deletion(request: AuthedRequest, inquiry_id: int, *, access: IncidentAccess) -> HttpResponse:
    require_staff(access)
    inquiry = selectors.inquiry_get(incident=access.incident, inquiry_id=inquiry_id)
    services.deletion_request_create(inquiry=inquiry, actor=request.user)
    messages.success(request, _("A deletion request and an engineer task were created."))
    return to("inquiry_detail", access, inquiry_id=inquiry.pk)


@incident_view()
def attachment_download(request: AuthedRequest, attachment_id: int, *, access: IncidentAccess) -> HttpResponse:
    """Offer a stored attachment as a download only: never inline, never sniffed, never a known type."""
    access.require(Capability.INQUIRY_READ_BODY)
    attachment = selectors.attachment_get(incident=access.incident, attachment_id=attachment_id)
    if not attachment.stored_path:
        raise PermissionDenied(_("This attachment was too large and was not stored."), code="inquiries.not_stored")
    import io

    access_log.record(
        incident=access.incident,
        actor=request.user,
        obj=f"attachment:{attachment.pk}",
        fields=["file"],
        route=access_log.route_of(request),
    )
    response = FileResponse(
        io.BytesIO(read_attachment(attachment)),
        as_attachment=True,
        filename=f"attachment-{attachment.pk}.bin",
        content_type="application/octet-stream",
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return cast(HttpResponse, response)


@incident_view()
@require_POST
def bulk_draft(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Assemble per-person drafts for the selected inquiries (same labels) and send them to review as a batch."""
    require_staff(access)
    ids = [int(v) for v in request.POST.getlist("inquiry") if v.isdigit()]
    inquiries = list(Inquiry.objects.filter(incident=access.incident, pk__in=ids))
    batch, replies = services.replies_draft_batch(incident=access.incident, actor=request.user, inquiries=inquiries)
    messages.success(
        request, _("%(n)d drafts were sent to review as batch %(batch)s.") % {"n": len(replies), "batch": batch}
    )
    return to("inquiry_list", access)


@incident_view()
@require_POST
def assign_round_robin(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    require_staff(access)
    count = services.inquiry_assign_round_robin(incident=access.incident, actor=request.user)
    messages.success(request, _("%(n)d inquiries were assigned in turn.") % {"n": count})
    return to("inquiry_list", access)


@incident_view()
@require_http_methods(["GET", "POST"])
def phone_new(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Log a phone call as an inquiry."""
    require_staff(access)
    form = forms.PhoneLogForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        result = services.phone_log(incident=access.incident, actor=request.user, **form.cleaned_data)
        assert result.inquiry is not None
        return to("inquiry_detail", access, inquiry_id=result.inquiry.pk)
    return render(request, "inquiries/phone_form.html", context(access, form=form))


@incident_view()
@require_http_methods(["GET", "POST"])
def mail_upload(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Take in mail saved as .eml or .mbox (mail that reached someone else's mailbox)."""
    require_staff(access)
    form = forms.UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        counts = services.upload_read(
            incident=access.incident, data=upload.read(), filename=upload.name or "", actor=request.user
        )
        messages.success(
            request,
            _(
                "%(messages)d messages read: %(created)d new inquiries, "
                "%(threaded)d added to threads, %(dropped)d dropped."
            )
            % counts,
        )
        return to("inquiry_list", access)
    return render(request, "inquiries/upload_form.html", context(access, form=form))


@incident_view()
def deletion_list(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    require_desk(access)
    return render(
        request,
        "inquiries/deletion_list.html",
        context(access, deletions=selectors.deletion_list(incident=access.incident), form=forms.DecisionForm()),
    )


@incident_view()
@require_POST
def deletion_complete(request: AuthedRequest, deletion_id: int, *, access: IncidentAccess) -> HttpResponse:
    """Let an engineer (or the lead) mark the deletion done; the confirmation is drafted."""
    access.require(Capability.DELETION_COMPLETE)
    deletion = selectors.deletion_get(incident=access.incident, deletion_id=deletion_id)
    reply = services.deletion_complete(deletion=deletion, actor=request.user)
    if reply is not None:
        messages.success(request, _("Done. The confirmation reply was drafted."))
    return to("deletion_list", access)


@incident_view()
@require_POST
def deletion_send_link(request: AuthedRequest, deletion_id: int, *, access: IncidentAccess) -> HttpResponse:
    """Mail the confirmation link to the suggested person's registered address (never the requester's)."""
    require_staff(access)
    deletion = selectors.deletion_get(incident=access.incident, deletion_id=deletion_id)
    try:
        services.deletion_send_confirmation(deletion=deletion, actor=request.user)
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("The confirmation link was sent to the registered address."))
    return to("deletion_list", access)


@incident_view()
@require_POST
def deletion_verify_phone(request: AuthedRequest, deletion_id: int, *, access: IncidentAccess) -> HttpResponse:
    """Record a verification by phone, with the questions asked."""
    require_staff(access)
    deletion = selectors.deletion_get(incident=access.incident, deletion_id=deletion_id)
    try:
        services.deletion_verify_phone(
            deletion=deletion, actor=request.user, questions=str(request.POST.get("questions", ""))[:500]
        )
    except ApplicationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, _("The phone verification was recorded."))
    return to("deletion_list", access)


@incident_view()
@require_POST
def deletion_decide(request: AuthedRequest, deletion_id: int, *, access: IncidentAccess) -> HttpResponse:
    if not access.can(Capability.DELETION_DECIDE):  # before the form: the refusal, not "give a reason"
        raise PermissionDenied(gettext_noop("Only the incident lead decides this."), code="inquiries.not_lead")
    deletion = selectors.deletion_get(incident=access.incident, deletion_id=deletion_id)
    form = forms.DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason for the decision."))
        return to("deletion_list", access)
    services.deletion_decide_contact(deletion=deletion, actor=request.user, **form.cleaned_data)
    return to("deletion_list", access)


@incident_view()
@require_http_methods(["GET", "POST"])
def desk_settings(request: AuthedRequest, *, access: IncidentAccess) -> HttpResponse:
    """Let the lead set the desk address, hours, SLA target, public form and mailbox."""
    require_desk(access)
    config = desk_config(access.incident)
    initial = {f: getattr(config, f) for f in forms.DeskConfigForm.base_fields if f != "imap_password"}
    form = forms.DeskConfigForm(request.POST or None, initial=initial)
    if request.method == "POST":
        access.require(Capability.EDIT_INCIDENT)
        if form.is_valid():
            try:
                services.desk_config_update(incident=access.incident, actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(request, _("The desk settings were saved."))
                return to("desk_settings", access)
    return render(
        request,
        "inquiries/desk_settings.html",
        context(access, form=form, config=config, can_save=access.can(Capability.EDIT_INCIDENT)),
    )
