"""Prepare and track what each stakeholder is told: packs per kind, briefings, and the card companies' list.

Card companies get the affected card count, what is known of BIN ranges (the registry stores card data only as item
flags, so the pack says that no BIN data is held), masked samples, the time window and a contact. The principal gets
the Rule 9 items, the police a case summary, partners and the press a statement drawn from the latest notice.

The stakeholders themselves (the list, their status, the CSV import of the card companies) belong to the incidents
app; this module reads them through its selectors and changes them through its services. The packs stay here because
they are built from the registry, the obligations and the notices. Status follows the incidents app: 未連絡 (to brief)
→ briefed → acknowledged, through its ``stakeholder_set_status``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from breachdesk.core.roles import Capability, role_can
from breachdesk.incidents import services as incident_services
from breachdesk.incidents.models import Incident, Stakeholder, StakeholderKind, StakeholderStatus
from breachdesk.incidents.selectors import incident_lead, membership_role
from breachdesk.notices import events
from breachdesk.notices.errors import NotAllowed, NoticeStateError
from breachdesk.notices.models import BriefingStatus, Notice, NoticeStatus, StakeholderBriefing
from breachdesk.notices.rendering import markdown_text
from breachdesk.notices.selectors import desk_info

CARD_ITEMS = ("card_number", "card_expiry", "card_security_code")
SAMPLES = 5


def require_manager(incident: Incident, actor: User) -> None:
    if not role_can(membership_role(user=actor, incident=incident), Capability.MANAGE_STAKEHOLDERS):
        raise NotAllowed("Only the lead or PR may prepare stakeholder packs.")


@dataclass
class Pack:
    """A stakeholder pack: a title and sections of Japanese text (copied into letters and mails)."""

    kind: str
    title: str
    sections: list[tuple[str, str]] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)

    def as_text(self) -> str:
        parts = [self.title, "=" * 20]
        for heading, text in self.sections:
            parts += ["", f"■ {heading}", text]
        return "\n".join(parts).strip() + "\n"


def _local(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y年%m月%d日 %H:%M") if moment else "未確定"


def _counts(incident: Incident) -> dict[str, Any]:
    from breachdesk.registry.selectors import registry_counts

    return registry_counts(incident=incident)


def _items_text(counts: dict[str, Any]) -> str:
    from breachdesk.registry import items as vocabulary

    rows = [f"・{vocabulary.ITEMS[row['key']].label_ja}：{row['count']:,}名" for row in counts["by_item"]]
    return "\n".join(rows) or "調査中"


def desk_contact(incident: Incident) -> str:
    lead = incident_lead(incident=incident)
    desk = desk_info(incident=incident)
    lines = [f"{incident.organisation} 事故対応責任者"]
    if lead is not None:
        lines.append(f"担当：{lead.user.get_full_name() or lead.user.get_username()}")
    if desk.get("address"):
        lines.append(f"窓口：{desk['address']}（{desk.get('hours', '')}）")
    return "\n".join(lines)


def _latest_notice(incident: Incident) -> Notice | None:
    notice = Notice.objects.filter(incident=incident, status=NoticeStatus.PUBLISHED).order_by("-number").first()
    return notice or Notice.objects.filter(incident=incident, status=NoticeStatus.APPROVED).order_by("-id").first()


def _masked_samples(incident: Incident, bit: int) -> list[str]:
    from breachdesk.registry.masking import mask
    from breachdesk.registry.models import Person

    people = (
        Person.objects.filter(incident=incident, affected=True)
        .alias(has=F("items").bitand(bit))
        .filter(has=bit)
        .order_by("id")[:SAMPLES]
    )
    return [
        f"{mask('member_id', person.member_id) or '—'} / {mask('name', person.name)} / {mask('email', person.email)}"
        for person in people
    ]


def _card_pack(incident: Incident, counts: dict[str, Any]) -> Pack:
    from breachdesk.registry import items as vocabulary

    by_item = {row["key"]: row["count"] for row in counts["by_item"]}
    card_count = max((by_item.get(key, 0) for key in CARD_ITEMS), default=0)
    bit = 0
    for key in CARD_ITEMS:
        bit |= vocabulary.BITS[key]
    samples = _masked_samples(incident, vocabulary.BITS["card_number"]) if card_count else []
    card_items = "、".join(vocabulary.ITEMS[k].label_ja for k in CARD_ITEMS if by_item.get(k)) or "なし"
    pack = Pack(
        StakeholderKind.CARD_COMPANY, f"【ご連絡】{incident.organisation}におけるカード情報漏えいの可能性について"
    )
    pack.sections = [
        ("概要", f"{incident.title}\n{incident.description or ''}".strip()),
        (
            "対象となるカードの件数",
            f"{card_count:,}件（漏えい項目：{card_items}）"
            if card_count
            else "登録簿上、カード情報が漏えいした本人は確認されていません。",
        ),
        (
            "BIN（発行者識別番号）の範囲",
            "当社の登録簿はカード情報を項目の有無としてのみ保持しており、カード番号および BIN を保持していません。"
            "BIN の範囲はお示しできません。カード番号の照合が必要な場合は、決済代行事業者経由でご確認ください。",
        ),
        ("対象者の例（マスク済み）", "\n".join(samples) if samples else "該当なし"),
        (
            "対象期間",
            f"発覚：{_local(incident.found_at)}\n認知：{_local(incident.aware_at)}\n"
            "不正アクセスの開始時期は調査中です。確定しだいお知らせします。",
        ),
        ("連絡先", desk_contact(incident)),
    ]
    pack.facts = {"card_count": card_count, "bin_data": False, "samples": len(samples)}
    return pack


def _principal_pack(incident: Incident, counts: dict[str, Any]) -> Pack:
    pack = Pack(StakeholderKind.PRINCIPAL, f"【ご報告】個人データの漏えい等に関するご報告（{incident.organisation}）")
    try:
        from breachdesk.obligations.engine import evaluate
        from breachdesk.obligations.facts import incident_facts
        from breachdesk.obligations.reports.prefill import JP_ITEMS, report_prefill

        sheet = incident_facts(incident=incident)
        content = report_prefill(
            incident=incident, jurisdiction="JP", kind="to_principal", sheet=sheet, evaluation=evaluate(sheet.facts)
        )
        pack.sections = [(heading, content.get(key, "") or "調査中") for key, heading in JP_ITEMS]
    except Exception:
        pack.sections = [
            ("概要", incident.description or incident.title),
            ("漏えい等が発生し、又は発生したおそれがある個人データの項目", _items_text(counts)),
            ("本人の数", f"{counts['affected']:,}名"),
            ("原因", incident.get_cause_display()),
            ("二次被害又はそのおそれの有無及びその内容", "調査中"),
        ]
    pack.sections.append(("連絡先", desk_contact(incident)))
    pack.facts = {"persons": counts["affected"]}
    return pack


def _police_pack(incident: Incident, counts: dict[str, Any]) -> Pack:
    pack = Pack(StakeholderKind.POLICE, f"【事案概要】{incident.organisation} 不正アクセス等事案")
    pack.sections = [
        ("事業者", incident.organisation),
        ("事案", incident.title),
        ("原因（現時点）", incident.get_cause_display()),
        ("発覚日時・認知日時", f"{_local(incident.found_at)} / {_local(incident.aware_at)}"),
        ("影響を受けたシステム", incident.affected_systems or "調査中"),
        ("被害の規模", f"登録者 {counts['total']:,}名のうち {counts['affected']:,}名\n{_items_text(counts)}"),
        ("経緯", incident.description or "調査中"),
        ("連絡先", desk_contact(incident)),
    ]
    pack.facts = {"persons": counts["affected"]}
    return pack


def _statement_pack(incident: Incident, kind: str) -> Pack:
    notice = _latest_notice(incident)
    pack = Pack(kind, notice.title if notice else f"{incident.organisation}からのお知らせ")
    body = markdown_text(notice.body) if notice else "公表文は準備中です。"
    pack.sections = [("ステートメント", body), ("連絡先", desk_contact(incident))]
    pack.facts = {"notice": notice.pk if notice else None, "notice_status": notice.status if notice else None}
    return pack


def stakeholder_pack(*, stakeholder: Stakeholder) -> Pack:
    """Return the pack for ``stakeholder``'s kind, built from the incident and the registry's aggregates."""
    incident = stakeholder.incident
    if stakeholder.kind == StakeholderKind.CARD_COMPANY:
        return _card_pack(incident, _counts(incident))
    if stakeholder.kind == StakeholderKind.PRINCIPAL:
        return _principal_pack(incident, _counts(incident))
    if stakeholder.kind in (StakeholderKind.POLICE, StakeholderKind.REGULATOR):
        return _police_pack(incident, _counts(incident))
    return _statement_pack(incident, stakeholder.kind)


def briefing_prepare(*, stakeholder: Stakeholder, actor: User) -> StakeholderBriefing:
    """Keep the current pack as a briefing document for ``stakeholder``."""
    require_manager(stakeholder.incident, actor)
    pack = stakeholder_pack(stakeholder=stakeholder)
    with transaction.atomic():
        briefing = StakeholderBriefing.objects.create(
            incident=stakeholder.incident,
            stakeholder=stakeholder,
            kind=stakeholder.kind,
            title=pack.title[:300],
            body=pack.as_text(),
            prepared_by=actor,
        )
        events.briefing_prepared_event(briefing=briefing, actor=actor)
    return briefing


def briefing_mark_sent(*, briefing: StakeholderBriefing, actor: User) -> StakeholderBriefing:
    """Record that the document went out; the stakeholder becomes briefed."""
    require_manager(briefing.incident, actor)
    if briefing.status != BriefingStatus.DRAFT:
        raise NoticeStateError("This briefing was already sent.")
    with transaction.atomic():
        briefing.status = BriefingStatus.SENT
        briefing.sent_at, briefing.sent_by = timezone.now(), actor
        briefing.save(update_fields=["status", "sent_at", "sent_by", "updated_at"])
        events.briefing_sent_event(briefing=briefing, actor=actor)
        stakeholder = briefing.stakeholder
        if stakeholder.status not in (StakeholderStatus.BRIEFED, StakeholderStatus.ACKNOWLEDGED):
            incident_services.stakeholder_set_status(
                stakeholder=stakeholder, actor=actor, status=StakeholderStatus.BRIEFED
            )
    return briefing


def briefing_acknowledge(*, briefing: StakeholderBriefing, actor: User) -> StakeholderBriefing:
    """Record that the stakeholder acknowledged the document."""
    require_manager(briefing.incident, actor)
    if briefing.status != BriefingStatus.SENT:
        raise NoticeStateError("Only a sent briefing can be acknowledged.")
    with transaction.atomic():
        briefing.status = BriefingStatus.ACKNOWLEDGED
        briefing.acknowledged_at = timezone.now()
        briefing.save(update_fields=["status", "acknowledged_at", "updated_at"])
        events.briefing_acknowledged_event(briefing=briefing, actor=actor)
        incident_services.stakeholder_set_status(
            stakeholder=briefing.stakeholder, actor=actor, status=StakeholderStatus.ACKNOWLEDGED
        )
    return briefing
