"""Change the cost model: the JNSA factors, cost items and executive reports. Every change writes a timeline event."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from breachdesk.costs import events
from breachdesk.costs.errors import InvalidCostItem, InvalidFactors
from breachdesk.costs.models import CostItem, CostSettings, ExecutiveReport, Pricing, ReportKind
from breachdesk.costs.reports import report_generate, report_request
from breachdesk.costs.tasks import executive_report_generate
from breachdesk.incidents.models import Incident

SETTINGS_FIELDS = (
    "social_responsibility",
    "social_responsibility_reason",
    "response_evaluation",
    "response_evaluation_reason",
    "daily_report_hour",
)
ITEM_FIELDS = (
    "category",
    "description",
    "vendor",
    "pricing",
    "planned_amount_yen",
    "actual_amount_yen",
    "unit_price_yen",
    "unit",
    "planned_quantity",
    "actual_quantity",
    "quantity_metric",
    "tax_treatment",
    "tax_rate_percent",
    "notes",
)


def _json(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


def _messages(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def cost_settings_update(*, incident: Incident, actor: Any, **values: Any) -> CostSettings:
    """Set the JNSA factors with their reasons and the daily report hour (lead only, checked by the caller).

    A factor of 2 must give its reason, so a reader of the estimate can see why it was doubled.
    """
    unknown = set(values) - set(SETTINGS_FIELDS)
    if unknown:
        raise InvalidFactors(f"Unknown settings: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        settings, _created = CostSettings.objects.select_for_update().get_or_create(incident=incident)
        changes: dict[str, list[Any]] = {}
        for name, value in values.items():
            if isinstance(value, str):
                value = value.strip()
            old = getattr(settings, name)
            if old != value:
                changes[name] = [old, value]
                setattr(settings, name, value)
        for factor in ("social_responsibility", "response_evaluation"):
            if getattr(settings, factor) == 2 and not getattr(settings, f"{factor}_reason"):
                raise InvalidFactors(
                    f"Give the reason for doubling the {factor.replace('_', ' ')} factor.",
                    extra={"field": f"{factor}_reason"},
                )
        try:
            settings.full_clean()
        except ValidationError as exc:
            raise InvalidFactors(_messages(exc)) from None
        if changes:
            settings.save()
            events.settings_changed_event(incident=incident, actor=actor, changes=changes)
    return settings


def _check_item(item: CostItem) -> None:
    try:
        item.full_clean()
    except ValidationError as exc:
        raise InvalidCostItem(_messages(exc)) from None
    if item.pricing == Pricing.PER_UNIT:
        if item.unit_price_yen is None:
            raise InvalidCostItem("A per-unit cost needs a unit price.", extra={"field": "unit_price_yen"})
        if item.planned_quantity is None and item.actual_quantity is None and not item.quantity_metric:
            raise InvalidCostItem(
                "Give a planned or actual quantity, or a live count.", extra={"field": "planned_quantity"}
            )
    elif item.planned_amount_yen is None and item.actual_amount_yen is None:
        raise InvalidCostItem("Give a planned or an actual amount.", extra={"field": "planned_amount_yen"})


def cost_item_create(*, incident: Incident, actor: Any, **values: Any) -> CostItem:
    """Add a cost item to ``incident``."""
    unknown = set(values) - set(ITEM_FIELDS)
    if unknown:
        raise InvalidCostItem(f"Unknown fields: {', '.join(sorted(unknown))}.")
    item = CostItem(incident=incident, **values)
    _check_item(item)
    with transaction.atomic():
        item.save()
        events.item_created_event(item=item, actor=actor)
    return item


def cost_item_update(*, item: CostItem, actor: Any, **values: Any) -> CostItem:
    """Change a cost item; the event lists each changed field with its old and new value."""
    unknown = set(values) - set(ITEM_FIELDS)
    if unknown:
        raise InvalidCostItem(f"Unknown fields: {', '.join(sorted(unknown))}.")
    changes: dict[str, list[Any]] = {}
    for name, value in values.items():
        old = getattr(item, name)
        if old != value:
            changes[name] = [_json(old), _json(value)]
            setattr(item, name, value)
    if not changes:
        return item
    _check_item(item)
    with transaction.atomic():
        item.save()
        events.item_updated_event(item=item, actor=actor, changes=changes)
    return item


def cost_item_delete(*, item: CostItem, actor: Any) -> None:
    """Remove a cost item; the timeline keeps what it was."""
    incident, item_id, category, description = item.incident, item.pk, item.category, item.description
    with transaction.atomic():
        item.delete()
        events.item_deleted_event(
            incident=incident, actor=actor, item_id=item_id, category=category, description=description
        )


# ---------------------------------------------------------------------------------------------------------------------
# Executive reports
# ---------------------------------------------------------------------------------------------------------------------
def report_generate_now(*, incident: Incident, actor: Any, now: datetime | None = None) -> ExecutiveReport:
    """Create and render an on-demand report at once (one click: the member waits a second or two for it)."""
    report = report_request(incident=incident, actor=actor, kind=ReportKind.ON_DEMAND, now=now)
    return report_generate(report_id=report.pk, actor=actor, now=now)


def reports_daily_enqueue(*, now: datetime) -> list[ExecutiveReport]:
    """Queue today's daily report of every incident whose report hour has passed, and wake the worker for each.

    Idempotent: at most one daily report per incident and local day (a unique constraint), so cron may call this
    as often as it likes. ``now`` is the time seam: tests pass any moment instead of sleeping.
    """
    local = timezone.localtime(now)
    queued: list[ExecutiveReport] = []
    due = CostSettings.objects.filter(daily_report_hour__isnull=False, daily_report_hour__lte=local.hour).exclude(
        incident__phase="closed"
    )
    for settings in due.select_related("incident"):
        incident = settings.incident
        if ExecutiveReport.objects.filter(incident=incident, kind=ReportKind.DAILY, for_date=local.date()).exists():
            continue
        try:
            report = report_request(incident=incident, actor="worker", kind=ReportKind.DAILY, now=now)
        except IntegrityError:
            continue  # another scheduler run queued it a moment ago
        executive_report_generate.enqueue(report_id=report.pk)
        queued.append(report)
    return queued
