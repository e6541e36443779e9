"""Read the cost model: the JNSA estimate over the registry (SQL aggregates), cost lines and their totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet

from breachdesk.core.errors import NotFound
from breachdesk.costs import jnsa, sources
from breachdesk.costs.benchmarks import BENCHMARKS
from breachdesk.costs.models import CostItem, CostSettings, ExecutiveReport, Pricing
from breachdesk.costs.money import ZERO, Amount, extended, split_tax
from breachdesk.incidents.models import Incident
from breachdesk.registry import items as vocabulary


def cost_settings_get(*, incident: Incident) -> CostSettings:
    """Return the incident's cost settings, or unsaved defaults (reads never write)."""
    found = CostSettings.objects.filter(incident=incident).first()
    return found if found is not None else CostSettings(incident=incident)


@dataclass(frozen=True)
class ItemGroup:
    """Carry the people who share one combination of leaked items, and their per-person estimate."""

    mask: int
    persons: int
    estimate: jnsa.Estimate

    @property
    def items(self) -> tuple[str, ...]:
        return self.estimate.items

    @property
    def per_person_yen(self) -> int:
        return self.estimate.per_person_yen

    @property
    def subtotal_yen(self) -> int:
        return self.persons * self.estimate.per_person_yen

    @property
    def item_labels(self) -> list[str]:
        return [vocabulary.label(k) for k in self.items]


@dataclass(frozen=True)
class IncidentEstimate:
    """Carry the estimate of a whole incident: its factors, its groups, and the totals."""

    settings: CostSettings
    groups: list[ItemGroup]
    without_items: int  # affected people whose items are unknown: not in the estimate

    @property
    def persons(self) -> int:
        return sum(g.persons for g in self.groups)

    @property
    def total_yen(self) -> int:
        return sum(g.subtotal_yen for g in self.groups)

    @property
    def min_yen(self) -> int:
        return min((g.per_person_yen for g in self.groups), default=0)

    @property
    def max_yen(self) -> int:
        return max((g.per_person_yen for g in self.groups), default=0)

    @property
    def median_yen(self) -> int:
        return jnsa.weighted_median([(g.per_person_yen, g.persons) for g in self.groups])

    @property
    def mean_yen(self) -> int:
        return self.total_yen // self.persons if self.persons else 0

    def as_contract(self) -> dict[str, Any]:
        """Return the JSON shape of ``breachdesk estimate --incident``."""
        return {
            "persons": self.persons,
            "per_person_yen": {"min": self.min_yen, "median": self.median_yen, "max": self.max_yen},
            "total_yen": self.total_yen,
            "factors": {
                "social_responsibility": self.settings.social_responsibility,
                "response_evaluation": self.settings.response_evaluation,
            },
            "by_items": [
                {"items": list(g.items), "persons": g.persons, "per_person_yen": g.per_person_yen} for g in self.groups
            ],
        }


def item_distribution(*, incident: Incident) -> dict[int, int]:
    """Return {items bit mask: affected people}: the registry's one GROUP BY scan, cached per registry stamp."""
    from breachdesk.registry.selectors import affected_item_distribution_cached

    return affected_item_distribution_cached(incident=incident)


def vocabulary_people(*, incident: Incident) -> QuerySet[Any]:
    from breachdesk.registry.models import Person

    return Person.objects.filter(incident=incident, affected=True)


def incident_estimate(*, incident: Incident) -> IncidentEstimate:
    """Return the JNSA estimate of ``incident``: per item combination, then summed."""
    settings = cost_settings_get(incident=incident)
    groups: list[ItemGroup] = []
    without = 0
    for mask, persons in item_distribution(incident=incident).items():
        keys = vocabulary.keys_of(mask)
        if not keys:
            without += persons
            continue
        estimate = jnsa.estimate(
            keys,
            social_responsibility=settings.social_responsibility,
            response_evaluation=settings.response_evaluation,
        )
        groups.append(ItemGroup(mask=mask, persons=persons, estimate=estimate))
    groups.sort(key=lambda g: (-g.persons, -g.per_person_yen, g.mask))
    return IncidentEstimate(settings=settings, groups=groups, without_items=without)


# ---------------------------------------------------------------------------------------------------------------------
# Cost items
# ---------------------------------------------------------------------------------------------------------------------
@dataclass
class CostLine:
    """Carry one cost item with its computed planned and actual amounts."""

    item: CostItem
    planned: Amount | None
    actual: Amount | None
    actual_quantity: Decimal | None = None
    from_metric: bool = False
    metric_unavailable: bool = False


@dataclass
class CostSheet:
    lines: list[CostLine]
    planned: Amount = ZERO
    actual: Amount = ZERO
    by_category: list[dict[str, Any]] = field(default_factory=list)
    affected: int | None = None

    @property
    def actual_per_person_yen(self) -> int | None:
        return self.actual.gross // self.affected if self.affected else None

    @property
    def planned_per_person_yen(self) -> int | None:
        return self.planned.gross // self.affected if self.affected else None


def _metric_quantity(name: str, incident: Incident, cache: dict[str, Any]) -> Decimal | None:
    if name not in cache:
        cache[name] = sources.metric(name, incident)
    value = cache[name]
    if value is None:
        return None
    return Decimal(str(value))


def cost_line(item: CostItem, *, cache: dict[str, Any] | None = None) -> CostLine:
    """Return ``item`` with its amounts; a live quantity comes from its metric when that is available."""
    cache = {} if cache is None else cache
    treatment, rate = item.tax_treatment, item.tax_rate_percent
    if item.pricing == Pricing.LUMP_SUM:
        planned = item.planned_amount_yen
        actual = item.actual_amount_yen
        return CostLine(
            item=item,
            planned=None if planned is None else split_tax(planned, treatment=treatment, rate_percent=rate),
            actual=None if actual is None else split_tax(actual, treatment=treatment, rate_percent=rate),
        )
    unit = item.unit_price_yen or 0
    planned_amount = None if item.planned_quantity is None else extended(unit, item.planned_quantity)
    quantity: Decimal | None = item.actual_quantity
    from_metric = unavailable = False
    if item.quantity_metric:
        live = _metric_quantity(item.quantity_metric, item.incident, cache)
        if live is None:
            unavailable = True
        else:
            quantity, from_metric = live, True
    actual_amount = None if quantity is None else extended(unit, quantity)
    return CostLine(
        item=item,
        planned=None if planned_amount is None else split_tax(planned_amount, treatment=treatment, rate_percent=rate),
        actual=None if actual_amount is None else split_tax(actual_amount, treatment=treatment, rate_percent=rate),
        actual_quantity=quantity,
        from_metric=from_metric,
        metric_unavailable=unavailable,
    )


def cost_item_list(*, incident: Incident) -> QuerySet[CostItem]:
    return CostItem.objects.filter(incident=incident).select_related("incident").order_by("category", "id")


def cost_item_get(*, incident: Incident, cost_item_id: int) -> CostItem:
    item = CostItem.objects.filter(incident=incident, pk=cost_item_id).first()
    if item is None:
        raise NotFound("No such cost item.")
    return item


def cost_sheet(*, incident: Incident) -> CostSheet:
    """Return every cost line of ``incident`` with planned and actual totals (net, tax, gross) and per category."""
    cache: dict[str, Any] = {}
    lines = [cost_line(item, cache=cache) for item in cost_item_list(incident=incident)]
    planned, actual = ZERO, ZERO
    categories: dict[str, dict[str, Any]] = {}
    for line in lines:
        row = categories.setdefault(
            line.item.category,
            {"key": line.item.category, "label": line.item.get_category_display(), "planned": 0, "actual": 0},
        )
        if line.planned is not None:
            planned += line.planned
            row["planned"] += line.planned.gross
        if line.actual is not None:
            actual += line.actual
            row["actual"] += line.actual.gross
    affected = _metric_quantity("affected_persons", incident, cache)
    return CostSheet(
        lines=lines,
        planned=planned,
        actual=actual,
        by_category=list(categories.values()),
        affected=int(affected) if affected is not None else None,
    )


def benchmark_rows(*, persons: int) -> list[dict[str, Any]]:
    """Return the reference figures, each also multiplied by ``persons``."""
    return [
        {"benchmark": b, "label": b.label, "per_person_yen": b.per_person_yen, "total_yen": b.per_person_yen * persons}
        for b in BENCHMARKS
    ]


# ---------------------------------------------------------------------------------------------------------------------
# Executive reports
# ---------------------------------------------------------------------------------------------------------------------
def report_list(*, incident: Incident) -> QuerySet[ExecutiveReport]:
    """Return the stored reports, newest first, without loading their PDFs."""
    return (
        ExecutiveReport.objects.filter(incident=incident)
        .defer("pdf")
        .select_related("requested_by")
        .order_by("-created_at", "-id")
    )


def report_get(*, incident: Incident, report_id: int) -> ExecutiveReport:
    report = ExecutiveReport.objects.filter(incident=incident, pk=report_id).first()
    if report is None:
        raise NotFound("No such report.")
    return report
