"""Create the campaigns' timeline events: one creator per kind. Data holds ids and counts, never personal data.

Deliveries do not get one timeline event each (a campaign may hold millions); their transitions are kept in
``DeliveryEvent`` rows, and the timeline gets the campaign's state changes plus a summary per worker run.
"""

from __future__ import annotations

from typing import Any

from breachdesk.campaigns.models import Campaign, NoticeTemplate, PrintBatch, TemplateVersion
from breachdesk.core import timeline
from breachdesk.core.models import TimelineEvent

TEMPLATE_CREATED = "campaign.template_created"
TEMPLATE_EDITED = "campaign.template_edited"
TEMPLATE_RENAMED = "campaign.template_renamed"
TEMPLATE_APPROVED = "campaign.template_approved"
TEMPLATE_TEST_SENT = "campaign.template_test_sent"
CAMPAIGN_CREATED = "campaign.created"
CAMPAIGN_UPDATED = "campaign.updated"
CAMPAIGN_LEGAL_REASON = "campaign.legal_reason_recorded"
CAMPAIGN_APPROVED = "campaign.approved"
CAMPAIGN_APPROVAL_VOIDED = "campaign.approval_voided"
CAMPAIGN_STARTED = "campaign.started"
CAMPAIGN_PAUSED = "campaign.paused"
CAMPAIGN_RESUMED = "campaign.resumed"
CAMPAIGN_CANCELLED = "campaign.cancelled"
CAMPAIGN_FINISHED = "campaign.finished"
CAMPAIGN_REOPENED = "campaign.reopened"
DELIVERIES_PROCESSED = "campaign.deliveries_processed"
DELIVERIES_RECOVERED = "campaign.deliveries_recovered"
DELIVERY_REVIEWED = "campaign.delivery_reviewed"
BOUNCE_RECORDED = "campaign.bounce_recorded"
PRINT_BATCH_GENERATED = "campaign.print_batch_generated"
PRINT_BATCH_DOWNLOADED = "campaign.print_batch_downloaded"


def template_created_event(*, template: NoticeTemplate, version: TemplateVersion, actor: Any) -> TimelineEvent:
    return timeline.record(
        incident=template.incident,
        actor=actor,
        kind=TEMPLATE_CREATED,
        data={"template": template.pk, "name": template.name, "version": version.number},
    )


def template_renamed_event(*, template: NoticeTemplate, actor: Any, old: str) -> TimelineEvent:
    return timeline.record(
        incident=template.incident,
        actor=actor,
        kind=TEMPLATE_RENAMED,
        data={"template": template.pk, "old": old, "name": template.name},
    )


def template_edited_event(
    *,
    template: NoticeTemplate,
    version: TemplateVersion,
    actor: Any,
    approval_voided: bool,
    campaigns_voided: list[int],
) -> TimelineEvent:
    return timeline.record(
        incident=template.incident,
        actor=actor,
        kind=TEMPLATE_EDITED,
        data={
            "template": template.pk,
            "version": version.number,
            "approval_voided": approval_voided,
            "campaigns_back_to_draft": campaigns_voided,
        },
    )


def template_approved_event(*, template: NoticeTemplate, version: TemplateVersion, actor: Any) -> TimelineEvent:
    return timeline.record(
        incident=template.incident,
        actor=actor,
        kind=TEMPLATE_APPROVED,
        data={
            "template": template.pk,
            "version": version.number,
            "author": version.author.get_username() if version.author else None,
        },
    )


def template_test_sent_event(
    *, template: NoticeTemplate, version: TemplateVersion, actor: Any, recipients: int
) -> TimelineEvent:
    return timeline.record(
        incident=template.incident,
        actor=actor,
        kind=TEMPLATE_TEST_SENT,
        data={"template": template.pk, "version": version.number, "recipients": recipients},
    )


def _campaign(campaign: Campaign) -> dict[str, Any]:
    return {"campaign": campaign.pk, "name": campaign.name}


def campaign_created_event(*, campaign: Campaign, actor: Any) -> TimelineEvent:
    return timeline.record(
        incident=campaign.incident,
        actor=actor,
        kind=CAMPAIGN_CREATED,
        data={**_campaign(campaign), "template": campaign.template_id, "channel": campaign.channel},
    )


def campaign_updated_event(*, campaign: Campaign, actor: Any, changes: dict[str, list[Any]]) -> TimelineEvent:
    return timeline.record(
        incident=campaign.incident, actor=actor, kind=CAMPAIGN_UPDATED, data={**_campaign(campaign), "changes": changes}
    )


def campaign_legal_reason_event(*, campaign: Campaign, actor: Any) -> TimelineEvent:
    return timeline.record(
        incident=campaign.incident,
        actor=actor,
        kind=CAMPAIGN_LEGAL_REASON,
        data={**_campaign(campaign), "include_deleted": campaign.include_deleted, "reason": campaign.legal_reason},
    )


def campaign_approved_event(*, campaign: Campaign, actor: Any) -> TimelineEvent:
    version = campaign.template_version
    return timeline.record(
        incident=campaign.incident,
        actor=actor,
        kind=CAMPAIGN_APPROVED,
        data={**_campaign(campaign), "template": campaign.template_id, "version": version.number if version else None},
    )


def campaign_approval_voided_event(*, campaign: Campaign, actor: Any, why: str) -> TimelineEvent:
    return timeline.record(
        incident=campaign.incident, actor=actor, kind=CAMPAIGN_APPROVAL_VOIDED, data={**_campaign(campaign), "why": why}
    )


def campaign_started_event(
    *, campaign: Campaign, actor: Any, deliveries: dict[str, int], excluded: dict[str, int]
) -> TimelineEvent:
    return timeline.record(
        incident=campaign.incident,
        actor=actor,
        kind=CAMPAIGN_STARTED,
        data={
            **_campaign(campaign),
            "audience": campaign.audience_size,
            "deliveries": deliveries,
            "excluded": excluded,
            "include_deleted": campaign.include_deleted,
        },
    )


def campaign_paused_event(*, campaign: Campaign, actor: Any, reason: str) -> TimelineEvent:
    return timeline.record(
        incident=campaign.incident, actor=actor, kind=CAMPAIGN_PAUSED, data={**_campaign(campaign), "reason": reason}
    )


def campaign_resumed_event(*, campaign: Campaign, actor: Any) -> TimelineEvent:
    return timeline.record(incident=campaign.incident, actor=actor, kind=CAMPAIGN_RESUMED, data=_campaign(campaign))


def campaign_cancelled_event(*, campaign: Campaign, actor: Any, reason: str, cancelled: int) -> TimelineEvent:
    return timeline.record(
        incident=campaign.incident,
        actor=actor,
        kind=CAMPAIGN_CANCELLED,
        data={**_campaign(campaign), "reason": reason, "deliveries_cancelled": cancelled},
    )


def campaign_finished_event(*, campaign: Campaign, counts: dict[str, Any]) -> TimelineEvent:
    return timeline.record(
        incident=campaign.incident, actor="worker", kind=CAMPAIGN_FINISHED, data={**_campaign(campaign), **counts}
    )


def campaign_reopened_event(*, campaign: Campaign, actor: Any, why: str) -> TimelineEvent:
    return timeline.record(
        incident=campaign.incident, actor=actor, kind=CAMPAIGN_REOPENED, data={**_campaign(campaign), "why": why}
    )


def deliveries_processed_event(*, campaign: Campaign, worker: str, outcomes: dict[str, int]) -> TimelineEvent:
    return timeline.record(
        incident=campaign.incident,
        actor="worker",
        kind=DELIVERIES_PROCESSED,
        data={**_campaign(campaign), "worker": worker, "outcomes": outcomes},
    )


def deliveries_recovered_event(*, campaign: Campaign, uncertain: int, released: int) -> TimelineEvent:
    return timeline.record(
        incident=campaign.incident,
        actor="worker",
        kind=DELIVERIES_RECOVERED,
        data={**_campaign(campaign), "sending_to_uncertain": uncertain, "claimed_to_pending": released},
    )


def delivery_reviewed_event(
    *, campaign: Campaign, actor: Any, delivery_id: int, action: str, old: str, new: str, reason: str
) -> TimelineEvent:
    return timeline.record(
        incident=campaign.incident,
        actor=actor,
        kind=DELIVERY_REVIEWED,
        data={
            **_campaign(campaign),
            "delivery": delivery_id,
            "action": action,
            "from": old,
            "to": new,
            "reason": reason,
        },
    )


def bounce_recorded_event(
    *, campaign: Campaign, actor: Any, delivery_id: int, fallback_id: int | None
) -> TimelineEvent:
    return timeline.record(
        incident=campaign.incident,
        actor=actor,
        kind=BOUNCE_RECORDED,
        data={**_campaign(campaign), "delivery": delivery_id, "postal_fallback": fallback_id},
    )


def print_batch_generated_event(*, batch: PrintBatch, actor: Any) -> TimelineEvent:
    return timeline.record(
        incident=batch.campaign.incident,
        actor=actor,
        kind=PRINT_BATCH_GENERATED,
        data={**_campaign(batch.campaign), "batch": batch.number, "letters": batch.letters, "failed": batch.failed},
    )


def print_batch_downloaded_event(*, batch: PrintBatch, actor: Any) -> TimelineEvent:
    return timeline.record(
        incident=batch.campaign.incident,
        actor=actor,
        kind=PRINT_BATCH_DOWNLOADED,
        data={**_campaign(batch.campaign), "batch": batch.number, "letters": batch.letters},
    )
