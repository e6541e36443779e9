"""Create the notices app's sample objects for the shared ``world`` fixture (directly, without timeline events)."""

from __future__ import annotations

from typing import Any

from breachdesk.incidents.models import Incident
from breachdesk.notices.models import FaqEntry, Notice


def sample_notices(*, incident: Incident, actor: Any) -> tuple[Notice, FaqEntry]:
    """Return a draft notice and a draft FAQ entry of ``incident``; nothing is published, so the page stays 404."""
    notice = Notice.objects.create(
        incident=incident,
        title="不正アクセスによる個人情報漏えいのお知らせ",
        body="## 概要\n調査中です。",
        author=actor,
    )
    faq = FaqEntry.objects.create(
        incident=incident, key="affected-check", question="自分が対象か知りたい", answer="確認ページをご利用ください。"
    )
    return notice, faq
