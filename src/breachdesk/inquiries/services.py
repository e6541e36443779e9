"""Change the desk: label corrections, assignment and status; the other writes live in their own modules.

``services`` re-exports every write so that callers have one place to look:
intake (``intake.receive``, ``intake.form``, ``intake.imap``), acknowledgments (``ack``), answer blocks
(``blocks``), replies and review (``review``) and deletion requests (``deletion``).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_noop

from breachdesk.core.errors import ValidationFailed
from breachdesk.core.roles import Role
from breachdesk.incidents.models import Incident, Membership
from breachdesk.inquiries import events
from breachdesk.inquiries import labels as label_vocabulary
from breachdesk.inquiries.ack import (
    ack_enqueue,
    ack_process,
    ack_retry,
    inquiry_confirm_sender,
    inquiry_for_confirmation,
)
from breachdesk.inquiries.blocks import block_approve, block_create, block_set_preapproved, block_starter_load
from breachdesk.inquiries.deletion import (
    deletion_complete,
    deletion_confirm_link,
    deletion_decide_contact,
    deletion_for_confirmation,
    deletion_request_create,
    deletion_send_confirmation,
    deletion_verify_phone,
)
from breachdesk.inquiries.intake.form import form_submit, phone_log, rate_limit_hit
from breachdesk.inquiries.intake.imap import mailbox_poll, upload_read
from breachdesk.inquiries.intake.receive import inquiry_classify, inquiry_receive
from breachdesk.inquiries.mailer import desk_config
from breachdesk.inquiries.matching import inquiry_match
from breachdesk.inquiries.models import DeskConfig, Inquiry, InquiryStatus, LabelCorrection
from breachdesk.inquiries.review import (
    replies_draft_batch,
    reply_approve,
    reply_draft,
    reply_edit,
    reply_return,
    reply_send,
    reply_submit,
    reply_writers,
)

__all__ = [
    "ack_enqueue",
    "ack_process",
    "ack_retry",
    "block_approve",
    "block_create",
    "block_set_preapproved",
    "block_starter_load",
    "deletion_complete",
    "deletion_confirm_link",
    "deletion_decide_contact",
    "deletion_for_confirmation",
    "deletion_request_create",
    "deletion_send_confirmation",
    "deletion_verify_phone",
    "desk_config_update",
    "form_submit",
    "inquiry_assign",
    "inquiry_assign_round_robin",
    "inquiry_classify",
    "inquiry_confirm_sender",
    "inquiry_for_confirmation",
    "inquiry_labels_correct",
    "inquiry_match",
    "inquiry_receive",
    "inquiry_set_status",
    "mailbox_poll",
    "phone_log",
    "rate_limit_hit",
    "replies_draft_batch",
    "reply_approve",
    "reply_draft",
    "reply_edit",
    "reply_return",
    "reply_send",
    "reply_submit",
    "reply_writers",
    "upload_read",
]


def inquiry_labels_correct(*, inquiry: Inquiry, actor: Any, labels: list[str]) -> Inquiry:
    """Replace the labels with a person's choice, and keep the correction as labelled data."""
    unknown = set(labels) - set(label_vocabulary.LABEL_KEYS)
    if unknown:
        raise ValidationFailed(f"Unknown labels: {', '.join(sorted(unknown))}.", code="inquiries.unknown_label")
    chosen = label_vocabulary.clean_labels(labels)
    before = list(inquiry.labels)
    with transaction.atomic():
        LabelCorrection.objects.create(
            incident_id=inquiry.incident_id, inquiry=inquiry, predicted=before, corrected=chosen, actor=actor
        )
        inquiry.labels = chosen
        inquiry.label_bits = label_vocabulary.mask_of(chosen)
        inquiry.labels_corrected = True
        inquiry.save(update_fields=["labels", "label_bits", "labels_corrected", "updated_at"])
        events.inquiry_labels_corrected_event(inquiry=inquiry, actor=actor, before=before)
    if "deletion" in chosen and "deletion" not in before:
        deletion_request_create(inquiry=inquiry, actor=actor)
    return inquiry


def _desk_members(incident: Incident) -> list[Any]:
    ids = Membership.objects.filter(incident=incident, role__in=[Role.RESPONDER, Role.LEAD]).order_by("role", "user_id")
    return [m.user for m in ids.select_related("user") if m.role == Role.RESPONDER] or [
        m.user for m in ids.select_related("user")
    ]


def inquiry_assign(*, inquiry: Inquiry, actor: Any, assignee: Any) -> Inquiry:
    """Give the inquiry to a desk member (or to nobody)."""
    if assignee is not None and not Membership.objects.filter(incident=inquiry.incident, user=assignee).exists():
        raise ValidationFailed(
            gettext_noop("Assign only to a member of this incident."), code="inquiries.assignee_not_member"
        )
    with transaction.atomic():
        inquiry.assignee = assignee
        inquiry.save(update_fields=["assignee", "updated_at"])
        events.inquiry_assigned_event(inquiry=inquiry, actor=actor, how="manual")
    return inquiry


def inquiry_assign_round_robin(*, incident: Incident, actor: Any, limit: int = 500) -> int:
    """Share the open, unassigned inquiries among the responders in turn; return how many were assigned."""
    members = _desk_members(incident)
    if not members:
        return 0
    with transaction.atomic():
        config = DeskConfig.objects.select_for_update().get(pk=desk_config(incident).pk)
        cursor = config.round_robin_cursor
        queue = Inquiry.objects.filter(incident=incident, status=InquiryStatus.OPEN, assignee__isnull=True).order_by(
            "received_at"
        )[:limit]
        count = 0
        for inquiry in queue:
            inquiry.assignee = members[cursor % len(members)]
            inquiry.save(update_fields=["assignee", "updated_at"])
            events.inquiry_assigned_event(inquiry=inquiry, actor=actor, how="round_robin")
            cursor += 1
            count += 1
        config.round_robin_cursor = cursor % max(1, len(members))
        config.save(update_fields=["round_robin_cursor", "updated_at"])
    return count


def inquiry_set_status(*, inquiry: Inquiry, actor: Any, status: str) -> Inquiry:
    if status not in InquiryStatus.values:
        raise ValidationFailed(gettext_noop("Unknown status."), code="inquiries.unknown_status")
    old = inquiry.status
    if old == status:
        return inquiry
    with transaction.atomic():
        inquiry.status = status
        inquiry.save(update_fields=["status", "updated_at"])
        events.inquiry_status_changed_event(inquiry=inquiry, actor=actor, old=old)
    return inquiry


def desk_config_update(*, incident: Incident, actor: Any, **fields: Any) -> DeskConfig:
    """Change the desk settings; the IMAP password is stored encrypted and never shown again."""
    config = desk_config(incident)
    changed = []
    for name, value in fields.items():
        if name == "imap_password":
            if value:
                config.imap_password = value
                changed.append(name)
            continue
        if getattr(config, name) != value:
            setattr(config, name, value)
            changed.append(name)
    config.full_clean()
    with transaction.atomic():
        config.save()
        events.desk_configured_event(incident=incident, actor=actor, changed=sorted(changed))
    return config
