"""Hold fact overrides, the last evaluation of each incident, and the regulator reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from breachdesk.core.models import BaseModel


class Fact(models.TextChoices):
    """Name the facts a person may override, with a reason."""

    EVENT = "event", _("Event")
    SUSPECTED = "suspected", _("Suspected only")
    CAUSE = "cause", _("Cause")
    ROLE = "role", _("Our role")
    PERSONS = "persons", _("Number of people affected")
    ITEMS = "items", _("Data items")
    WITHOUT_CONTACT = "without_contact", _("People without contact data")
    ENCRYPTION = "encryption", _("Encryption")
    RECOVERED_UNVIEWED = "recovered_unviewed", _("Recovered before anyone saw it")
    BACKUP_EXISTS = "backup_exists", _("Another copy exists")
    PAYMENT_CAPABLE_SERVICE = "payment_capable_service", _("Credentials work on a payment-capable service")


class FactOverride(BaseModel):
    """Replace one assembled fact of an incident with a value a person chose, and say why."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="fact_overrides")
    fact = models.CharField(_("fact"), max_length=30, choices=Fact.choices)
    value = models.JSONField(_("value"))
    reason = models.TextField(_("reason"))
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incident", "fact"], name="fact_override_unique")]
        ordering = ["incident_id", "fact"]
        verbose_name = _("fact override")
        verbose_name_plural = _("fact overrides")

    def __str__(self) -> str:
        return f"{self.incident_id}:{self.fact}"


class Assessment(BaseModel):
    """Keep the latest evaluation of an incident, so a change of verdict or deadline can be noticed and logged."""

    incident = models.OneToOneField("incidents.Incident", on_delete=models.CASCADE, related_name="assessment")
    facts = models.JSONField(_("facts"), default=dict)
    result = models.JSONField(_("result"), default=dict)
    detail = models.JSONField(_("detail"), default=dict)
    evaluated_at = models.DateTimeField(_("evaluated at"))
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("obligation assessment")
        verbose_name_plural = _("obligation assessments")

    def __str__(self) -> str:
        return f"assessment of {self.incident_id}"


class ReportJurisdiction(models.TextChoices):
    JP = "JP", _("Japan (PPC)")
    EU = "EU", _("EU supervisory authority")


class ReportKind(models.TextChoices):
    PRELIMINARY = "preliminary", _("Preliminary report (速報)")
    FINAL = "final", _("Final report (確報)")
    AUTHORITY = "authority", _("Notification to the supervisory authority (Art. 33)")
    TO_PRINCIPAL = "to_principal", _("Notice to the principal or controller")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    SUBMITTED = "submitted", _("Submitted")


class RegulatorReport(BaseModel):
    """Hold one report to a regulator (or to the principal): its items, its review and its submission."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="regulator_reports")
    jurisdiction = models.CharField(_("jurisdiction"), max_length=2, choices=ReportJurisdiction.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=ReportKind.choices)
    status = models.CharField(_("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    content = models.JSONField(_("content"), default=dict)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "jurisdiction", "kind"], name="regulator_report_unique_kind")
        ]
        ordering = ["incident_id", "jurisdiction", "kind"]
        verbose_name = _("regulator report")
        verbose_name_plural = _("regulator reports")

    def __str__(self) -> str:
        return f"{self.incident_id}:{self.jurisdiction}-{self.kind}"

    @property
    def slot(self) -> str:
        """Return the report's URL slot, such as ``jp-preliminary``."""
        return slot_for(self.jurisdiction, self.kind)

    @property
    def label(self) -> str:
        return slot_label(self.slot)


def slot_for(jurisdiction: str, kind: str) -> str:
    return f"{jurisdiction.lower()}-{kind.replace('_', '-')}"


# Every (jurisdiction, kind) a report can have; the URL of each is static, e.g. ``reports/jp-preliminary/``.
REPORT_SLOTS: dict[str, tuple[str, str]] = {
    slot_for(j, k): (j, k)
    for j, k in (
        ("JP", ReportKind.PRELIMINARY),
        ("JP", ReportKind.FINAL),
        ("JP", ReportKind.TO_PRINCIPAL),
        ("EU", ReportKind.AUTHORITY),
        ("EU", ReportKind.TO_PRINCIPAL),
    )
}


def slot_label(slot: str) -> str:
    """Return a readable name of a report slot, such as "Japan (PPC): Preliminary report (速報)"."""
    jurisdiction, kind = REPORT_SLOTS[slot]
    return f"{ReportJurisdiction(jurisdiction).label}: {ReportKind(kind).label}"
