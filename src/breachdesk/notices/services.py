"""Write notices and FAQ entries: draft, edit, approve (a second person), publish; every change is a timeline event.

Drafting is for the lead and PR; approving needs the review capability (lead or reviewer) and a person other than
the author and the last editor; publishing is the lead's. A published notice is never edited.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import User
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone

from breachdesk.core.four_eyes import four_eyes_require
from breachdesk.core.roles import Capability, role_can
from breachdesk.incidents.models import Incident
from breachdesk.incidents.selectors import membership_role
from breachdesk.notices import events, readiness
from breachdesk.notices.errors import (
    AuthorCannotApprove,
    InvalidInput,
    NotAllowed,
    NotApproved,
    NoticeStateError,
    PublishedImmutable,
    ReadinessOpen,
)
from breachdesk.notices.models import (
    BlockFlag,
    FaqEntry,
    FaqStatus,
    Notice,
    NoticeStatus,
    PublicPage,
    ReadinessConfirmation,
)
from breachdesk.notices.rendering import text_hash
from breachdesk.notices.selectors import state_cache_key

TITLE_MAX = 300


def _role(incident: Incident, actor: User) -> str | None:
    return membership_role(user=actor, incident=incident)


def require_drafter(incident: Incident, actor: User) -> None:
    """Raise unless ``actor``'s role in ``incident`` may draft notices and FAQ entries."""
    if not role_can(_role(incident, actor), Capability.DRAFT_NOTICES):
        raise NotAllowed("Only the lead or PR may draft notices and FAQ entries.")


def _require_reviewer(incident: Incident, actor: User) -> None:
    if not role_can(_role(incident, actor), Capability.REVIEW):
        raise NotAllowed("Only the lead or a reviewer may approve.")


def _require_lead(incident: Incident, actor: User) -> None:
    if not role_can(_role(incident, actor), Capability.PUBLISH_NOTICES):
        raise NotAllowed("Only the incident lead may publish.")


def _clean_text(title: str, body: str) -> tuple[str, str]:
    title, body = (title or "").strip(), (body or "").strip()
    if not title or not body:
        raise InvalidInput("A notice needs a title and a body.")
    if len(title) > TITLE_MAX:
        raise InvalidInput(f"The title is longer than {TITLE_MAX} characters.")
    return title, body


# ---------------------------------------------------------------------------------------------------------------------
# Public page version: every publication bumps it, so every process's cached page and every ETag becomes stale
# ---------------------------------------------------------------------------------------------------------------------
def public_page_bump(*, incident: Incident, first_publication: bool = False) -> PublicPage:
    """Increase the public page's version (the cache key and the ETag follow it)."""
    page, _created = PublicPage.objects.get_or_create(incident=incident)
    PublicPage.objects.filter(pk=page.pk).update(version=F("version") + 1, updated_at=timezone.now())
    if first_publication and page.first_published_at is None:
        PublicPage.objects.filter(pk=page.pk).update(first_published_at=timezone.now())
    page.refresh_from_db()
    # This process shows the new version at once; other processes within ``state_cache_seconds()``.
    transaction.on_commit(lambda: cache.delete(state_cache_key(incident.code)))
    cache.delete(state_cache_key(incident.code))
    return page


# ---------------------------------------------------------------------------------------------------------------------
# Notices
# ---------------------------------------------------------------------------------------------------------------------
def notice_create(
    *,
    incident: Incident,
    actor: User,
    title: str,
    body: str,
    corrects: Notice | None = None,
    correction_note: str = "",
) -> Notice:
    """Draft a notice; a correction names the published notice it corrects and says what it corrects."""
    require_drafter(incident, actor)
    title, body = _clean_text(title, body)
    if corrects is not None:
        if corrects.incident_id != incident.pk or not corrects.is_published:
            raise InvalidInput("A correction must name a published notice of this incident.")
        if not correction_note.strip():
            raise InvalidInput("Say what the correction corrects.")
    elif correction_note.strip():
        raise InvalidInput("Choose the notice that this one corrects.")
    notice = Notice(
        incident=incident,
        title=title,
        body=body,
        corrects=corrects,
        correction_note=correction_note.strip(),
        author=actor,
        last_edited_by=actor,
    )
    with transaction.atomic():
        notice.save()
        events.notice_created_event(notice=notice, actor=actor)
    return notice


def notice_update(*, notice: Notice, actor: User, title: str, body: str, correction_note: str | None = None) -> Notice:
    """Change a draft (or approved, not yet published) notice; an edit voids the approval."""
    require_drafter(notice.incident, actor)
    if notice.is_published:
        raise PublishedImmutable("A published notice is never edited: publish a correction instead.")
    title, body = _clean_text(title, body)
    changed = [
        name
        for name, value in (("title", title), ("body", body), ("correction_note", correction_note))
        if value is not None and getattr(notice, name) != value
    ]
    if not changed:
        return notice
    with transaction.atomic():
        locked = Notice.objects.select_for_update().get(pk=notice.pk)
        if locked.is_published:
            raise PublishedImmutable("A published notice is never edited: publish a correction instead.")
        voided = locked.status == NoticeStatus.APPROVED
        notice.title, notice.body = title, body
        if correction_note is not None:
            notice.correction_note = correction_note.strip()
        notice.status = NoticeStatus.DRAFT
        notice.approved_by, notice.approved_at = None, None
        notice.last_edited_by = actor
        notice.save()
        events.notice_edited_event(notice=notice, actor=actor, fields=changed, approval_voided=voided)
    return notice


def notice_approve(*, notice: Notice, actor: User) -> Notice:
    """Approve a draft as a second person: not its author, not its last editor."""
    _require_reviewer(notice.incident, actor)
    if notice.status != NoticeStatus.DRAFT:
        raise NoticeStateError("Only a draft can be approved.")
    four_eyes_require(
        approver=actor, writers=[notice.author_id, notice.last_edited_by_id], what="notice", error=AuthorCannotApprove
    )
    with transaction.atomic():
        updated = Notice.objects.filter(pk=notice.pk, status=NoticeStatus.DRAFT, updated_at=notice.updated_at).update(
            status=NoticeStatus.APPROVED, approved_by=actor, approved_at=timezone.now(), updated_at=timezone.now()
        )
        if updated != 1:
            raise NoticeStateError("The notice changed while you were reading it; read it again before approving.")
        notice.refresh_from_db()
        events.notice_approved_event(notice=notice, actor=actor)
    return notice


def _confirm_open_items(*, notice: Notice, actor: User, confirm: list[str] | None, reason: str) -> dict[str, str]:
    """Return the open readiness items that the lead confirmed; raise when one is open and not confirmed."""
    items = readiness.open_items(readiness.readiness_evaluate(incident=notice.incident))
    if not items:
        return {}
    confirmed = set(confirm or [])
    unconfirmed = [item for item in items if item.key not in confirmed]
    if unconfirmed or not reason.strip():
        raise ReadinessOpen(
            "The first notice cannot go out while readiness items are open, unless the lead confirms each of them "
            "with a reason: " + ", ".join(str(item.label) for item in (unconfirmed or items)) + ".",
            extra={"open": [item.key for item in (unconfirmed or items)]},
        )
    recorded = {item.key: str(item.detail)[:500] for item in items}
    ReadinessConfirmation.objects.bulk_create(
        ReadinessConfirmation(
            incident=notice.incident, notice=notice, check_key=key, detail=detail, reason=reason, confirmed_by=actor
        )
        for key, detail in recorded.items()
    )
    events.readiness_confirmed_event(notice=notice, actor=actor, items=recorded, reason=reason.strip())
    return recorded


def notice_publish(*, notice: Notice, actor: User, confirm_open: list[str] | None = None, reason: str = "") -> Notice:
    """Publish an approved notice as the next 第N報 and refresh the public page.

    Before the first publication the readiness checklist must be complete; open items need the lead's explicit
    confirmation (``confirm_open`` names each, ``reason`` says why), which is kept with the notice and on the timeline.
    """
    incident = notice.incident
    _require_lead(incident, actor)
    if notice.is_published:
        raise NoticeStateError("This notice is already published.")
    if notice.status != NoticeStatus.APPROVED or notice.approved_by_id is None:
        raise NotApproved("A notice must be approved by a second person before it is published.")
    for attempt in range(3):
        try:
            with transaction.atomic():
                locked = Notice.objects.select_for_update().get(pk=notice.pk)
                if locked.status != NoticeStatus.APPROVED:
                    raise NotApproved("The notice is no longer approved.")
                first = not Notice.objects.filter(incident=incident, status=NoticeStatus.PUBLISHED).exists()
                if first:
                    _confirm_open_items(notice=locked, actor=actor, confirm=confirm_open, reason=reason)
                top = Notice.objects.filter(incident=incident).aggregate(n=Max("number"))["n"] or 0
                locked.number = top + 1
                locked.status = NoticeStatus.PUBLISHED
                locked.published_at = timezone.now()
                locked.published_by = actor
                locked.save(update_fields=["number", "status", "published_at", "published_by", "updated_at"])
                public_page_bump(incident=incident, first_publication=first)
                events.notice_published_event(notice=locked, actor=actor, first=first)
                return locked
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


# ---------------------------------------------------------------------------------------------------------------------
# FAQ
# ---------------------------------------------------------------------------------------------------------------------
def answer_block_current(incident: Incident, key: str) -> Any:
    """Return the newest approved answer block ``key`` of the desk, or ``None`` (also when the desk is missing)."""
    model = readiness.model_or_none("inquiries", "AnswerBlock")
    if model is None or not key:
        return None
    return model._default_manager.filter(incident=incident, key=key, status="approved").order_by("-version").first()


def faq_save(
    *,
    incident: Incident,
    actor: User,
    key: str,
    question: str,
    answer: str | None = None,
    block_key: str = "",
    order: int | None = None,
) -> FaqEntry:
    """Save a new version of FAQ entry ``key``; with ``block_key`` and no answer, copy the desk's approved block.

    When the answer differs from the linked block, the block is flagged for the desk (``BlockFlag``).
    """
    require_drafter(incident, actor)
    question = (question or "").strip()
    if not question or not key:
        raise InvalidInput("An FAQ entry needs a key and a question.")
    block = answer_block_current(incident, block_key) if block_key else None
    if block_key and block is None and answer is None:
        raise InvalidInput(f"The desk has no approved answer block {block_key!r} to copy.")
    if answer is None:
        answer = block.body if block is not None else ""
    answer = answer.strip()
    if not answer:
        raise InvalidInput("An FAQ entry needs an answer.")
    with transaction.atomic():
        previous = FaqEntry.objects.select_for_update().filter(incident=incident, key=key).order_by("-version").first()
        entry = FaqEntry(
            incident=incident,
            key=key,
            version=(previous.version + 1) if previous else 1,
            order=order if order is not None else (previous.order if previous else 100),
            question=question,
            answer=answer,
            block_key=block_key,
            block_version=block.version if block is not None else None,
            block_hash=text_hash(block.body) if block is not None else "",
            author=actor,
        )
        entry.save()
        events.faq_saved_event(entry=entry, actor=actor)
        if block is not None and text_hash(answer) != entry.block_hash:
            _flag_block(entry=entry, actor=actor, reason="faq_changed")
    return entry


def _flag_block(*, entry: FaqEntry, actor: Any, reason: str) -> None:
    BlockFlag.objects.create(incident=entry.incident, block_key=entry.block_key, faq=entry, reason=reason)
    events.faq_drift_event(incident=entry.incident, actor=actor, entry=entry, side="block", reason=reason)


def faq_approve(*, entry: FaqEntry, actor: User) -> FaqEntry:
    """Approve an FAQ version as a second person; it replaces the older approved version on the public page."""
    _require_reviewer(entry.incident, actor)
    if entry.status != FaqStatus.DRAFT:
        raise NoticeStateError("Only a draft FAQ entry can be approved.")
    four_eyes_require(approver=actor, writers=[entry.author_id], what="FAQ entry", error=AuthorCannotApprove)
    newest = FaqEntry.objects.filter(incident=entry.incident, key=entry.key).order_by("-version").first()
    if newest is not None and newest.pk != entry.pk:
        raise NoticeStateError("A newer version of this entry exists; approve that one.")
    with transaction.atomic():
        entry.status = FaqStatus.APPROVED
        entry.approved_by, entry.approved_at = actor, timezone.now()
        entry.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
        FaqEntry.objects.filter(incident=entry.incident, key=entry.key, status=FaqStatus.APPROVED).exclude(
            pk=entry.pk
        ).update(status=FaqStatus.RETIRED, updated_at=timezone.now())
        public_page_bump(incident=entry.incident)
        events.faq_approved_event(entry=entry, actor=actor)
    return entry


def faq_retire(*, entry: FaqEntry, actor: User) -> FaqEntry:
    """Take an FAQ entry off the public page."""
    require_drafter(entry.incident, actor)
    with transaction.atomic():
        FaqEntry.objects.filter(incident=entry.incident, key=entry.key).update(
            status=FaqStatus.RETIRED, updated_at=timezone.now()
        )
        entry.refresh_from_db()
        public_page_bump(incident=entry.incident)
        events.faq_retired_event(entry=entry, actor=actor)
    return entry


def faq_block_changed(*, block: Any, actor: Any = "system") -> list[FaqEntry]:
    """Flag the FAQ entries linked to ``block`` (a saved answer block) whose text no longer matches it.

    Called by the receiver on the desk's ``AnswerBlock`` save; only approved blocks count, since a draft block is
    not what the desk says yet.
    """
    if getattr(block, "status", None) != "approved":
        return []
    flagged = []
    digest = text_hash(block.body)
    for entry in FaqEntry.objects.filter(incident_id=block.incident_id, block_key=block.key).exclude(
        status=FaqStatus.RETIRED
    ):
        if entry.block_hash == digest and entry.block_version == block.version:
            continue
        newest = FaqEntry.objects.filter(incident_id=entry.incident_id, key=entry.key).order_by("-version").first()
        if newest is None or newest.pk != entry.pk:
            continue
        if entry.block_hash == digest:
            # Same text under a new version number: follow it silently.
            FaqEntry.objects.filter(pk=entry.pk).update(block_version=block.version)
            continue
        reason = f"block {block.key} v{block.version} changed"
        FaqEntry.objects.filter(pk=entry.pk).update(drift=reason, updated_at=timezone.now())
        entry.drift = reason
        events.faq_drift_event(incident=entry.incident, actor=actor, entry=entry, side="faq", reason=reason)
        flagged.append(entry)
    return flagged


def faq_resync(*, entry: FaqEntry, actor: User) -> FaqEntry:
    """Make a new draft of ``entry`` from its block's current approved text, clearing the flags on both sides."""
    new = faq_save(
        incident=entry.incident,
        actor=actor,
        key=entry.key,
        question=entry.question,
        answer=None,
        block_key=entry.block_key,
        order=entry.order,
    )
    BlockFlag.objects.filter(incident=entry.incident, block_key=entry.block_key, resolved_at__isnull=True).update(
        resolved_at=timezone.now()
    )
    return new
