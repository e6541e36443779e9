"""Hold notice templates (versioned, approved by a second person), campaigns, and the delivery queue.

A ``Delivery`` row is the unit of work: one per person and channel of a campaign, claimed by workers and moved through
its states by ``campaigns.worker``. Each move is kept as a ``DeliveryEvent`` row; the incident timeline gets one
event per campaign state change and one summary per worker batch, never one per delivery.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from breachdesk.core.models import BaseModel


class NoticeTemplate(BaseModel):
    """Name a notice whose content lives in immutable ``TemplateVersion`` rows; the newest version is current."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="notice_templates")
    name = models.CharField(_("name"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["incident_id", "-created_at", "-id"]
        verbose_name = _("notice template")
        verbose_name_plural = _("notice templates")

    def __str__(self) -> str:
        return self.name

    @property
    def current(self) -> TemplateVersion | None:
        return self.versions.order_by("-number").first()


class TemplateVersion(BaseModel):
    """Keep one version of a template's subject and bodies; an edit makes a new version, which voids approval."""

    template = models.ForeignKey(NoticeTemplate, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("plain-text body"))
    body_html = models.TextField(_("HTML body"), blank=True)
    letter_text = models.TextField(_("postal letter body"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)

    class Meta:
        ordering = ["template_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="campaign_template_version_unique")]
        verbose_name = _("template version")
        verbose_name_plural = _("template versions")

    def __str__(self) -> str:
        return f"{self.template_id} v{self.number}"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None and self.approved_by_id is not None


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    POSTAL = "postal", _("Post")
    EMAIL_POSTAL_FALLBACK = "email_postal_fallback", _("Email, with post for people without a deliverable address")


class DeliveryChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    POSTAL = "postal", _("Post")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    RUNNING = "running", _("Running")
    PAUSED = "paused", _("Paused")
    FINISHED = "finished", _("Finished")
    CANCELLED = "cancelled", _("Cancelled")


class Campaign(BaseModel):
    """Send one approved template version to an audience over a channel, at a throttled rate."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="campaigns")
    name = models.CharField(_("name"), max_length=200)
    template = models.ForeignKey(NoticeTemplate, on_delete=models.PROTECT, related_name="campaigns")
    template_version = models.ForeignKey(
        TemplateVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="campaigns"
    )
    channel = models.CharField(_("channel"), max_length=24, choices=Channel.choices, default=Channel.EMAIL)
    audience = models.JSONField(_("audience"), default=dict, blank=True)
    include_deleted = models.BooleanField(_("include people whose deletion was completed"), default=False)
    legal_reason = models.TextField(_("legal reason"), blank=True)
    legal_reason_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    legal_reason_at = models.DateTimeField(null=True, blank=True)
    throttle_per_second = models.PositiveIntegerField(_("messages per second"), default=10)
    max_attempts = models.PositiveSmallIntegerField(_("attempts before giving up"), default=5)
    attach_letter = models.BooleanField(_("attach the person's letter as PDF"), default=False)
    scheduled_at = models.DateTimeField(_("not before"), null=True, blank=True)
    desk_name = models.CharField(_("desk name"), max_length=200, blank=True)
    desk_email = models.EmailField(_("desk email"), blank=True)
    desk_phone = models.CharField(_("desk phone"), max_length=40, blank=True)
    desk_hours = models.CharField(_("desk hours"), max_length=200, blank=True)
    notice_url = models.URLField(_("notice page"), blank=True)
    selfcheck_url = models.URLField(_("self-check page"), blank=True)
    from_email = models.EmailField(_("sender address"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT)
    audience_size = models.PositiveIntegerField(_("audience"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # A token bucket shared by every worker of the campaign: the throttle holds however many workers run.
    tokens = models.FloatField(default=0.0)
    tokens_at = models.DateTimeField(null=True, blank=True)
    # Why the campaign is paused ("" for a person's pause): "relay_unavailable" and "guard_blocked" are set by a worker.
    # While the relay is down, workers probe it at ``relay_probe_at`` (backoff after ``relay_failures`` probes) and
    # resume the campaign when it answers.
    pause_reason = models.CharField(_("pause reason"), max_length=40, blank=True)
    relay_probe_at = models.DateTimeField(null=True, blank=True)
    relay_failures = models.PositiveSmallIntegerField(default=0)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["incident_id", "-created_at", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")

    def __str__(self) -> str:
        return self.name

    @property
    def is_editable(self) -> bool:
        return self.status in (CampaignStatus.DRAFT, CampaignStatus.APPROVED)


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    CLAIMED = "claimed", _("Claimed by a worker")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED_TEMPORARY = "failed_temporary", _("Failed, will retry")
    FAILED_PERMANENT = "failed_permanent", _("Failed permanently")
    BOUNCED = "bounced", _("Bounced")
    UNCERTAIN = "uncertain", _("Uncertain: review needed")
    CANCELLED = "cancelled", _("Not sent: campaign cancelled")


FINAL_STATUSES = (
    DeliveryStatus.SENT,
    DeliveryStatus.FAILED_PERMANENT,
    DeliveryStatus.BOUNCED,
    DeliveryStatus.CANCELLED,
)
OPEN_STATUSES = tuple(s for s in DeliveryStatus if s not in FINAL_STATUSES)
REVIEW_STATUSES = (DeliveryStatus.UNCERTAIN, DeliveryStatus.FAILED_PERMANENT, DeliveryStatus.BOUNCED)


class Delivery(models.Model):
    """Carry one person's notice over one channel through the queue; written in bulk, so no auto timestamps."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="deliveries")
    person = models.ForeignKey("registry.Person", on_delete=models.PROTECT, related_name="deliveries")
    channel = models.CharField(_("channel"), max_length=8, choices=DeliveryChannel.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    fallback_of = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="fallback")
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    print_batch = models.ForeignKey(
        "PrintBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["campaign_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person", "channel"], name="campaign_delivery_once"),
        ]
        indexes = [
            models.Index(fields=["campaign", "status", "channel"], name="campaign_delivery_queue"),
            models.Index(fields=["person"], name="campaign_delivery_person"),
        ]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")

    def __str__(self) -> str:
        return f"delivery #{self.pk} ({self.channel}, {self.status})"

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES


class DeliveryEvent(models.Model):
    """Record one state change of a delivery: who (worker or person), when, from what to what, and why."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    from_status = models.CharField(max_length=16, choices=DeliveryStatus.choices)
    to_status = models.CharField(max_length=16, choices=DeliveryStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    code = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)
    message_id = models.CharField(max_length=200, blank=True, db_index=True)

    class Meta:
        ordering = ["delivery_id", "at", "id"]
        verbose_name = _("delivery event")
        verbose_name_plural = _("delivery events")

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.from_status} → {self.to_status}"


class PrintBatch(BaseModel):
    """Group the postal letters produced together for the print house: one PDF and one mailing CSV."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="print_batches")
    number = models.PositiveIntegerField()
    letters = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    downloads = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["campaign_id", "number"]
        constraints = [models.UniqueConstraint(fields=["campaign", "number"], name="campaign_print_batch_unique")]
        verbose_name = _("print batch")
        verbose_name_plural = _("print batches")

    def __str__(self) -> str:
        return f"print batch {self.number} of campaign {self.campaign_id}"
