"""Read templates, campaigns and the delivery queue: counts that add up, review lists, previews."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet

from breachdesk.campaigns.audience import audience_queryset
from breachdesk.campaigns.models import (
    FINAL_STATUSES,
    OPEN_STATUSES,
    REVIEW_STATUSES,
    Campaign,
    Delivery,
    DeliveryChannel,
    DeliveryEvent,
    DeliveryStatus,
    NoticeTemplate,
    PrintBatch,
    TemplateVersion,
)
from breachdesk.campaigns.rendering import Rendered, item_labels, person_values, render_notice
from breachdesk.core.errors import ApplicationError, NotFound
from breachdesk.core.jptext import normalize_email
from breachdesk.incidents.models import Incident, Membership
from breachdesk.registry.models import Person

FINAL = [s.value for s in FINAL_STATUSES]
PREVIEW_SIZE = 20


def template_list(*, incident: Incident) -> QuerySet[NoticeTemplate]:
    return NoticeTemplate.objects.filter(incident=incident).select_related("created_by").order_by("-created_at")


def template_get(*, incident: Incident, template_id: int) -> NoticeTemplate:
    template = NoticeTemplate.objects.filter(incident=incident, pk=template_id).select_related("incident").first()
    if template is None:
        raise NotFound("No such template.")
    return template


def template_versions(*, template: NoticeTemplate) -> QuerySet[TemplateVersion]:
    return template.versions.select_related("author", "approved_by").order_by("-number")


def campaign_list(*, incident: Incident) -> QuerySet[Campaign]:
    return Campaign.objects.filter(incident=incident).select_related("template", "template_version")


def campaign_get(*, incident: Incident, campaign_id: int) -> Campaign:
    campaign = (
        Campaign.objects.filter(incident=incident, pk=campaign_id)
        .select_related("incident", "template", "template_version", "created_by", "approved_by", "legal_reason_by")
        .first()
    )
    if campaign is None:
        raise NotFound("No such campaign.")
    return campaign


def delivery_get(*, campaign: Campaign, delivery_id: int) -> Delivery:
    delivery = Delivery.objects.filter(campaign=campaign, pk=delivery_id).select_related("campaign").first()
    if delivery is None:
        raise NotFound("No such delivery.")
    return delivery


def print_batch_get(*, campaign: Campaign, batch_id: int) -> PrintBatch:
    batch = PrintBatch.objects.filter(campaign=campaign, pk=batch_id).select_related("campaign__incident").first()
    if batch is None:
        raise NotFound("No such print batch.")
    return batch


@dataclass
class Counts:
    """Count a campaign's deliveries by state: the primary ones (one per audience person) and postal fallbacks."""

    audience: int
    primary: dict[str, int] = field(default_factory=dict)
    fallback: dict[str, int] = field(default_factory=dict)
    by_channel: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def primary_total(self) -> int:
        return sum(self.primary.values())

    @property
    def fallback_total(self) -> int:
        return sum(self.fallback.values())

    @property
    def adds_up(self) -> bool:
        """Return whether every audience person has exactly one primary delivery, whatever its state."""
        return self.primary_total == self.audience

    @property
    def open(self) -> int:
        return sum(n for s, n in {**_sum(self.primary, self.fallback)}.items() if s in OPEN_STATUSES)

    @property
    def needs_review(self) -> int:
        both = _sum(self.primary, self.fallback)
        return sum(both.get(s, 0) for s in REVIEW_STATUSES)

    def rows(self) -> list[dict[str, Any]]:
        """Return one row per state, in the state machine's order, for the progress table."""
        return [
            {
                "status": s.value,
                "label": s.label,
                "primary": self.primary.get(s.value, 0),
                "fallback": self.fallback.get(s.value, 0),
                "final": s in FINAL_STATUSES,
            }
            for s in DeliveryStatus
        ]

    def as_event(self) -> dict[str, Any]:
        return {
            "audience": self.audience,
            "primary": self.primary,
            "fallback": self.fallback,
            "adds_up": self.adds_up,
        }


def _sum(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    return {k: a.get(k, 0) + b.get(k, 0) for k in set(a) | set(b)}


def campaign_counts(*, campaign: Campaign) -> Counts:
    """Return the campaign's delivery counts (one grouped scan)."""
    counts = Counts(audience=campaign.audience_size)
    primary = ExpressionWrapper(Q(fallback_of__isnull=True), output_field=BooleanField())
    rows = (
        Delivery.objects.filter(campaign=campaign)
        .annotate(primary=primary)
        .values_list("channel", "primary", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    for channel, primary, status, n in rows:
        target = counts.primary if primary else counts.fallback
        target[status] = target.get(status, 0) + n
        per = counts.by_channel.setdefault(channel, {})
        per[status] = per.get(status, 0) + n
    return counts


def deliveries_for_review(*, campaign: Campaign, status: str | None = None) -> QuerySet[Delivery]:
    """Return the deliveries a person must look at: uncertain, failed permanently, bounced (or one of them)."""
    wanted = [status] if status in REVIEW_STATUSES else list(REVIEW_STATUSES)
    return Delivery.objects.filter(campaign=campaign, status__in=wanted).order_by("status", "id")


def delivery_events(*, delivery: Delivery) -> QuerySet[DeliveryEvent]:
    return delivery.events.order_by("at", "id")


def person_deliveries(*, person: Person) -> list[dict[str, Any]]:
    """Return a person's deliveries with their transitions, newest campaign first (no personal data)."""
    deliveries = list(
        Delivery.objects.filter(person=person).select_related("campaign").order_by("-campaign__created_at", "id")
    )
    history: dict[int, list[DeliveryEvent]] = {}
    for event in DeliveryEvent.objects.filter(delivery__in=deliveries).order_by("at", "id"):
        history.setdefault(event.delivery_id, []).append(event)
    return [{"delivery": d, "events": history.get(d.pk, [])} for d in deliveries]


def pending_postal(*, campaign: Campaign) -> int:
    return Delivery.objects.filter(
        campaign=campaign, channel=DeliveryChannel.POSTAL, status__in=[DeliveryStatus.PENDING]
    ).count()


def print_batches(*, campaign: Campaign) -> QuerySet[PrintBatch]:
    return PrintBatch.objects.filter(campaign=campaign).select_related("created_by").order_by("-number")


def internal_addresses(*, incident: Incident) -> set[str]:
    """Return the addresses a test send may go to: the incident members' own account addresses."""
    emails = Membership.objects.filter(incident=incident).values_list("user__email", flat=True)
    return {normalize_email(e) for e in emails if e}


@dataclass(frozen=True)
class Preview:
    person_id: int
    rendered: Rendered | None
    error: str = ""


def template_preview(
    *, version: TemplateVersion, campaign: Campaign | None, masked: bool, size: int = PREVIEW_SIZE
) -> list[Preview]:
    """Render ``version`` for ``size`` random recipients (the campaign's audience, or the affected people).

    ``masked`` renders masked values for viewers who may not see personal data.
    """
    from breachdesk.registry.masking import mask

    incident = version.template.incident
    if campaign is not None:
        qs = audience_queryset(incident=incident, audience=campaign.audience)
    else:
        qs = Person.objects.filter(incident=incident, affected=True)
    people = list(qs.order_by("?")[:size])
    out = []
    for person in people:
        try:
            values = person_values(person, mask=mask if masked else None)
            rendered = render_notice(
                version=version,
                incident=incident,
                campaign=campaign,
                person=values,
                items=item_labels(person.items),
            )
        except ApplicationError as exc:
            out.append(Preview(person.pk, None, str(exc.message)))
            continue
        out.append(Preview(person.pk, rendered))
    return out
