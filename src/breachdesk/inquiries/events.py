"""Create the desk's timeline events: one creator per event kind, with ids and counts only, never personal data."""

from __future__ import annotations

from typing import Any

from breachdesk.core import timeline
from breachdesk.core.models import TimelineEvent
from breachdesk.incidents.models import Incident
from breachdesk.inquiries.models import AnswerBlock, ClassifierModel, DeletionRequest, Inquiry, Reply

INQUIRY_RECEIVED = "inquiry.received"
INQUIRY_MESSAGE_ADDED = "inquiry.message_added"
INQUIRY_LOOP_DROPPED = "inquiry.loop_dropped"
INQUIRY_CLASSIFIED = "inquiry.classified"
INQUIRY_LABELS_CORRECTED = "inquiry.labels_corrected"
INQUIRY_MATCHED = "inquiry.matched"
CLASSIFIER_TRAINED = "inquiry.classifier_trained"
INQUIRY_ASSIGNED = "inquiry.assigned"
INQUIRY_STATUS_CHANGED = "inquiry.status_changed"
ACK_SENT = "inquiry.ack_sent"
ACK_FAILED = "inquiry.ack_failed"
ACK_REQUEUED = "inquiry.ack_requeued"
ACK_LIMITED = "inquiry.ack_limited"
SENDER_CONFIRMED = "inquiry.sender_confirmed"
BLOCK_CREATED = "answer_block.created"
BLOCK_APPROVED = "answer_block.approved"
BLOCK_PREAPPROVED = "answer_block.preapproved"
BLOCK_RETIRED = "answer_block.retired"
REPLY_DRAFTED = "reply.drafted"
REPLY_EDITED = "reply.edited"
REPLY_SUBMITTED = "reply.submitted"
REPLY_APPROVED = "reply.approved"
REPLY_RETURNED = "reply.returned"
REPLY_SENT = "reply.sent"
REPLY_SEND_FAILED = "reply.send_failed"
REPLY_BATCH_SUBMITTED = "reply.batch_submitted"
DELETION_REQUESTED = "deletion.requested"
DELETION_COMPLETED = "deletion.completed"
DELETION_DECIDED = "deletion.contact_decided"
DELETION_VERIFIED = "deletion.verified"
DELETION_LINK_SENT = "deletion.link_sent"
DELETION_UNVERIFIED_TASK_DONE = "deletion.unverified_task_done"
DESK_CONFIGURED = "desk.configured"
MAILBOX_POLLED = "desk.mailbox_polled"


def _inq(inquiry: Inquiry, **data: Any) -> dict[str, Any]:
    return {"inquiry": inquiry.pk, "token": inquiry.token, **data}


def inquiry_received_event(*, inquiry: Inquiry, actor: Any) -> TimelineEvent:
    return timeline.record(
        incident=inquiry.incident,
        actor=actor,
        kind=INQUIRY_RECEIVED,
        data=_inq(inquiry, channel=inquiry.channel, automatic=inquiry.auto_generated),
    )


def inquiry_message_added_event(*, inquiry: Inquiry, actor: Any, message_id: int, kind: str) -> TimelineEvent:
    return timeline.record(
        incident=inquiry.incident,
        actor=actor,
        kind=INQUIRY_MESSAGE_ADDED,
        data=_inq(inquiry, message=message_id, kind=kind),
    )


def inquiry_loop_dropped_event(*, incident: Incident, actor: Any, reason: str) -> TimelineEvent:
    return timeline.record(incident=incident, actor=actor, kind=INQUIRY_LOOP_DROPPED, data={"reason": reason})


def inquiry_classified_event(*, inquiry: Inquiry, actor: Any) -> TimelineEvent:
    return timeline.record(
        incident=inquiry.incident, actor=actor, kind=INQUIRY_CLASSIFIED, data=_inq(inquiry, labels=inquiry.labels)
    )


def inquiry_labels_corrected_event(*, inquiry: Inquiry, actor: Any, before: list[str]) -> TimelineEvent:
    return timeline.record(
        incident=inquiry.incident,
        actor=actor,
        kind=INQUIRY_LABELS_CORRECTED,
        data=_inq(inquiry, before=before, after=inquiry.labels),
    )


def classifier_trained_event(*, incident: Incident, actor: Any, model: ClassifierModel) -> TimelineEvent:
    return timeline.record(
        incident=incident,
        actor=actor,
        kind=CLASSIFIER_TRAINED,
        data={
            "model": model.pk,
            "version": model.version,
            "corrections": model.corrections,
            "eval_macro_f1": model.eval_macro_f1,
            "baseline_version": model.baseline_version,
            "baseline_macro_f1": model.baseline_macro_f1,
            "active": model.active,
        },
    )


def inquiry_matched_event(*, inquiry: Inquiry, actor: Any) -> TimelineEvent:
    return timeline.record(
        incident=inquiry.incident,
        actor=actor,
        kind=INQUIRY_MATCHED,
        data=_inq(inquiry, person=inquiry.person_id, method=inquiry.match_method, verified=inquiry.identity_verified),
    )


def inquiry_assigned_event(*, inquiry: Inquiry, actor: Any, how: str) -> TimelineEvent:
    assignee = inquiry.assignee.get_username() if inquiry.assignee else None
    return timeline.record(
        incident=inquiry.incident, actor=actor, kind=INQUIRY_ASSIGNED, data=_inq(inquiry, assignee=assignee, how=how)
    )


def inquiry_status_changed_event(*, inquiry: Inquiry, actor: Any, old: str) -> TimelineEvent:
    return timeline.record(
        incident=inquiry.incident,
        actor=actor,
        kind=INQUIRY_STATUS_CHANGED,
        data=_inq(inquiry, **{"from": old, "to": inquiry.status}),
    )


def ack_sent_event(*, inquiry: Inquiry, actor: Any, seconds: float) -> TimelineEvent:
    return timeline.record(
        incident=inquiry.incident, actor=actor, kind=ACK_SENT, data=_inq(inquiry, seconds=round(seconds, 1))
    )


def ack_failed_event(*, inquiry: Inquiry, actor: Any, error: str) -> TimelineEvent:
    return timeline.record(incident=inquiry.incident, actor=actor, kind=ACK_FAILED, data=_inq(inquiry, error=error))


def ack_limited_event(*, inquiry: Inquiry, actor: Any, reason: str) -> TimelineEvent:
    return timeline.record(incident=inquiry.incident, actor=actor, kind=ACK_LIMITED, data=_inq(inquiry, reason=reason))


def sender_confirmed_event(*, inquiry: Inquiry, actor: Any) -> TimelineEvent:
    return timeline.record(incident=inquiry.incident, actor=actor, kind=SENDER_CONFIRMED, data=_inq(inquiry))


def _block(block: AnswerBlock) -> dict[str, Any]:
    return {"block": block.pk, "key": block.key, "version": block.version}


def block_created_event(*, block: AnswerBlock, actor: Any) -> TimelineEvent:
    return timeline.record(incident=block.incident, actor=actor, kind=BLOCK_CREATED, data=_block(block))


def block_approved_event(*, block: AnswerBlock, actor: Any) -> TimelineEvent:
    return timeline.record(incident=block.incident, actor=actor, kind=BLOCK_APPROVED, data=_block(block))


def block_preapproved_event(*, block: AnswerBlock, actor: Any) -> TimelineEvent:
    return timeline.record(
        incident=block.incident,
        actor=actor,
        kind=BLOCK_PREAPPROVED,
        data={**_block(block), "preapproved": block.preapproved},
    )


def block_retired_event(*, block: AnswerBlock, actor: Any) -> TimelineEvent:
    return timeline.record(incident=block.incident, actor=actor, kind=BLOCK_RETIRED, data=_block(block))


def _reply(reply: Reply, **data: Any) -> dict[str, Any]:
    return {"reply": reply.pk, "inquiry": reply.inquiry_id, "status": reply.status, **data}


def reply_drafted_event(*, reply: Reply, actor: Any) -> TimelineEvent:
    return timeline.record(
        incident=reply.incident,
        actor=actor,
        kind=REPLY_DRAFTED,
        data=_reply(reply, kind=reply.kind, blocks=len(reply.blocks)),
    )


def reply_edited_event(*, reply: Reply, actor: Any) -> TimelineEvent:
    return timeline.record(
        incident=reply.incident, actor=actor, kind=REPLY_EDITED, data=_reply(reply, free_text=reply.free_text)
    )


def reply_submitted_event(*, reply: Reply, actor: Any) -> TimelineEvent:
    return timeline.record(
        incident=reply.incident,
        actor=actor,
        kind=REPLY_SUBMITTED,
        data=_reply(reply, free_text=reply.free_text, skips_review=reply.skips_review, batch=reply.batch),
    )


def reply_approved_event(*, reply: Reply, actor: Any) -> TimelineEvent:
    return timeline.record(
        incident=reply.incident, actor=actor, kind=REPLY_APPROVED, data=_reply(reply, pre_approved=reply.skips_review)
    )


def reply_returned_event(*, reply: Reply, actor: Any) -> TimelineEvent:
    return timeline.record(incident=reply.incident, actor=actor, kind=REPLY_RETURNED, data=_reply(reply))


def reply_sent_event(*, reply: Reply, actor: Any) -> TimelineEvent:
    return timeline.record(incident=reply.incident, actor=actor, kind=REPLY_SENT, data=_reply(reply))


def reply_send_failed_event(*, reply: Reply, actor: Any, error: str) -> TimelineEvent:
    return timeline.record(
        incident=reply.incident, actor=actor, kind=REPLY_SEND_FAILED, data=_reply(reply, error=error)
    )


def reply_batch_submitted_event(*, incident: Incident, actor: Any, batch: str, replies: int) -> TimelineEvent:
    return timeline.record(
        incident=incident, actor=actor, kind=REPLY_BATCH_SUBMITTED, data={"batch": batch, "replies": replies}
    )


def _deletion(deletion: DeletionRequest, **data: Any) -> dict[str, Any]:
    return {"deletion": deletion.pk, "inquiry": deletion.inquiry_id, "person": deletion.person_id, **data}


def deletion_requested_event(*, deletion: DeletionRequest, actor: Any) -> TimelineEvent:
    return timeline.record(
        incident=deletion.incident,
        actor=actor,
        kind=DELETION_REQUESTED,
        data=_deletion(deletion, task=deletion.task_id),
    )


def deletion_completed_event(*, deletion: DeletionRequest, actor: Any) -> TimelineEvent:
    return timeline.record(incident=deletion.incident, actor=actor, kind=DELETION_COMPLETED, data=_deletion(deletion))


def deletion_decided_event(*, deletion: DeletionRequest, actor: Any) -> TimelineEvent:
    return timeline.record(
        incident=deletion.incident,
        actor=actor,
        kind=DELETION_DECIDED,
        data=_deletion(deletion, legal_notices_allowed=deletion.legal_notices_allowed),
    )


def desk_configured_event(*, incident: Incident, actor: Any, changed: list[str]) -> TimelineEvent:
    return timeline.record(incident=incident, actor=actor, kind=DESK_CONFIGURED, data={"changed": changed})


def mailbox_polled_event(*, incident: Incident, actor: Any, fetched: int, created: int, dropped: int) -> TimelineEvent:
    return timeline.record(
        incident=incident,
        actor=actor,
        kind=MAILBOX_POLLED,
        data={"fetched": fetched, "created": created, "dropped": dropped},
    )


def ack_requeued_event(*, inquiry: Inquiry, actor: Any, was: str) -> TimelineEvent:
    return timeline.record(incident=inquiry.incident, actor=actor, kind=ACK_REQUEUED, data=_inq(inquiry, was=was))


def deletion_verified_event(*, deletion: DeletionRequest, actor: Any) -> TimelineEvent:
    return timeline.record(
        incident=deletion.inquiry.incident,
        actor=actor,
        kind=DELETION_VERIFIED,
        data=_deletion(deletion, method=deletion.verification_method),
    )


def deletion_link_sent_event(*, deletion: DeletionRequest, actor: Any) -> TimelineEvent:
    return timeline.record(
        incident=deletion.inquiry.incident, actor=actor, kind=DELETION_LINK_SENT, data=_deletion(deletion)
    )


def deletion_unverified_task_done_event(*, deletion: DeletionRequest, actor: Any) -> TimelineEvent:
    return timeline.record(
        incident=deletion.inquiry.incident, actor=actor, kind=DELETION_UNVERIFIED_TASK_DONE, data=_deletion(deletion)
    )
