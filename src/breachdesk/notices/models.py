"""Hold the public voice of an incident: notices (第N報), the FAQ, press statements, stakeholder briefings, the
self-check queue and the counters of the public pages.

A published notice is never edited: a correction is a new notice that names the notice it corrects. FAQ entries are
versioned like answer blocks and link to the desk's block by its key, version and content hash (no foreign key, so
this app does not depend on the inquiries app's migrations).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from breachdesk.core.models import BaseModel


class NoticeStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")


class Notice(BaseModel):
    """Hold one public notice of an incident; ``number`` (第N報) is given when it is published."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="notices")
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("body (Markdown)"))
    status = models.CharField(_("status"), max_length=10, choices=NoticeStatus.choices, default=NoticeStatus.DRAFT)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("corrects")
    )
    correction_note = models.TextField(_("what it corrects"), blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        ordering = ["incident_id", "-published_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "number"], condition=models.Q(number__isnull=False), name="notice_unique_number"
            )
        ]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")

    def __str__(self) -> str:
        return f"{self.incident_id}#{self.number or 'draft'} {self.title}"

    @property
    def is_published(self) -> bool:
        return self.status == NoticeStatus.PUBLISHED


class FaqStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    RETIRED = "retired", _("Retired")


class FaqEntry(BaseModel):
    """Hold one version of a public question and answer; ``key`` stays the same across versions."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="faq_entries")
    key = models.SlugField(_("key"), max_length=40)
    version = models.PositiveIntegerField(default=1)
    order = models.PositiveIntegerField(_("order"), default=100)
    question = models.CharField(_("question"), max_length=300)
    answer = models.TextField(_("answer (Markdown)"))
    status = models.CharField(_("status"), max_length=10, choices=FaqStatus.choices, default=FaqStatus.DRAFT)
    # The desk's answer block this entry says the same as: its key, the version and the SHA-256 of its text.
    block_key = models.SlugField(_("answer block"), max_length=40, blank=True)
    block_version = models.PositiveIntegerField(null=True, blank=True)
    block_hash = models.CharField(max_length=64, blank=True)
    drift = models.CharField(_("out of step"), max_length=200, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["incident_id", "order", "key", "-version"]
        constraints = [models.UniqueConstraint(fields=["incident", "key", "version"], name="faq_unique_version")]
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ entries")

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"


class BlockFlag(BaseModel):
    """Flag a desk answer block whose public FAQ entry changed, so the desk sees that the two differ."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="+")
    block_key = models.SlugField(max_length=40)
    faq = models.ForeignKey(FaqEntry, on_delete=models.CASCADE, related_name="block_flags")
    reason = models.CharField(max_length=200)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["incident", "resolved_at"], name="notices_blockflag_open")]

    def __str__(self) -> str:
        return f"flag on block {self.block_key}"


class PublicPage(BaseModel):
    """Carry the version of an incident's public page; every publication bumps it, which voids every cache."""

    incident = models.OneToOneField("incidents.Incident", on_delete=models.CASCADE, related_name="public_page")
    version = models.PositiveIntegerField(default=1)
    first_published_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"public page of {self.incident_id} v{self.version}"


class ReadinessConfirmation(BaseModel):
    """Record the lead's explicit confirmation of the readiness items still open at the first publication."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="+")
    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="readiness_confirmations")
    check_key = models.CharField(max_length=40)
    detail = models.CharField(max_length=500)
    reason = models.TextField()
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"{self.check_key} confirmed for notice {self.notice_id}"


class SelfCheckMethod(models.TextChoices):
    EMAIL = "email", _("Email address")
    MEMBER = "member", _("Member ID and date of birth")


class SelfCheckState(models.TextChoices):
    PENDING = "pending", _("Waiting")
    CLAIMED = "claimed", _("Processing")


class SelfCheckRequest(models.Model):
    """Queue one self-check for the worker. Holds blind indexes only: nothing here can be read back.

    A row is deleted once processed, so no record says who checked; the outcome is only counted.
    """

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="+")
    method = models.CharField(max_length=8, choices=SelfCheckMethod.choices)
    bidx = models.BinaryField()
    birth_digest = models.BinaryField(null=True)
    state = models.CharField(max_length=8, choices=SelfCheckState.choices, default=SelfCheckState.PENDING)
    claim_token = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["state", "created_at"], name="notices_selfcheck_queue")]

    def __str__(self) -> str:
        return f"self-check #{self.pk}"


class DailyCount(models.Model):
    """Count events of the public pages per incident and day (self-checks are counted, never logged per person)."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    kind = models.CharField(max_length=40)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "day", "kind"], name="notices_daily_unique")]
        ordering = ["-day", "kind"]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.day} {self.kind}: {self.count}"


class BriefingStatus(models.TextChoices):
    DRAFT = "draft", _("Prepared")
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


class StakeholderBriefing(BaseModel):
    """Keep one document prepared for, and sent to, a stakeholder: the pack as it was when it went out."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="+")
    stakeholder = models.ForeignKey("incidents.Stakeholder", on_delete=models.CASCADE, related_name="briefings")
    kind = models.CharField(max_length=16)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("document"))
    status = models.CharField(max_length=12, choices=BriefingStatus.choices, default=BriefingStatus.DRAFT)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"briefing #{self.pk} for {self.stakeholder_id}"


class PressStatement(BaseModel):
    """Hold a press statement drafted from a notice; the chosen title is a decision kept on the timeline."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="+")
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="press_statements")
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("body"))
    title_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title_decided_at = models.DateTimeField(null=True, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title
