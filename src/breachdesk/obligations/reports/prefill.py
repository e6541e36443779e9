"""Prefill a regulator report from the incident, the registry, the verdicts and the report item providers.

The nine items of Rule 8(1) (and Rule 9 for the notice to the principal) are written in Japanese whatever the UI
language, because they are copied into the PPC's form. The GDPR version follows Art. 33(3).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.utils import timezone

from breachdesk.obligations.engine import Evaluation
from breachdesk.obligations.providers import provided_text
from breachdesk.obligations.vocabulary import (
    CAUSE_LABELS_JA,
    EVENT_LABELS_JA,
    ITEM_LABELS_JA,
    SENSITIVE_ITEMS,
)

if TYPE_CHECKING:
    from breachdesk.incidents.models import Incident
    from breachdesk.obligations.facts import FactSheet

# Rule 8(1): the nine items, in order.
JP_ITEMS: tuple[tuple[str, str], ...] = (
    ("summary", "概要"),
    ("items", "漏えい等が発生し、又は発生したおそれがある個人データの項目"),
    ("persons", "本人の数"),
    ("cause", "原因"),
    ("secondary_harm", "二次被害又はそのおそれの有無及びその内容"),
    ("individual_response", "本人への対応の実施状況"),
    ("publication", "公表の実施状況"),
    ("prevention", "再発防止のための措置"),
    ("other", "その他参考となる事項"),
)
# GDPR Art. 33(3), plus the reasons for a late notice (Art. 33(1)).
EU_ITEMS: tuple[tuple[str, str], ...] = (
    ("nature", "(a) Nature of the breach, categories and approximate numbers of data subjects and records"),
    ("contact", "(b) Name and contact details of the DPO or other contact point"),
    ("consequences", "(c) Likely consequences of the breach"),
    ("measures", "(d) Measures taken or proposed, including to mitigate its possible adverse effects"),
    ("delay", "Reasons for the delay, if notified after 72 hours (Art. 33(1))"),
)
KIND_TITLES_JA = {
    "preliminary": "速報",
    "final": "確報",
    "to_principal": "委託元への通知",
    "authority": "監督機関への通知",
}
CATEGORY_NUMBERS = {"sensitive": 1, "financial": 2, "malicious": 3, "over_1000": 4}


def item_headings(jurisdiction: str) -> tuple[tuple[str, str], ...]:
    """Return the (key, heading) pairs of a report of ``jurisdiction``."""
    return JP_ITEMS if jurisdiction == "JP" else EU_ITEMS


def ja_datetime(moment: datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日 {local.hour}時{local.minute:02d}分"


def ja_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def category_articles(categories: list[str] | tuple[str, ...]) -> str:
    """Return ``施行規則第7条第3号・第4号`` for the categories, or an empty string."""
    numbers = sorted(CATEGORY_NUMBERS[c] for c in categories)
    return "施行規則第7条" + "・".join(f"第{n}号" for n in numbers) if numbers else ""


@dataclass(frozen=True)
class Context:
    incident: Incident
    sheet: FactSheet
    evaluation: Evaluation


def _provided(item: str, ctx: Context, default: str) -> str:
    return provided_text(item, ctx.incident) or default


def _jp_summary(ctx: Context) -> str:
    incident, facts = ctx.incident, ctx.sheet.facts
    event = EVENT_LABELS_JA.get(facts.event, facts.event) + ("のおそれ" if facts.suspected else "")
    text = (
        f"{incident.organisation}は、{ja_datetime(incident.found_at)}、{CAUSE_LABELS_JA.get(facts.cause, facts.cause)}"
        f"による個人データの{event}を発見し、{ja_datetime(incident.aware_at)}に当該事態を知った。"
    )
    if incident.description:
        text += "\n" + incident.description.strip()
    return text


def _jp_items(ctx: Context) -> str:
    items = ctx.sheet.facts.items
    if not items:
        return "調査中（対象者名簿の確定後に報告する）。"
    labels = [label for key, label in ITEM_LABELS_JA.items() if key in items]
    text = "、".join(labels)
    if items & SENSITIVE_ITEMS:
        text += "（要配慮個人情報を含む）"
    return text


def _jp_persons(ctx: Context) -> str:
    facts = ctx.sheet.facts
    if not facts.persons:
        return "調査中（対象者名簿の確定後に報告する）。"
    text = f"{facts.persons:,}人"
    return text + "（漏えいのおそれがある者を含む）" if facts.suspected else text


def _jp_cause(ctx: Context) -> str:
    incident, facts = ctx.incident, ctx.sheet.facts
    text = f"{CAUSE_LABELS_JA.get(facts.cause, facts.cause)}。"
    if incident.affected_systems:
        text += f"対象システム: {incident.affected_systems.strip()}。"
    return text + "詳細な原因は調査中。"


def _jp_response(ctx: Context) -> str:
    jp = ctx.evaluation.jp
    if jp is None or not jp.notify_individuals:
        return "本人への通知の要否を確認中。"
    text = "対象となる本人への通知を準備中。"
    if jp.substitute_notice_allowed:
        text += "連絡先が不明な本人については、公表及び問い合わせ窓口の設置による代替措置を講じる予定。"
    return text


def _jp_other(ctx: Context) -> str:
    from breachdesk.incidents.models import StakeholderKind, StakeholderStatus
    from breachdesk.incidents.selectors import stakeholder_list

    lines = []
    jp = ctx.evaluation.jp
    if jp is not None and jp.categories:
        lines.append(f"該当する事態: {category_articles(jp.categories)}")
    if ctx.incident.principal:
        lines.append(f"委託元: {ctx.incident.principal}")
    for police in stakeholder_list(incident=ctx.incident, kind=StakeholderKind.POLICE):
        if police.status != StakeholderStatus.NOT_CONTACTED:
            lines.append(f"警察（{police.name}）に相談済み。")
    if jp is not None:
        lines.extend(jp.legal_review)
    provided = provided_text("other", ctx.incident)
    if provided:
        lines.append(provided)
    return "\n".join(lines) or "特になし。"


def _jp_content(ctx: Context) -> dict[str, str]:
    return {
        "summary": _jp_summary(ctx),
        "items": _jp_items(ctx),
        "persons": _jp_persons(ctx),
        "cause": _jp_cause(ctx),
        "secondary_harm": _provided(
            "secondary_harm", ctx, "現時点で二次被害又はそのおそれは確認されていない。引き続き監視している。"
        ),
        "individual_response": _provided("individual_response", ctx, _jp_response(ctx)),
        "publication": _provided("publication", ctx, "公表の要否及び時期を検討中。"),
        "prevention": _provided("prevention", ctx, "原因の調査結果を踏まえて再発防止策を策定する（検討中）。"),
        "other": _jp_other(ctx),
    }


def _eu_content(ctx: Context) -> dict[str, str]:
    facts, eu = ctx.sheet.facts, ctx.evaluation.eu
    items = ", ".join(sorted(facts.items)) or "under investigation"
    nature = (
        f"{facts.event.capitalize()}{' (suspected)' if facts.suspected else ''} of personal data caused by "
        f"{facts.cause.replace('_', ' ')}. Categories of data: {items}. Approximate number of data subjects: "
        f"{facts.persons:,}; approximate number of records: {facts.persons:,}."
    )
    consequences = "Under assessment."
    if eu is not None:
        consequences = (
            f"ENISA severity {eu.severity.score:.2f} ({eu.severity.level.replace('_', ' ')}): "
            f"DPC {eu.severity.dpc} × EI {eu.severity.ei} + CB {eu.severity.cb:.2f}."
        )
    return {
        "nature": nature,
        "contact": "[Name and contact details of the DPO or other contact point]",
        "consequences": consequences,
        "measures": provided_text("prevention", ctx.incident) or "Containment done; measures under review.",
        "delay": "",
    }


def report_prefill(
    *, incident: Incident, jurisdiction: str, kind: str, sheet: FactSheet, evaluation: Evaluation
) -> dict[str, str]:
    """Return the prefilled items of a new report, keyed as in ``item_headings(jurisdiction)``."""
    ctx = Context(incident=incident, sheet=sheet, evaluation=evaluation)
    return _jp_content(ctx) if jurisdiction == "JP" else _eu_content(ctx)


def report_meta(
    *, incident: Incident, jurisdiction: str, kind: str, evaluation: Evaluation | None
) -> list[tuple[str, str]]:
    """Return the header lines of an export, in the order of the PPC online form (or Art. 33 for the EU)."""
    if jurisdiction == "JP":
        rows = [
            ("報告の区分", KIND_TITLES_JA.get(kind, kind)),
            ("報告者（事業者の名称）", incident.organisation),
            ("事態の発覚日", ja_date(timezone.localtime(incident.found_at).date())),
            ("事態を知った日", ja_date(timezone.localtime(incident.aware_at).date())),
        ]
        if kind == "to_principal" and incident.principal:
            rows.append(("委託元", incident.principal))
        jp = evaluation.jp if evaluation else None
        if jp is not None and jp.categories:
            rows.append(("該当する事態", category_articles(jp.categories)))
        return rows
    rows = [
        ("Report", "Notification to the controller (Art. 33(2))" if kind == "to_principal" else "Art. 33 notification")
    ]
    rows += [
        ("Organisation", incident.organisation),
        ("Became aware", timezone.localtime(incident.aware_at).isoformat()),
    ]
    return rows
