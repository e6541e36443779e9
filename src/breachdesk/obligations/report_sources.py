"""Fill the regulator report's items 5–7 from the desk, the campaigns and the notices, through their metrics."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import F

from breachdesk.obligations.providers import register_report_item_provider

if TYPE_CHECKING:
    from breachdesk.incidents.models import Incident


def secondary_harm_text(incident: Incident) -> str | None:
    """Return how many inquiries report possible secondary harm (spam, calls, card fraud, hijacked accounts)."""
    from breachdesk.inquiries.labels import BITS
    from breachdesk.inquiries.models import Inquiry

    bit = BITS["secondary_damage"]
    count = Inquiry.objects.filter(incident=incident).alias(hit=F("label_bits").bitand(bit)).filter(hit=bit).count()
    if not count:
        return None
    return (
        f"窓口に二次被害のおそれ（迷惑メール、不審な電話、不正利用、アカウント乗っ取り等）の申告が{count:,}件寄せられている。"
        "漏えいとの関連を調査中。"
    )


def individual_response_text(incident: Incident) -> str | None:
    """Return the progress of the individual notices."""
    from breachdesk.costs.sources import metric

    progress = metric("notification_progress", incident)
    if not progress or not progress.get("total"):
        return None
    return (
        f"対象者{progress['total']:,}件に個別通知を実施中：メール送信済み{progress['sent']:,}件、郵送{progress['postal']:,}件、"
        f"不達{progress['failed']:,}件、確認中{progress['uncertain']:,}件、未送信{progress['pending']:,}件。"
    )


def publication_text(incident: Incident) -> str | None:
    """Return the notices published so far."""
    from breachdesk.costs.sources import metric

    notices = metric("notices_published", incident)
    if not notices:
        return None
    parts = [f"第{n['number']}報「{n['title']}」（{(n['published_at'] or '')[:10]}）" for n in notices]
    return "自社ウェブサイトにて公表済み：" + "、".join(parts) + "。"


def register() -> None:
    register_report_item_provider("secondary_harm", key="inquiries", provider=secondary_harm_text)
    register_report_item_provider("individual_response", key="campaigns", provider=individual_response_text)
    register_report_item_provider("publication", key="notices", provider=publication_text)
