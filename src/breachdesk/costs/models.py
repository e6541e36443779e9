"""Hold the cost model of an incident: its JNSA settings, its cost items, and the stored executive reports."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from breachdesk.core.models import BaseModel


class Factor(models.IntegerChoices):
    ORDINARY = 1, _("1 (ordinary)")
    DOUBLED = 2, _("2 (doubled)")


class CostSettings(BaseModel):
    """Keep an incident's JNSA factors with the reasons for them, and the hour of the daily executive report."""

    incident = models.OneToOneField("incidents.Incident", on_delete=models.CASCADE, related_name="cost_settings")
    social_responsibility = models.PositiveSmallIntegerField(
        _("social responsibility"), choices=Factor.choices, default=Factor.ORDINARY
    )
    social_responsibility_reason = models.TextField(_("reason for the social responsibility"), blank=True)
    response_evaluation = models.PositiveSmallIntegerField(
        _("response evaluation"), choices=Factor.choices, default=Factor.ORDINARY
    )
    response_evaluation_reason = models.TextField(_("reason for the response evaluation"), blank=True)
    daily_report_hour = models.PositiveSmallIntegerField(
        _("daily report hour"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(23)],
        help_text=_("Local hour (0–23) after which the worker stores the day's executive report; empty turns it off."),
    )

    class Meta:
        verbose_name = _("cost settings")
        verbose_name_plural = _("cost settings")

    def __str__(self) -> str:
        return f"cost settings of incident {self.incident_id}"


class CostCategory(models.TextChoices):
    VOUCHER = "voucher", _("Vouchers (お詫び品)")
    POSTAGE = "postage", _("Postage")
    PRINTING = "printing", _("Printing")
    DESK_STAFFING = "desk_staffing", _("Desk staffing")
    CALL_CENTER = "call_center", _("Call centre")
    FORENSICS = "forensics", _("Forensics")
    LEGAL = "legal", _("Legal")
    PR = "pr", _("Public relations")
    CARD_REISSUE = "card_reissue", _("Card reissue fees")
    OTHER = "other", _("Other")


class Pricing(models.TextChoices):
    LUMP_SUM = "lump_sum", _("Lump sum")
    PER_UNIT = "per_unit", _("Unit price × quantity")


class TaxTreatment(models.TextChoices):
    EXCLUSIVE = "exclusive", _("Amounts exclude consumption tax")
    INCLUSIVE = "inclusive", _("Amounts include consumption tax")
    EXEMPT = "exempt", _("Not taxed (非課税・不課税)")


class QuantityMetric(models.TextChoices):
    """Name a live count that can give a per-unit item its actual quantity (see ``costs.sources``)."""

    AFFECTED_PERSONS = "affected_persons", _("People affected (registry)")
    LETTERS_SENT = "letters_sent", _("Letters sent")
    EMAILS_SENT = "emails_sent", _("Emails sent")
    INQUIRIES_ANSWERED = "inquiries_answered", _("Inquiries answered")
    STAFF_HOURS = "staff_hours", _("Staff hours logged on replies")


class CostItem(BaseModel):
    """Record one response cost, planned and actual, in integer yen with its tax treatment.

    A lump sum holds ``planned_amount_yen`` and ``actual_amount_yen``. A per-unit item holds ``unit_price_yen`` and
    quantities; its actual quantity comes from ``quantity_metric`` (a live count) when one is set and available,
    else from ``actual_quantity``. Amounts are computed in ``costs.money``.
    """

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="cost_items")
    category = models.CharField(_("category"), max_length=16, choices=CostCategory.choices)
    description = models.CharField(_("description"), max_length=200)
    vendor = models.CharField(_("vendor"), max_length=200, blank=True)
    pricing = models.CharField(_("pricing"), max_length=10, choices=Pricing.choices, default=Pricing.LUMP_SUM)
    planned_amount_yen = models.BigIntegerField(
        _("planned amount (yen)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    actual_amount_yen = models.BigIntegerField(
        _("actual amount (yen)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    unit_price_yen = models.BigIntegerField(
        _("unit price (yen)"), null=True, blank=True, validators=[MinValueValidator(0)]
    )
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    planned_quantity = models.DecimalField(
        _("planned quantity"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    actual_quantity = models.DecimalField(
        _("actual quantity"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    quantity_metric = models.CharField(_("live quantity"), max_length=24, choices=QuantityMetric.choices, blank=True)
    tax_treatment = models.CharField(
        _("tax"), max_length=10, choices=TaxTreatment.choices, default=TaxTreatment.EXCLUSIVE
    )
    tax_rate_percent = models.DecimalField(
        _("tax rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("10.00"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["incident_id", "category", "id"]
        verbose_name = _("cost item")
        verbose_name_plural = _("cost items")

    def __str__(self) -> str:
        return self.description


class ReportKind(models.TextChoices):
    DAILY = "daily", _("Daily")
    ON_DEMAND = "on_demand", _("On demand")


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    GENERATING = "generating", _("Generating")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ExecutiveReport(BaseModel):
    """Store one executive summary PDF. The PDF holds only aggregates (no personal data), so it lives in the row:
    every web and worker machine can serve it without shared storage."""

    incident = models.ForeignKey("incidents.Incident", on_delete=models.CASCADE, related_name="executive_reports")
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    status = models.CharField(_("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    for_date = models.DateField(_("for date"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    generated_at = models.DateTimeField(_("generated at"), null=True, blank=True)
    pdf = models.BinaryField(null=True, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    pages = models.PositiveSmallIntegerField(_("pages"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "for_date"],
                condition=models.Q(kind="daily"),
                name="costs_report_one_daily_per_day",
            )
        ]
        verbose_name = _("executive report")
        verbose_name_plural = _("executive reports")

    def __str__(self) -> str:
        return f"{self.kind} report {self.for_date} ({self.status})"

    @property
    def file_name(self) -> str:
        return f"executive-summary-{self.for_date.isoformat()}-{self.pk}.pdf"
