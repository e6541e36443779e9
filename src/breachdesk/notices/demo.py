"""Fill the OCO demo's public voice: 第1報 approved but not yet published, the FAQ, briefings and a press draft.

The decision: 第1報 is left as an **approved draft**. The readiness checklist shows why it waits, as the league in the
case study waited a month: two card companies are not briefed yet, the desk's mailbox is not connected and the
compensation answer is still with legal. The lead can publish from the notice page, confirming each open item.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

ORDER = 60

TITLE = "不正アクセスによるお客様情報流出の可能性に関するお詫びとお知らせ"
BODY = """このたび、当社が運営するチケット販売サイト「オールチケットオンライン」（以下「本サイト」）において、第三者による不正アクセスを受け、会員さまの個人情報が流出した可能性があることが判明しました。

会員の皆さまには多大なご迷惑とご心配をおかけしますことを、深くお詫び申し上げます。

## 1. 経緯
2026年3月2日、本サイトのサーバーに不審な通信があることを検知し、調査を開始しました。外部の専門機関による調査の結果、会員情報のデータベースに不正にアクセスされた形跡が確認されました。

## 2. 流出した可能性のある情報
対象：会員さま 約90,000名

- 氏名、メールアドレス、電話番号、住所、生年月日
- 購入履歴

クレジットカード情報は、本サイトでは保持しておりません。

## 3. 原因
本サイトで使用していたソフトウェアの脆弱性を突かれたことによるものです。

## 4. 当社の対応
1. 不正アクセスの経路を遮断し、脆弱性を修正しました。
2. 個人情報保護委員会に報告し、警察に相談しています。
3. 対象の会員さまには、メールまたは郵送で個別にご連絡します。
4. 専用のお問い合わせ窓口を設置しました。

## 5. 会員の皆さまへのお願い
当社を装った不審なメールや電話にご注意ください。当社からパスワードやカード番号をお尋ねすることはありません。

## 6. ご自身が対象かの確認
このページの「自分が対象か確認する」から、ご登録のメールアドレスまたは会員IDと生年月日でご確認いただけます。結果はご登録のメールアドレスにお送りします。

今後、新たな事実が判明した場合は、続報としてお知らせします。
"""  # noqa: E501 - Markdown paragraphs stay on one line: a break would show as a space in Japanese

# (FAQ key, question, desk block key, approve?)
FAQ = [
    ("affected-check", "自分の情報が対象か知りたい", "affected_check", True),
    ("leaked-items", "どの情報が流出したのですか", "leaked_items", True),
    ("protective-advice", "何に気をつければよいですか", "protective_advice", True),
    ("secondary-damage", "被害にあった場合はどうすればよいですか", "secondary_damage", True),
    ("compensation", "補償はありますか", "compensation", False),  # still with legal: an open readiness item
]


def build(*, log: Callable[[str], None]) -> None:
    """Create the demo notice, FAQ, briefings and press draft unless the OCO incident already has notices."""
    from django.contrib.auth import get_user_model

    from breachdesk.incidents.demo import DEMO_CODE
    from breachdesk.incidents.models import Incident, StakeholderKind
    from breachdesk.incidents.selectors import stakeholder_list
    from breachdesk.notices import press, readiness, services, stakeholders
    from breachdesk.notices.models import Notice

    incident = Incident.objects.filter(code=DEMO_CODE).first()
    if incident is None:
        log("demo: notices skipped, the OCO incident does not exist")
        return
    if Notice.objects.filter(incident=incident).exists():
        log("demo: the notices are already loaded")
        return
    users: dict[str, Any] = get_user_model().objects.in_bulk(["lead", "pr", "legal"], field_name="username")
    pr, legal, lead = users["pr"], users["legal"], users["lead"]
    notice = services.notice_create(incident=incident, actor=pr, title=TITLE, body=BODY)
    notice = services.notice_approve(notice=notice, actor=legal)
    for key, question, block_key, approve in FAQ:
        has_block = services.answer_block_current(incident, block_key) is not None
        entry = services.faq_save(
            incident=incident,
            actor=pr,
            key=key,
            question=question,
            answer=None if has_block else "現在確認中です。確定しだいこのページでお知らせします。",
            block_key=block_key if has_block else "",
            order=len(FAQ),
        )
        if approve:
            services.faq_approve(entry=entry, actor=legal)
    card = stakeholder_list(incident=incident, kind=StakeholderKind.CARD_COMPANY).order_by("name").first()
    if card is not None:
        briefing = stakeholders.briefing_prepare(stakeholder=card, actor=lead)
        stakeholders.briefing_mark_sent(briefing=briefing, actor=lead)
    statement = press.press_statement_draft(notice=notice, actor=pr)
    press.press_title_decide(
        statement=statement,
        actor=pr,
        title="不正アクセスによるお客様情報流出の可能性に関するお詫びとお知らせ",
        alternatives=["個人情報流出のお知らせ", "当社サイトへの不正アクセスについて"],
        reason="事実（可能性）と謝罪を一文で示し、「流出」と断定しないため（法務確認済み）",
    )
    items = readiness.readiness_evaluate(incident=incident)
    waiting = ", ".join(item.key for item in readiness.open_items(items))
    log(f"demo: 第1報 approved, not published; readiness open: {waiting or 'none'}")
