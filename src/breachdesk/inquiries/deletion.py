"""Turn a deletion request into an engineer task; when it is done, draft the confirmation and stop campaign mail.

A matching string is not proof: a request names a person only as an unverified suggestion (the inquiry's match, or a
member ID or phone number in the text). It is tied to the person only after a confirmation link sent to **that
person's registered address** is followed, or after staff record a phone verification with the questions asked.
Until then the request, the inquiry and the engineer task say "unverified", and the deletion cannot be completed.

After deletion the person is excluded from ordinary campaigns (``selectors.person_ids_with_completed_deletion``); a
notice that the law requires still reaches them unless the lead records a reason on the request.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_noop

from breachdesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from breachdesk.core.roles import Capability, Role, role_can
from breachdesk.incidents import services as incident_services
from breachdesk.incidents import task_texts
from breachdesk.incidents.models import Phase, Task, TaskStatus
from breachdesk.incidents.selectors import membership_role
from breachdesk.inquiries import events
from breachdesk.inquiries.models import (
    DeletionRequest,
    DeletionStatus,
    Inquiry,
    Reply,
    ReplyKind,
    VerificationMethod,
)
from breachdesk.inquiries.review import reply_draft


def deletion_request_create(*, inquiry: Inquiry, actor: Any) -> DeletionRequest:
    """Record the inquiry's deletion request and give the engineers a task for it (once per inquiry)."""
    existing = DeletionRequest.objects.filter(inquiry=inquiry).exclude(status=DeletionStatus.CANCELLED).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        deletion = DeletionRequest.objects.create(
            incident_id=inquiry.incident_id,
            inquiry=inquiry,
            person=None,
            suggested_person_id=inquiry.person_id or inquiry.suggested_person_id,
        )
        key, params, title, description = _task_text(deletion)
        task = incident_services.task_create(
            incident=inquiry.incident,
            actor=actor,
            title=title,
            phase=Phase.FOLLOW_UP,
            description=description,
            owner_role=Role.ENGINEER,
            title_key=key,
            title_params=params,
        )
        Task.objects.filter(pk=task.pk).update(
            link_type=ContentType.objects.get_for_model(DeletionRequest), link_id=str(deletion.pk)
        )
        deletion.task = task
        deletion.save(update_fields=["task", "updated_at"])
        events.deletion_requested_event(deletion=deletion, actor=actor)
    return deletion


def _task_text(deletion: DeletionRequest) -> tuple[str, dict[str, Any], str, str]:
    """Return the engineer task's key, parameters, English title and description, saying whether it is verified.

    The title shown is made from the key in the reader's language (``incidents.task_texts``); the English text is
    kept for the API, exports and search.
    """
    token = deletion.inquiry.token
    if deletion.verified_at is None:
        key = "inquiries.deletion_unverified"
        params: dict[str, Any] = {"token": token, "deletion": deletion.pk, "person": deletion.suggested_person_id}
    else:
        key = "inquiries.deletion"
        params = {"token": token, "deletion": deletion.pk, "person": deletion.person_id}
    with translation.override("en"):
        title = task_texts.render(key, params, part="title") or key
        description = task_texts.render(key, params, part="description") or ""
    return key, params, title, description


def _verify(deletion: DeletionRequest, *, actor: Any, method: str, note: str = "") -> DeletionRequest:
    with transaction.atomic():
        moved = DeletionRequest.objects.filter(
            pk=deletion.pk, verified_at__isnull=True, suggested_person__isnull=False
        ).update(
            person_id=deletion.suggested_person_id,
            verified_at=timezone.now(),
            verified_by=actor if actor is not None and not isinstance(actor, str) else None,
            verification_method=method,
            verification_note=note[:500],
            confirm_digest=None,
        )
        deletion.refresh_from_db()
        if not moved:
            raise Conflict(
                gettext_noop("This deletion request is already verified or names no registry person."),
                code="inquiries.deletion_not_verifiable",
            )
        if deletion.task_id is not None:
            key, params, title, description = _task_text(deletion)
            Task.objects.filter(pk=deletion.task_id).update(
                title=title, description=description, title_key=key, title_params=params
            )
        events.deletion_verified_event(deletion=deletion, actor=actor)
    return deletion


def deletion_verify_phone(*, deletion: DeletionRequest, actor: Any, questions: str) -> DeletionRequest:
    """Record that staff verified the requester by phone, with the questions they asked (never the answers)."""
    questions = (questions or "").strip()
    if not questions:
        raise ValidationFailed(
            gettext_noop("Record the questions you asked to verify the caller."),
            code="inquiries.verification_questions",
        )
    return _verify(deletion, actor=actor, method=VerificationMethod.PHONE, note=questions)


CONFIRM_SUBJECT = "【ご本人確認】データ削除のご依頼について"
CONFIRM_BODY = (
    "データの削除（退会）のご依頼をお受けしました。\n"
    "ご依頼がご本人によるものであることを確認するため、次のページを開き、確認ボタンを押してください。\n"
    "{link}\n\n"
    "お心当たりのない場合は、このメールを破棄してください。確認がない限り、削除は行いません。\n"
)


def deletion_send_confirmation(*, deletion: DeletionRequest, actor: Any) -> DeletionRequest:
    """Mail a confirmation link to the suggested person's **registered** address (never the requester's)."""
    from django.conf import settings
    from django.urls import reverse

    from breachdesk.inquiries.mailer import desk_config
    from breachdesk.outbound.guard import OutboundMessage, outbound_guard_enforce
    from breachdesk.outbound.mailformat import JapaneseEmailMessage

    if deletion.verified_at is not None:
        raise Conflict(gettext_noop("This deletion request is already verified."), code="inquiries.deletion_verified")
    person = deletion.suggested_person
    recipient = (person.email or "") if person is not None else ""
    if not recipient:
        raise ValidationFailed(
            gettext_noop("No registered address for this request: verify the person by phone."),
            code="inquiries.no_registered",
        )
    secret = secrets.token_urlsafe(24)
    base = settings.BREACHDESK_PUBLIC_BASE_URL.rstrip("/")
    link = base + reverse(
        "inquiries_public:deletion_confirm", kwargs={"code": deletion.inquiry.incident.code, "secret": secret}
    )
    body = CONFIRM_BODY.format(link=link)
    config = desk_config(deletion.inquiry.incident)
    outbound_guard_enforce(
        message=OutboundMessage(
            incident=deletion.inquiry.incident,
            to=[recipient],
            subject=CONFIRM_SUBJECT,
            body=body,
            person_id=person.pk if person is not None else None,
            allowed_addresses=frozenset({config.desk_address}),
        )
    )
    DeletionRequest.objects.filter(pk=deletion.pk).update(
        confirm_digest=_digest(secret), confirmation_sent_at=timezone.now()
    )
    JapaneseEmailMessage(
        subject=CONFIRM_SUBJECT,
        body=body,
        from_email=config.desk_address,
        to=[recipient],
        mail_charset=config.outbound_charset,
    ).send()
    deletion.refresh_from_db()
    events.deletion_link_sent_event(deletion=deletion, actor=actor)
    return deletion


def _digest(secret: str) -> bytes:
    return hashlib.sha256(secret.encode("utf-8")).digest()


def deletion_for_confirmation(*, incident: Any, secret: str) -> DeletionRequest | None:
    """Return the unverified deletion request of ``incident`` whose live link is ``secret``, or ``None``."""
    if not secret or len(secret) > 100:
        return None
    return DeletionRequest.objects.filter(
        incident=incident, verified_at__isnull=True, confirm_digest=_digest(secret)
    ).first()


def deletion_confirm_link(*, deletion: DeletionRequest) -> DeletionRequest:
    """Tie the request to the person: they followed the link sent to their registered address."""
    return _verify(deletion, actor="registered-address", method=VerificationMethod.LINK)


def deletion_complete(*, deletion: DeletionRequest, actor: Any) -> Reply | None:
    """Mark the deletion done, close its task, and draft the confirmation reply (when the sender has an address).

    Raise ``Conflict`` for an unverified request: nobody's data is deleted on a matching string.
    """
    if deletion.status != DeletionStatus.OPEN:
        raise Conflict(gettext_noop("This deletion request is not open."), code="inquiries.deletion_not_open")
    if deletion.verified_at is None:
        raise Conflict(
            gettext_noop("This deletion request is not verified: confirm the person first (link or phone)."),
            code="inquiries.deletion_unverified",
        )
    with transaction.atomic():
        updated = DeletionRequest.objects.filter(pk=deletion.pk, status=DeletionStatus.OPEN).update(
            status=DeletionStatus.DONE,
            completed_at=timezone.now(),
            completed_by=actor if actor is not None and not isinstance(actor, str) else None,
        )
        if not updated:
            return None
        deletion.refresh_from_db()
        events.deletion_completed_event(deletion=deletion, actor=actor)
        task = deletion.task
        if task is not None and task.status not in (TaskStatus.DONE, TaskStatus.CANCELLED):
            incident_services.task_set_status(task=task, actor=actor, status=TaskStatus.DONE)
        inquiry = deletion.inquiry
        if not inquiry.sender_email:
            return None
        try:
            return reply_draft(
                inquiry=inquiry,
                actor=actor if not isinstance(actor, str) else None,
                kind=ReplyKind.DELETION_CONFIRMATION,
                keys=["greeting", "deletion_confirmation", "closing"],
            )
        except Exception:  # no approved confirmation block yet: the desk writes it, the deletion stays done
            return None


def deletion_decide_contact(
    *, deletion: DeletionRequest, actor: Any, legal_notices_allowed: bool, note: str
) -> DeletionRequest:
    """Record the lead's decision whether notices that the law requires may still reach this person."""
    if not role_can(membership_role(user=actor, incident=deletion.inquiry.incident), Capability.DELETION_DECIDE):
        raise PermissionDenied(gettext_noop("Only the incident lead decides this."), code="inquiries.not_lead")
    if not legal_notices_allowed and not (note or "").strip():
        raise ValidationFailed(
            gettext_noop("Record the reason for leaving this person out of notices that the law requires."),
            code="inquiries.reason_required",
        )
    with transaction.atomic():
        deletion.legal_notices_allowed = legal_notices_allowed
        deletion.decided_by = actor
        deletion.decided_at = timezone.now()
        deletion.decision_note = note[:300]
        deletion.save(
            update_fields=["legal_notices_allowed", "decided_by", "decided_at", "decision_note", "updated_at"]
        )
        events.deletion_decided_event(deletion=deletion, actor=actor)
    return deletion


def task_saved(sender: Any, instance: Task, **kwargs: Any) -> None:
    """Complete the linked deletion request when an engineer marks its task done on the task board."""
    if instance.status != TaskStatus.DONE or not instance.link_id:
        return
    deletion = DeletionRequest.objects.filter(task_id=instance.pk, status=DeletionStatus.OPEN).first()
    if deletion is None:
        return
    if deletion.verified_at is None:
        # The task was closed on an unverified request: nothing is deleted, the request stays open and says so.
        events.deletion_unverified_task_done_event(deletion=deletion, actor=instance.owner or "task-board")
        return
    actor = instance.owner if instance.owner is not None else "task-board"
    deletion_complete(deletion=deletion, actor=actor)
