"""Write, version and approve the answer blocks (想定問答); the author of a version cannot approve it."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_noop

from breachdesk.core.errors import PermissionDenied
from breachdesk.core.four_eyes import four_eyes_require
from breachdesk.core.roles import Capability, role_can
from breachdesk.incidents.models import Incident
from breachdesk.incidents.selectors import membership_role
from breachdesk.inquiries import events
from breachdesk.inquiries.defaults import BLOCKS, DEFAULT_ACK
from breachdesk.inquiries.errors import AuthorCannotApprove, InvalidBlock
from breachdesk.inquiries.labels import LABEL_KEYS
from breachdesk.inquiries.models import AnswerBlock, BlockStatus

GENERAL_KEYS = ("greeting", "apology", "closing", "identity_check", "acknowledgment", "deletion_confirmation")
BLOCK_KEYS = (*GENERAL_KEYS, *LABEL_KEYS)
PLACEHOLDERS = (
    "affected",
    "items_ja",
    "not_included_ja",
    "incident_items_ja",
    "desk_hours",
    "notice_url",
    "token",
    "due_date",
    "notice_link",
)
_PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
ACK_STARTER_KEY = "acknowledgment"
ACK_STARTER_TITLE = "受付のご連絡（自動送信）"


def _check(key: str, body: str) -> None:
    if key not in BLOCK_KEYS:
        raise InvalidBlock(f"Unknown block key {key!r}.")
    unknown = sorted({m.group(1) for m in _PLACEHOLDER.finditer(body)} - set(PLACEHOLDERS))
    if unknown:
        raise InvalidBlock(f"Unknown placeholders: {', '.join(unknown)}.")
    if not body.strip():
        raise InvalidBlock(gettext_noop("A block needs text."))


def block_create(*, incident: Incident, actor: Any, key: str, title: str, body: str) -> AnswerBlock:
    """Write a new draft version of block ``key``."""
    _check(key, body)
    with transaction.atomic():
        last = AnswerBlock.objects.filter(incident=incident, key=key).aggregate(v=Max("version"))["v"] or 0
        block = AnswerBlock(
            incident=incident, key=key, version=last + 1, title=title[:200], body=body.strip(), author=actor
        )
        block.full_clean()
        block.save()
        events.block_created_event(block=block, actor=actor)
    return block


def block_approve(*, block: AnswerBlock, actor: Any) -> AnswerBlock:
    """Approve a draft version and retire the previously approved one; the author may not approve."""
    four_eyes_require(approver=actor, writers=[block.author_id], what="answer block", error=AuthorCannotApprove)
    if block.status != BlockStatus.DRAFT:
        raise InvalidBlock(gettext_noop("Only a draft can be approved."), code="inquiries.block_not_draft")
    with transaction.atomic():
        for old in AnswerBlock.objects.filter(incident=block.incident, key=block.key, status=BlockStatus.APPROVED):
            old.status = BlockStatus.RETIRED
            old.save(update_fields=["status", "updated_at"])
            events.block_retired_event(block=old, actor=actor)
        block.status = BlockStatus.APPROVED
        block.approved_by = actor
        block.approved_at = timezone.now()
        block.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
        events.block_approved_event(block=block, actor=actor)
    return block


def block_set_preapproved(*, block: AnswerBlock, actor: Any, preapproved: bool) -> AnswerBlock:
    """Let the lead mark an approved block as usable without review when a reply is made only of such blocks."""
    if not role_can(membership_role(user=actor, incident=block.incident), Capability.BLOCK_PREAPPROVE):
        raise PermissionDenied(
            gettext_noop("Only the incident lead can pre-approve a block."), code="inquiries.not_lead"
        )
    if block.status != BlockStatus.APPROVED:
        raise InvalidBlock(
            gettext_noop("Only an approved block can be pre-approved."), code="inquiries.block_not_approved"
        )
    with transaction.atomic():
        block.preapproved = preapproved
        block.preapproved_by = actor if preapproved else None
        block.save(update_fields=["preapproved", "preapproved_by", "updated_at"])
        events.block_preapproved_event(block=block, actor=actor)
    return block


def block_starter_load(*, incident: Incident, actor: Any) -> list[AnswerBlock]:
    """Write the product's starter wording as draft version 1 of every block key the incident has not written yet.

    Nothing is approved by loading: someone other than ``actor`` reviews and approves each draft.
    """
    starters = [*BLOCKS, (ACK_STARTER_KEY, ACK_STARTER_TITLE, DEFAULT_ACK)]
    with transaction.atomic():
        written = set(AnswerBlock.objects.filter(incident=incident).values_list("key", flat=True))
        made = []
        for key, title, body in starters:
            if key in written:
                continue
            made.append(block_create(incident=incident, actor=actor, key=key, title=title, body=body))
            written.add(key)
    return made


def approved_blocks(*, incident: Incident) -> dict[str, AnswerBlock]:
    """Return the approved version of every block key."""
    return {b.key: b for b in AnswerBlock.objects.filter(incident=incident, status=BlockStatus.APPROVED)}
