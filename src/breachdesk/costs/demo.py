"""Add costs to the OCO demo: the factors, realistic cost items, a daily report hour, and today's daily report.

Today's daily report is queued through the same path cron uses (``reports_daily_enqueue``), so it appears in the
report list once the worker runs.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from breachdesk.costs import services
from breachdesk.costs.models import CostCategory, CostItem, Pricing, QuantityMetric, TaxTreatment
from breachdesk.incidents.demo import DEMO_CODE
from breachdesk.incidents.models import Incident

ORDER = 50  # after the registry (10) and the obligations (20): the estimate needs the people and their items
DAILY_HOUR = 0  # the demo's daily report is due at once, so the worker of `make run` stores it on its first pass

ITEMS: list[dict[str, Any]] = [
    {
        "category": CostCategory.VOUCHER,
        "description": "お詫びのQUOカード 500円（影響を受けた会員全員）",
        "vendor": "株式会社クオカード",
        "pricing": Pricing.PER_UNIT,
        "unit_price_yen": 500,
        "unit": "人",
        "planned_quantity": Decimal(90_000),
        "quantity_metric": QuantityMetric.AFFECTED_PERSONS,
        "tax_treatment": TaxTreatment.EXEMPT,  # prepaid cards are not taxed on issue (非課税)
        "notes": "ベネッセ（2014年）・Yahoo! BB（2004年）と同額。",
    },
    {
        "category": CostCategory.POSTAGE,
        "description": "郵送によるお知らせ（メール不達の会員）",
        "vendor": "日本郵便株式会社",
        "pricing": Pricing.PER_UNIT,
        "unit_price_yen": 110,
        "unit": "通",
        "planned_quantity": Decimal(4_000),
        "quantity_metric": QuantityMetric.LETTERS_SENT,
        "tax_treatment": TaxTreatment.INCLUSIVE,
    },
    {
        "category": CostCategory.PRINTING,
        "description": "お知らせ文書の印刷・封入封緘",
        "vendor": "株式会社さくら印刷",
        "pricing": Pricing.PER_UNIT,
        "unit_price_yen": 45,
        "unit": "通",
        "planned_quantity": Decimal(4_000),
        "quantity_metric": QuantityMetric.LETTERS_SENT,
        "tax_treatment": TaxTreatment.EXCLUSIVE,
    },
    {
        "category": CostCategory.DESK_STAFFING,
        "description": "問い合わせ窓口の返信作成（GRシステム 営業部応援）",
        "vendor": "GRシステム株式会社",
        "pricing": Pricing.PER_UNIT,
        "unit_price_yen": 4_500,
        "unit": "時間",
        "planned_quantity": Decimal(600),
        "actual_quantity": Decimal("86.5"),
        "quantity_metric": QuantityMetric.STAFF_HOURS,
        "tax_treatment": TaxTreatment.EXCLUSIVE,
    },
    {
        "category": CostCategory.CALL_CENTER,
        "description": "専用コールセンター（30席・1か月）",
        "vendor": "株式会社ひまわりコンタクト",
        "pricing": Pricing.LUMP_SUM,
        "planned_amount_yen": 12_000_000,
        "tax_treatment": TaxTreatment.EXCLUSIVE,
    },
    {
        "category": CostCategory.FORENSICS,
        "description": "フォレンジック調査（会員DB・Webサーバー）",
        "vendor": "株式会社サイバーフォレンジック・ラボ",
        "pricing": Pricing.LUMP_SUM,
        "planned_amount_yen": 8_000_000,
        "actual_amount_yen": 3_500_000,
        "tax_treatment": TaxTreatment.EXCLUSIVE,
        "notes": "着手金。最終報告後に残額を請求予定。",
    },
    {
        "category": CostCategory.LEGAL,
        "description": "弁護士費用（報告書・お知らせ文面の確認）",
        "vendor": "みなと総合法律事務所",
        "pricing": Pricing.PER_UNIT,
        "unit_price_yen": 40_000,
        "unit": "時間",
        "planned_quantity": Decimal(40),
        "actual_quantity": Decimal(12),
        "tax_treatment": TaxTreatment.EXCLUSIVE,
    },
    {
        "category": CostCategory.PR,
        "description": "記者会見・お詫び広告（全国紙1紙）",
        "vendor": "株式会社あおぞら広告",
        "pricing": Pricing.LUMP_SUM,
        "planned_amount_yen": 2_500_000,
        "tax_treatment": TaxTreatment.EXCLUSIVE,
    },
    {
        "category": CostCategory.CARD_REISSUE,
        "description": "カード再発行手数料（カード会社からの請求見込み）",
        "vendor": "さくらカード株式会社 ほか",
        "pricing": Pricing.PER_UNIT,
        "unit_price_yen": 1_000,
        "unit": "枚",
        "planned_quantity": Decimal(500),
        "tax_treatment": TaxTreatment.EXCLUSIVE,
        "notes": "カード情報の漏えいは未確認。決済代行会社の調査結果次第で不要。",
    },
]


def build(*, log: Callable[[str], None]) -> None:
    """Set the demo incident's factors and cost items once, and queue today's daily report."""
    incident = Incident.objects.filter(code=DEMO_CODE).first()
    if incident is None:
        log(f"demo: no incident {DEMO_CODE}; costs skipped")
        return
    lead = get_user_model().objects.get(username="lead")
    with transaction.atomic():
        if not CostItem.objects.filter(incident=incident).exists():
            services.cost_settings_update(
                incident=incident,
                actor=lead,
                social_responsibility=1,
                social_responsibility_reason="中堅のチケット販売事業者であり、社会的責任度は通常（1）とする。",
                response_evaluation=1,
                response_evaluation_reason="検知当日に遮断し、窓口を開設済み。事後対応は適切（1）とする。",
                daily_report_hour=DAILY_HOUR,
            )
            for values in ITEMS:
                services.cost_item_create(incident=incident, actor=lead, **values)
            log(f"demo: {len(ITEMS)} cost items for {DEMO_CODE}")
    queued = services.reports_daily_enqueue(now=timezone.now())
    log(f"demo: queued {len(queued)} daily executive report(s); the worker renders them")
