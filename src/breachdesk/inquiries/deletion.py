"""Turn a deletion request into an engineer task; when it is done, draft the confirmation and stop campaign mail.

After deletion the person is excluded from campaigns (``selectors.person_ids_with_completed_deletion``). Whether
they may still receive notices that the law requires is the lead's decision, recorded on the request.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from breachdesk.core.errors import Conflict, PermissionDenied
from breachdesk.core.roles import Role
from breachdesk.incidents import services as incident_services
from breachdesk.incidents.models import Phase, Task, TaskStatus
from breachdesk.inquiries import events
from breachdesk.inquiries.models import DeletionRequest, DeletionStatus, Inquiry, Reply, ReplyKind


def deletion_request_create(*, inquiry: Inquiry, actor: Any) -> DeletionRequest:
    """Record the inquiry's deletion request and give the engineers a task for it (once per inquiry)."""
    existing = DeletionRequest.objects.filter(inquiry=inquiry).exclude(status=DeletionStatus.CANCELLED).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        deletion = DeletionRequest.objects.create(
            incident_id=inquiry.incident_id, inquiry=inquiry, person_id=inquiry.person_id
        )
        task = incident_services.task_create(
            incident=inquiry.incident,
            actor=actor,
            title=f"Delete the data of the person behind inquiry {inquiry.token}",
            phase=Phase.FOLLOW_UP,
            description=(
                f"Deletion request #{deletion.pk} (inquiry {inquiry.token}, registry person "
                f"#{inquiry.person_id or '—'}). Delete the member's data in the production systems, then mark this "
                "task done: the desk drafts the confirmation."
            ),
            owner_role=Role.ENGINEER,
            title_key="inquiries.deletion",
            title_params={"token": inquiry.token, "deletion": deletion.pk, "person": inquiry.person_id},
        )
        Task.objects.filter(pk=task.pk).update(
            link_type=ContentType.objects.get_for_model(DeletionRequest), link_id=str(deletion.pk)
        )
        deletion.task = task
        deletion.save(update_fields=["task", "updated_at"])
        events.deletion_requested_event(deletion=deletion, actor=actor)
    return deletion


def deletion_complete(*, deletion: DeletionRequest, actor: Any) -> Reply | None:
    """Mark the deletion done, close its task, and draft the confirmation reply (when the sender has an address)."""
    if deletion.status != DeletionStatus.OPEN:
        raise Conflict("This deletion request is not open.", code="inquiries.deletion_not_open")
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
        from breachdesk.inquiries.review import reply_draft

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
    *, deletion: DeletionRequest, actor: Any, is_lead: bool, legal_notices_allowed: bool, note: str
) -> DeletionRequest:
    """Record the lead's decision whether notices that the law requires may still reach this person."""
    if not is_lead:
        raise PermissionDenied("Only the incident lead decides this.", code="inquiries.not_lead")
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
    actor = instance.owner if instance.owner is not None else "task-board"
    deletion_complete(deletion=deletion, actor=actor)
