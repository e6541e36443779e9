"""Change templates, campaigns and deliveries; every state change writes a timeline event (deliveries: a
``DeliveryEvent`` row, see ``campaigns.worker``).

Who may do what (checked here, not only in views):
- create and edit templates and campaigns: lead or PR;
- approve a template version: lead or reviewer, not its author;
- approve a campaign: lead or reviewer, not its creator;
- start, resume, cancel, record a legal reason, review deliveries, print letters: lead;
- pause: lead or PR (stopping must be easy).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.mail import get_connection
from django.db import transaction
from django.utils import timezone

from breachdesk.campaigns import bulk, events, lock_objects, selectors
from breachdesk.campaigns.audience import audience_clean, audience_ids
from breachdesk.campaigns.errors import NotApproved, NotInternal, RoleRefused, SelfApproval, WrongState
from breachdesk.campaigns.guards import version_approval_problems
from breachdesk.campaigns.lifecycle import campaign_finish_if_done, campaign_pause_as, postal_fallback_create
from breachdesk.campaigns.models import (
    Campaign,
    CampaignStatus,
    Channel,
    Delivery,
    DeliveryChannel,
    DeliveryEvent,
    DeliveryStatus,
    NoticeTemplate,
    TemplateVersion,
)
from breachdesk.campaigns.rendering import render_notice, sample_person
from breachdesk.campaigns.sandbox import template_validate
from breachdesk.campaigns.tasks import campaign_wake
from breachdesk.core.errors import Conflict, NotFound, ValidationFailed
from breachdesk.core.four_eyes import four_eyes_require
from breachdesk.core.jptext import normalize_email
from breachdesk.core.roles import Capability, role_can
from breachdesk.incidents.models import Incident
from breachdesk.incidents.selectors import membership_role
from breachdesk.outbound.guard import OutboundMessage, campaign_link_hosts, outbound_guard_enforce
from breachdesk.outbound.mailformat import JapaneseEmailMultiAlternatives, outbound_charset

S = DeliveryStatus
CAMPAIGN_EDITABLE = (
    "name",
    "template",
    "channel",
    "audience",
    "throttle_per_second",
    "max_attempts",
    "attach_letter",
    "scheduled_at",
    "desk_name",
    "desk_email",
    "desk_phone",
    "desk_hours",
    "notice_url",
    "selfcheck_url",
    "from_email",
)
TEST_PREFIX = "【テスト送信】"


def require_capability(*, incident: Incident, actor: Any, capability: Capability, action: str) -> None:
    """Raise ``RoleRefused`` unless the actor's role in ``incident`` grants ``capability``."""
    role = membership_role(user=actor, incident=incident) if isinstance(actor, User) else None
    if not role_can(role, capability):
        raise RoleRefused(f"Your role does not allow this: {action}.")


def _clean(obj: Any) -> None:
    from django.core.exceptions import ValidationError

    try:
        obj.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        raise ValidationFailed(
            "; ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in exc.message_dict.items()),
            code="campaigns.invalid",
        ) from None


def _wake(campaign: Campaign) -> None:
    """Nudge a worker once the current transaction commits, for a quick start.

    Nothing depends on the nudge: every ``db_worker`` looks for running campaigns with claimable deliveries in its
    loop, and any number of them share one campaign (``SKIP LOCKED`` on PostgreSQL), so no delivery is sent twice.
    """
    campaign_id = campaign.pk
    transaction.on_commit(lambda: campaign_wake.enqueue(campaign_id=campaign_id))


# ---------------------------------------------------------------------------------------------------------------------
# Templates
# ---------------------------------------------------------------------------------------------------------------------
def _validate_parts(*, subject: str, body_text: str, body_html: str, letter_text: str) -> None:
    if not subject.strip() or not body_text.strip():
        raise ValidationFailed("A template needs a subject and a plain-text body.", code="campaigns.template_empty")
    template_validate(
        parts={"subject": subject, "body_text": body_text, "body_html": body_html, "letter_text": letter_text}
    )


def template_create(
    *,
    incident: Incident,
    actor: User,
    name: str,
    subject: str,
    body_text: str,
    body_html: str = "",
    letter_text: str = "",
) -> NoticeTemplate:
    """Create a template with its first (unapproved) version, after checking it against the sandbox."""
    require_capability(
        incident=incident, actor=actor, capability=Capability.EDIT_CAMPAIGNS, action="create a notice template"
    )
    _validate_parts(subject=subject, body_text=body_text, body_html=body_html, letter_text=letter_text)
    with transaction.atomic():
        template = NoticeTemplate(incident=incident, name=name.strip(), created_by=actor)
        _clean(template)
        template.save()
        version = TemplateVersion.objects.create(
            template=template,
            number=1,
            subject=subject,
            body_text=body_text,
            body_html=body_html,
            letter_text=letter_text,
            author=actor,
        )
        events.template_created_event(template=template, version=version, actor=actor)
    return template


def template_rename(*, template: NoticeTemplate, actor: Any, name: str) -> NoticeTemplate:
    """Rename ``template`` (its metadata only: the versions and their approvals stay as they are).

    The caller checks who may do it (the desk's editors, or a superuser in the admin).
    """
    name = name.strip()
    if name == template.name:
        return template
    old = template.name
    with transaction.atomic():
        template.name = name
        _clean(template)
        template.save(update_fields=["name", "updated_at"])
        events.template_renamed_event(template=template, actor=actor, old=old)
    return template


def template_edit(
    *,
    template: NoticeTemplate,
    actor: User,
    subject: str,
    body_text: str,
    body_html: str = "",
    letter_text: str = "",
) -> TemplateVersion:
    """Save an edit as a new version; the template's approval is void until someone approves the new version.

    Approved campaigns that pinned the previous version go back to draft: what they were approved to send changed.
    """
    require_capability(
        incident=template.incident, actor=actor, capability=Capability.EDIT_CAMPAIGNS, action="edit a notice template"
    )
    _validate_parts(subject=subject, body_text=body_text, body_html=body_html, letter_text=letter_text)
    with transaction.atomic():
        lock_objects.template_for_update().filter(pk=template.pk).values_list("pk", flat=True).first()
        current = template.versions.order_by("-number").first()
        assert current is not None
        if (current.subject, current.body_text, current.body_html, current.letter_text) == (
            subject,
            body_text,
            body_html,
            letter_text,
        ):
            raise Conflict("Nothing changed, so no new version was made.", code="campaigns.template_unchanged")
        version = TemplateVersion.objects.create(
            template=template,
            number=current.number + 1,
            subject=subject,
            body_text=body_text,
            body_html=body_html,
            letter_text=letter_text,
            author=actor,
        )
        voided = []
        for campaign in Campaign.objects.filter(template=template, status=CampaignStatus.APPROVED):
            _void_campaign_approval(campaign=campaign, actor=actor, why="template_edited")
            voided.append(campaign.pk)
        events.template_edited_event(
            template=template,
            version=version,
            actor=actor,
            approval_voided=current.is_approved,
            campaigns_voided=voided,
        )
    return version


def template_approve(*, template: NoticeTemplate, actor: User, version_number: int) -> TemplateVersion:
    """Approve the current version of ``template``; its author cannot approve it (four eyes)."""
    require_capability(
        incident=template.incident, actor=actor, capability=Capability.REVIEW, action="approve a notice template"
    )
    with transaction.atomic():
        lock_objects.template_for_update().filter(pk=template.pk).values_list("pk", flat=True).first()
        version = template.versions.order_by("-number").first()
        assert version is not None
        if version.number != version_number:
            raise WrongState(
                f"Version {version_number} is no longer current (the current one is {version.number}).",
                code="campaigns.version_not_current",
            )
        if version.is_approved:
            raise WrongState("This version is already approved.", code="campaigns.already_approved")
        four_eyes_require(approver=actor, writers=[version.author_id], what="template version", error=SelfApproval)
        version.approved_by = actor
        version.approved_at = timezone.now()
        version.save(update_fields=["approved_by", "approved_at", "updated_at"])
        events.template_approved_event(template=template, version=version, actor=actor)
    return version


def template_test_send(
    *, template: NoticeTemplate, actor: User, to: list[str], campaign: Campaign | None = None
) -> int:
    """Send the current version, filled with an invented person, to incident members' own addresses only."""
    incident = template.incident
    require_capability(
        incident=incident,
        actor=actor,
        capability=Capability.TEST_SEND_TEMPLATES,
        action="send a test of a notice template",
    )
    internal = selectors.internal_addresses(incident=incident)
    wanted = [normalize_email(a) for a in to if a.strip()]
    if not wanted:
        raise ValidationFailed("Give at least one address.", code="campaigns.no_recipient")
    outside = [a for a in wanted if a not in internal]
    if outside:
        raise NotInternal(
            "Test sends go only to the email addresses of this incident's members. Not a member's address: "
            + ", ".join(outside)
        )
    version = template.versions.order_by("-number").first()
    assert version is not None
    connection = get_connection(fail_silently=False)
    sent = 0
    with connection:
        for address in wanted:
            rendered = render_notice(
                version=version,
                incident=incident,
                campaign=campaign,
                person=sample_person(email=address),
                items=[
                    "氏名",
                    "メールアドレス",
                ],
            )
            subject = TEST_PREFIX + rendered.subject
            message = OutboundMessage(
                incident=incident,
                to=[address],
                subject=subject,
                body=rendered.text,
                html=rendered.html,
                person_id=None,
                allowed_addresses=frozenset(internal | {a for a in (campaign.desk_email if campaign else "",) if a}),
                allowed_link_hosts=campaign_link_hosts(campaign),
            )
            outbound_guard_enforce(message=message)
            email = JapaneseEmailMultiAlternatives(
                subject, rendered.text, to=[address], connection=connection, mail_charset=outbound_charset(incident)
            )
            if rendered.html:
                email.attach_alternative(rendered.html, "text/html")
            sent += email.send()
    events.template_test_sent_event(template=template, version=version, actor=actor, recipients=sent)
    return sent


# ---------------------------------------------------------------------------------------------------------------------
# Campaigns: draft and approval
# ---------------------------------------------------------------------------------------------------------------------
def _check_template(incident: Incident, template: NoticeTemplate) -> None:
    if template.incident_id != incident.pk:
        raise NotFound("No such template.")


def campaign_create(
    *,
    incident: Incident,
    actor: User,
    name: str,
    template: NoticeTemplate,
    channel: str = Channel.EMAIL,
    audience: dict[str, Any] | None = None,
    **options: Any,
) -> Campaign:
    """Create a draft campaign; ``options`` are the other editable fields (throttle, schedule, desk, links)."""
    require_capability(incident=incident, actor=actor, capability=Capability.EDIT_CAMPAIGNS, action="create a campaign")
    _check_template(incident, template)
    unknown = set(options) - set(CAMPAIGN_EDITABLE)
    if unknown:
        raise ValidationFailed(f"Unknown campaign fields: {', '.join(sorted(unknown))}.", code="campaigns.invalid")
    campaign = Campaign(
        incident=incident,
        name=name.strip(),
        template=template,
        channel=channel,
        audience=audience_clean(audience),
        created_by=actor,
        **options,
    )
    _check_schedule(campaign.scheduled_at)
    _clean(campaign)
    with transaction.atomic():
        campaign.save()
        events.campaign_created_event(campaign=campaign, actor=actor)
    return campaign


def _check_schedule(value: datetime | None) -> None:
    if value is not None and timezone.is_naive(value):
        raise ValidationFailed("The schedule must carry a time zone.", code="campaigns.naive_datetime")


def _void_campaign_approval(*, campaign: Campaign, actor: Any, why: str) -> None:
    if campaign.status != CampaignStatus.APPROVED:
        return
    campaign.status = CampaignStatus.DRAFT
    campaign.approved_by = None
    campaign.approved_at = None
    campaign.template_version = None
    campaign.save(update_fields=["status", "approved_by", "approved_at", "template_version", "updated_at"])
    events.campaign_approval_voided_event(campaign=campaign, actor=actor, why=why)


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, NoticeTemplate):
        return value.pk
    return value


def campaign_update(*, campaign: Campaign, actor: User, **fields: Any) -> Campaign:
    """Change a draft or approved campaign; any change voids the campaign's approval."""
    require_capability(
        incident=campaign.incident, actor=actor, capability=Capability.EDIT_CAMPAIGNS, action="edit a campaign"
    )
    unknown = set(fields) - set(CAMPAIGN_EDITABLE)
    if unknown:
        raise ValidationFailed(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    if "audience" in fields:
        fields["audience"] = audience_clean(fields["audience"])
    if "template" in fields:
        _check_template(campaign.incident, fields["template"])
    _check_schedule(fields.get("scheduled_at"))
    with transaction.atomic():
        campaign = lock_objects.campaign_for_update().select_related("incident").get(pk=campaign.pk)
        if not campaign.is_editable:
            raise WrongState("Only a draft or approved campaign can be changed.")
        changes: dict[str, list[Any]] = {}
        for name, value in fields.items():
            old = getattr(campaign, name)
            if old != value:
                changes[name] = [_jsonable(old), _jsonable(value)]
                setattr(campaign, name, value)
        if not changes:
            return campaign
        _clean(campaign)
        campaign.save()
        events.campaign_updated_event(campaign=campaign, actor=actor, changes=changes)
        _void_campaign_approval(campaign=campaign, actor=actor, why="campaign_edited")
    return campaign


def campaign_legal_reason_set(*, campaign: Campaign, actor: User, include_deleted: bool, reason: str) -> Campaign:
    """Record the lead's decision to include (or not) people whose deletion was completed, with the legal reason."""
    require_capability(
        incident=campaign.incident, actor=actor, capability=Capability.RUN_CAMPAIGNS, action="record a legal reason"
    )
    reason = reason.strip()
    if include_deleted and not reason:
        raise ValidationFailed(
            "Including people whose deletion was completed needs a legal reason.", code="campaigns.reason_required"
        )
    with transaction.atomic():
        campaign = lock_objects.campaign_for_update().select_related("incident").get(pk=campaign.pk)
        if not campaign.is_editable:
            raise WrongState("Only a draft or approved campaign can be changed.")
        campaign.include_deleted = include_deleted
        campaign.legal_reason = reason
        campaign.legal_reason_by = actor
        campaign.legal_reason_at = timezone.now()
        campaign.save()
        events.campaign_legal_reason_event(campaign=campaign, actor=actor)
        _void_campaign_approval(campaign=campaign, actor=actor, why="legal_reason_changed")
    return campaign


def _current_approved_version(campaign: Campaign) -> TemplateVersion:
    version = campaign.template.versions.order_by("-number").first()
    if version is None or version_approval_problems(version):
        raise NotApproved(
            "The campaign's template has no approval from a second person for its current version.",
        )
    return version


def campaign_approve(*, campaign: Campaign, actor: User) -> Campaign:
    """Approve a draft campaign and pin the template version it will send; its creator cannot approve it."""
    require_capability(
        incident=campaign.incident, actor=actor, capability=Capability.REVIEW, action="approve a campaign"
    )
    with transaction.atomic():
        campaign = lock_objects.campaign_for_update().select_related("incident", "template").get(pk=campaign.pk)
        if campaign.status != CampaignStatus.DRAFT:
            raise WrongState("Only a draft campaign can be approved.")
        four_eyes_require(approver=actor, writers=[campaign.created_by_id], what="campaign", error=SelfApproval)
        campaign.template_version = _current_approved_version(campaign)
        campaign.status = CampaignStatus.APPROVED
        campaign.approved_by = actor
        campaign.approved_at = timezone.now()
        campaign.save()
        events.campaign_approved_event(campaign=campaign, actor=actor)
    return campaign


# ---------------------------------------------------------------------------------------------------------------------
# Campaigns: running
# ---------------------------------------------------------------------------------------------------------------------
def _delivery_channel(channel: str, has_email: bool) -> str:
    if channel == Channel.POSTAL:
        return DeliveryChannel.POSTAL
    if channel == Channel.EMAIL_POSTAL_FALLBACK and not has_email:
        return DeliveryChannel.POSTAL
    return DeliveryChannel.EMAIL


def campaign_start(*, campaign: Campaign, actor: User, now: datetime | None = None) -> Campaign:
    """Start an approved campaign: fix its audience and create one delivery per person (raw driver), then wake workers.

    Refused unless the campaign is approved and its pinned template version is still the current one, approved by
    someone other than its author.
    """
    require_capability(
        incident=campaign.incident, actor=actor, capability=Capability.RUN_CAMPAIGNS, action="start a campaign"
    )
    now = now or timezone.now()
    with transaction.atomic():
        campaign = (
            lock_objects.campaign_for_update()
            .select_related("incident", "template", "template_version")
            .get(pk=campaign.pk)
        )
        if campaign.status != CampaignStatus.APPROVED or campaign.approved_at is None:
            raise NotApproved("Only an approved campaign can start.")
        current = _current_approved_version(campaign)
        if campaign.template_version_id != current.pk:
            raise NotApproved("The template changed after the campaign was approved; approve the campaign again.")
        people, excluded = audience_ids(campaign=campaign)
        if not people:
            raise ValidationFailed("The audience is empty.", code="campaigns.empty_audience")
        plan = [(pk, _delivery_channel(campaign.channel, has_email)) for pk, has_email in people]
        bulk.deliveries_insert(campaign_id=campaign.pk, people=plan, status=S.PENDING, now=now)
        per_channel = {c: sum(1 for _pk, ch in plan if ch == c) for c in DeliveryChannel.values}
        campaign.status = CampaignStatus.RUNNING
        campaign.audience_size = len(plan)
        campaign.started_by = actor
        campaign.started_at = now
        campaign.tokens = 0.0
        campaign.tokens_at = None
        campaign.save()
        events.campaign_started_event(campaign=campaign, actor=actor, deliveries=per_channel, excluded=excluded)
        _wake(campaign)
    return campaign


def campaign_pause(*, campaign: Campaign, actor: User, reason: str = "") -> Campaign:
    """Pause a running campaign; workers stop after the delivery in hand and give back what they claimed."""
    require_capability(
        incident=campaign.incident, actor=actor, capability=Capability.EDIT_CAMPAIGNS, action="pause a campaign"
    )
    return campaign_pause_as(campaign=campaign, actor=actor, reason=reason)


def campaign_resume(*, campaign: Campaign, actor: User) -> Campaign:
    """Resume a paused campaign and wake workers."""
    require_capability(
        incident=campaign.incident, actor=actor, capability=Capability.RUN_CAMPAIGNS, action="resume a campaign"
    )
    with transaction.atomic():
        campaign = lock_objects.campaign_for_update().select_related("incident").get(pk=campaign.pk)
        if campaign.status != CampaignStatus.PAUSED:
            raise WrongState("Only a paused campaign can be resumed.")
        campaign.status = CampaignStatus.RUNNING
        campaign.pause_reason = ""
        campaign.relay_probe_at = None
        campaign.relay_failures = 0
        campaign.save(update_fields=["status", "pause_reason", "relay_probe_at", "relay_failures", "updated_at"])
        events.campaign_resumed_event(campaign=campaign, actor=actor)
        _wake(campaign)
    return campaign


def campaign_cancel(*, campaign: Campaign, actor: User, reason: str, now: datetime | None = None) -> Campaign:
    """Cancel a campaign: deliveries not yet attempted become ``cancelled`` (a final state), so counts still add up."""
    require_capability(
        incident=campaign.incident, actor=actor, capability=Capability.RUN_CAMPAIGNS, action="cancel a campaign"
    )
    now = now or timezone.now()
    with transaction.atomic():
        campaign = lock_objects.campaign_for_update().select_related("incident").get(pk=campaign.pk)
        if campaign.status in (CampaignStatus.FINISHED, CampaignStatus.CANCELLED):
            raise WrongState("This campaign has already ended.")
        campaign.status = CampaignStatus.CANCELLED
        campaign.finished_at = now
        campaign.save(update_fields=["status", "finished_at", "updated_at"])
        moved = bulk.deliveries_move(
            campaign_id=campaign.pk, from_statuses=[S.PENDING, S.FAILED_TEMPORARY], to_status=S.CANCELLED, now=now
        )
        bulk.events_insert(
            transitions=moved,
            to_status=S.CANCELLED,
            at=now,
            actor_id=actor.pk,
            actor_label=actor.get_username(),
            code="campaigns.cancelled",
            reason=reason,
        )
        events.campaign_cancelled_event(campaign=campaign, actor=actor, reason=reason, cancelled=len(moved))
    return campaign


# ---------------------------------------------------------------------------------------------------------------------
# Deliveries: review and bounces
# ---------------------------------------------------------------------------------------------------------------------
REVIEW_ACTIONS = {
    "mark_sent": ((S.UNCERTAIN,), S.SENT),
    "requeue": ((S.UNCERTAIN, S.FAILED_PERMANENT, S.BOUNCED), S.PENDING),
}


def delivery_review(*, delivery: Delivery, actor: User, action: str, reason: str) -> Delivery:
    """Settle a delivery a worker could not: mark an uncertain one sent, or requeue it (with a reason, recorded)."""
    campaign = delivery.campaign
    require_capability(
        incident=campaign.incident, actor=actor, capability=Capability.RUN_CAMPAIGNS, action="review a delivery"
    )
    if action not in REVIEW_ACTIONS:
        raise ValidationFailed("Unknown review action.", code="campaigns.review_action")
    reason = reason.strip()
    if not reason:
        raise ValidationFailed("Give a reason for the review.", code="campaigns.reason_required")
    allowed_from, new = REVIEW_ACTIONS[action]
    now = timezone.now()
    with transaction.atomic():
        campaign = lock_objects.campaign_for_update().select_related("incident").get(pk=campaign.pk)
        if campaign.status not in (CampaignStatus.RUNNING, CampaignStatus.PAUSED):
            raise WrongState("Deliveries can be reviewed only while their campaign is running or paused.")
        old = Delivery.objects.filter(pk=delivery.pk).values_list("status", flat=True).get()
        if old not in allowed_from:
            raise WrongState(f"A delivery in state {S(old).label} cannot be changed this way.")
        fields: dict[str, Any] = {"status": new, "updated_at": now, "claimed_by": ""}
        if new == S.SENT:
            fields["sent_at"] = now
        else:
            fields.update(attempts=0, next_attempt_at=None, last_error="")
        Delivery.objects.filter(pk=delivery.pk, status=old).update(**fields)
        DeliveryEvent.objects.create(
            delivery_id=delivery.pk,
            at=now,
            from_status=old,
            to_status=new,
            actor=actor,
            actor_label=actor.get_username(),
            code=f"campaigns.review.{action}",
            reason=reason,
        )
        events.delivery_reviewed_event(
            campaign=campaign, actor=actor, delivery_id=delivery.pk, action=action, old=old, new=new, reason=reason
        )
        if new == S.PENDING and campaign.status == CampaignStatus.RUNNING:
            _wake(campaign)
    campaign_finish_if_done(campaign_id=campaign.pk)
    delivery.refresh_from_db()
    return delivery


def delivery_bounce(*, incident: Incident, message_id: str, actor: Any, reason: str = "") -> Delivery:
    """Record a bounce for the email delivery that carried ``message_id``; with fallback, queue a letter instead."""
    message_id = message_id.strip()
    if not message_id.startswith("<"):
        message_id = f"<{message_id}>"
    found = (
        DeliveryEvent.objects.filter(message_id=message_id, delivery__campaign__incident=incident)
        .values_list("delivery_id", flat=True)
        .first()
    )
    if found is None:
        raise NotFound("No delivery of this incident carried that Message-ID.", code="campaigns.unknown_message_id")
    now = timezone.now()
    actor_label = actor if isinstance(actor, str) else actor.get_username()
    actor_id = None if isinstance(actor, str) else actor.pk
    with transaction.atomic():
        delivery = Delivery.objects.select_related("campaign", "campaign__incident").get(pk=found)
        campaign = lock_objects.campaign_for_update().select_related("incident").get(pk=delivery.campaign_id)
        old = delivery.status
        if old == S.BOUNCED:
            return delivery
        if old not in (S.SENT, S.UNCERTAIN, S.SENDING):
            raise WrongState(f"A delivery in state {S(old).label} cannot bounce.")
        Delivery.objects.filter(pk=delivery.pk, status=old).update(
            status=S.BOUNCED, last_error="campaigns.bounced", updated_at=now
        )
        DeliveryEvent.objects.create(
            delivery_id=delivery.pk,
            at=now,
            from_status=old,
            to_status=S.BOUNCED,
            actor_id=actor_id,
            actor_label=actor_label,
            code="campaigns.bounced",
            reason=reason,
            message_id=message_id,
        )
        fallback = postal_fallback_create(delivery=delivery, campaign=campaign, now=now, actor_label=actor_label)
        events.bounce_recorded_event(campaign=campaign, actor=actor, delivery_id=delivery.pk, fallback_id=fallback)
        if fallback is not None and campaign.status == CampaignStatus.FINISHED:
            # A letter is now owed, so the campaign is not finished any more: every delivery must end in a final state.
            campaign.status = CampaignStatus.RUNNING
            campaign.finished_at = None
            campaign.save(update_fields=["status", "finished_at", "updated_at"])
            events.campaign_reopened_event(campaign=campaign, actor=actor, why="bounce_postal_fallback")
    delivery.refresh_from_db()
    return delivery
