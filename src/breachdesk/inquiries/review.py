"""Take a reply from draft to sent: edit, submit, review (approve or return), send; and the bulk path.

Nobody who wrote or edited a reply may approve it (``core.four_eyes``). A reply made only of pre-approved blocks
skips review; any other reply, and every free-text reply, goes to the reviewer.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from breachdesk.core.errors import ValidationFailed
from breachdesk.core.four_eyes import four_eyes_require
from breachdesk.core.roles import Capability
from breachdesk.incidents.models import Incident
from breachdesk.incidents.selectors import IncidentAccess
from breachdesk.inquiries import events
from breachdesk.inquiries.drafting import assemble, decompose
from breachdesk.inquiries.errors import AuthorCannotApprove, NotReviewable, NotSendable
from breachdesk.inquiries.mailer import desk_send
from breachdesk.inquiries.models import (
    Inquiry,
    InquiryStatus,
    MessageKind,
    Reply,
    ReplyKind,
    ReplyStatus,
)

EDITABLE = (ReplyStatus.DRAFT, ReplyStatus.RETURNED)
OPEN_REPLY = (ReplyStatus.DRAFT, ReplyStatus.RETURNED, ReplyStatus.IN_REVIEW, ReplyStatus.APPROVED)


def _classify_text(reply: Reply, text: str) -> None:
    used = decompose(reply.inquiry, text)
    reply.free_text = used is None
    reply.blocks = [[b.pk, b.version] for b in used] if used else []
    reply.skips_review = bool(used) and all(b.preapproved for b in used or [])


def reply_draft(*, inquiry: Inquiry, actor: Any, kind: str = ReplyKind.ANSWER, keys: list[str] | None = None) -> Reply:
    """Assemble a new draft for ``inquiry`` from the approved blocks."""
    if not inquiry.sender_email:
        raise NotSendable("This inquiry has no email address: answer it by phone or post.")
    assembly = assemble(inquiry, keys=keys)
    if not assembly.text:
        raise ValidationFailed(
            gettext_noop("No approved answer blocks fit this inquiry yet: approve the blocks first."),
            code="inquiries.no_blocks",
        )
    reply = Reply(incident_id=inquiry.incident_id, inquiry=inquiry, kind=kind, author=actor)
    reply.body = assembly.text
    reply.assembled = assembly.text
    _classify_text(reply, assembly.text)
    with transaction.atomic():
        reply.save()
        events.reply_drafted_event(reply=reply, actor=actor)
    return reply


def reply_edit(*, reply: Reply, actor: Any, body: str) -> Reply:
    """Replace the text of a draft; a text that is not wholly approved blocks becomes free text."""
    if reply.status not in EDITABLE:
        raise NotReviewable("Only a draft or a returned reply can be edited.", code="inquiries.not_editable")
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise ValidationFailed(gettext_noop("A reply needs text."), code="inquiries.empty_reply")
    reply.body = body
    _classify_text(reply, body)
    editor = getattr(actor, "pk", None)
    if editor is not None and editor not in (reply.editor_ids or []):
        reply.editor_ids = [*(reply.editor_ids or []), editor]
    with transaction.atomic():
        reply.save()
        events.reply_edited_event(reply=reply, actor=actor)
    return reply


def reply_submit(*, reply: Reply, actor: Any, batch: str = "") -> Reply:
    """Send a draft to review, or approve it at once when it is made only of pre-approved blocks."""
    if reply.status not in EDITABLE:
        raise NotReviewable("Only a draft or a returned reply can be submitted.")
    now = timezone.now()
    with transaction.atomic():
        reply.submitted_at = now
        reply.batch = batch or reply.batch
        if reply.skips_review and not reply.free_text:
            reply.status = ReplyStatus.APPROVED
            reply.decided_at = now
            reply.save()
            events.reply_submitted_event(reply=reply, actor=actor)
            events.reply_approved_event(reply=reply, actor=actor)
        else:
            reply.status = ReplyStatus.IN_REVIEW
            reply.save()
            events.reply_submitted_event(reply=reply, actor=actor)
    return reply


def reply_writers(reply: Reply) -> list[int | None]:
    """Return the ids of everyone who wrote or edited ``reply``: none of them may approve it."""
    return [reply.author_id, *(reply.editor_ids or [])]


def _check_reviewer(reply: Reply, actor: Any, access: IncidentAccess) -> None:
    access.require(Capability.REVIEW)
    if reply.status != ReplyStatus.IN_REVIEW:
        raise NotReviewable("This reply is not waiting for review.")
    four_eyes_require(approver=actor, writers=reply_writers(reply), what="reply", error=AuthorCannotApprove)


def reply_approve(*, reply: Reply, actor: Any, access: IncidentAccess, comment: str = "") -> Reply:
    """Approve a reply in review (REVIEW capability, not the author)."""
    _check_reviewer(reply, actor, access)
    with transaction.atomic():
        reply.status = ReplyStatus.APPROVED
        reply.reviewer = actor
        reply.decided_at = timezone.now()
        if comment:
            reply.comment = comment
        reply.save()
        events.reply_approved_event(reply=reply, actor=actor)
    return reply


def reply_return(*, reply: Reply, actor: Any, access: IncidentAccess, comment: str) -> Reply:
    """Return a reply to its author with comments."""
    _check_reviewer(reply, actor, access)
    if not comment.strip():
        raise ValidationFailed(gettext_noop("Say what must change."), code="inquiries.comment_required")
    with transaction.atomic():
        reply.status = ReplyStatus.RETURNED
        reply.reviewer = actor
        reply.decided_at = timezone.now()
        reply.comment = comment.strip()
        reply.save()
        events.reply_returned_event(reply=reply, actor=actor)
    return reply


def reply_send(*, reply: Reply, actor: Any) -> Reply:
    """Send an approved reply to the inquiry's own sender, threaded; mark the inquiry answered."""
    if reply.inquiry.awaiting_confirmation:
        raise NotSendable(
            gettext_noop("The sender has not confirmed this address yet: the desk cannot mail it."),
            code="inquiries.sender_unconfirmed",
        )
    claimed = Reply.objects.filter(pk=reply.pk, status=ReplyStatus.APPROVED).update(status=ReplyStatus.SENDING)
    if claimed != 1:
        raise NotSendable("Only an approved reply can be sent.")
    reply.refresh_from_db()
    inquiry = reply.inquiry
    try:
        desk_send(inquiry=inquiry, body=reply.body or "", kind=MessageKind.REPLY, actor=actor)
    except Exception as exc:
        # A guard refusal is certain (nothing left); any other error may have left after all, so a person checks.
        from breachdesk.outbound.guard import MisSendBlocked

        status = ReplyStatus.APPROVED if isinstance(exc, MisSendBlocked) else ReplyStatus.UNCERTAIN
        Reply.objects.filter(pk=reply.pk).update(status=status)
        reply.status = status
        events.reply_send_failed_event(reply=reply, actor=actor, error=getattr(exc, "code", type(exc).__name__))
        raise
    now = timezone.now()
    with transaction.atomic():
        reply.status = ReplyStatus.SENT
        reply.sent_at = now
        reply.save(update_fields=["status", "sent_at", "updated_at"])
        events.reply_sent_event(reply=reply, actor=actor)
        if reply.kind == ReplyKind.ANSWER or inquiry.status == InquiryStatus.OPEN:
            old = inquiry.status
            inquiry.status = InquiryStatus.ANSWERED
            inquiry.answered_at = inquiry.answered_at or now
            inquiry.save(update_fields=["status", "answered_at", "updated_at"])
            if old != inquiry.status:
                events.inquiry_status_changed_event(inquiry=inquiry, actor=actor, old=old)
    return reply


def replies_draft_batch(*, incident: Incident, actor: Any, inquiries: list[Inquiry]) -> tuple[str, list[Reply]]:
    """Assemble a per-person draft for each inquiry (all with the same labels) and submit them as one batch."""
    if not inquiries:
        raise ValidationFailed(gettext_noop("Select at least one inquiry."), code="inquiries.empty_batch")
    label_sets = {tuple(sorted(i.labels)) for i in inquiries}
    if len(label_sets) != 1:
        raise ValidationFailed(
            gettext_noop("A batch takes inquiries with the same labels only."), code="inquiries.mixed_batch"
        )
    batch = secrets.token_hex(6)
    replies: list[Reply] = []
    with transaction.atomic():
        for inquiry in inquiries:
            if inquiry.incident_id != incident.pk or not inquiry.sender_email:
                continue
            if Reply.objects.filter(inquiry=inquiry, status__in=OPEN_REPLY).exists():
                continue
            reply = reply_draft(inquiry=inquiry, actor=actor)
            replies.append(reply_submit(reply=reply, actor=actor, batch=batch))
        events.reply_batch_submitted_event(incident=incident, actor=actor, batch=batch, replies=len(replies))
    return batch, replies
