"""Render the executive summary as a Japanese A4 PDF with WeasyPrint (fonts: Debian fonts-noto-cjk).

The charts are server-side SVG (``costs.svg``); the text is Japanese whatever the language of the person asking.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone, translation

from breachdesk.costs import charts, svg
from breachdesk.costs.summary import Summary, summary_build
from breachdesk.incidents.models import Incident
from breachdesk.registry import items as vocabulary

CLOCK_JA = {
    "jp-preliminary": "速報（個人情報保護委員会）",
    "jp-final": "確報（個人情報保護委員会）",
    "jp-to-principal": "委託元への通知",
    "eu-authority": "EU監督機関への通知（72時間）",
}
CLOCK_SHORT_JA = {
    "jp-preliminary": "速報",
    "jp-final": "確報",
    "jp-to-principal": "委託元へ",
    "eu-authority": "EU監督機関",
}
STATE_JA = {"ok": "余裕あり", "amber": "24時間以内", "red": "期限超過", "done": "提出済み"}
STAKEHOLDER_STATUS_JA = {
    "not_contacted": "未連絡",
    "contacted": "連絡済み",
    "briefed": "説明済み",
    "acknowledged": "了承済み",
    "closed": "完了",
}
PROGRESS_JA = {
    "total": "対象",
    "sent": "送信済み",
    "failed": "失敗",
    "uncertain": "不確定",
    "postal": "郵送",
    "pending": "未送信",
}
BACKLOG_JA = {
    "open": "未回答",
    "overdue": "SLA超過",
    "sla_hours": "SLA（時間）",
    "answered_within_sla_percent": "SLA内回答率（%）",
}
DELETION_JA = {"received": "受付", "done": "完了", "open": "対応中"}
CATEGORY_JA = {
    "voucher": "お詫び品（金券）",
    "postage": "郵送料",
    "printing": "印刷",
    "desk_staffing": "窓口人件費",
    "call_center": "コールセンター",
    "forensics": "フォレンジック調査",
    "legal": "法務・弁護士",
    "pr": "広報",
    "card_reissue": "カード再発行",
    "other": "その他",
}
CHART_TITLES_JA = {
    "inquiries_per_day": "ラベル別 日次問い合わせ件数",
    "notification_progress": "通知の進捗（累計）",
    "backlog_ages": "未回答の経過時間",
    "deadlines": "期限のタイムライン（認識時点からの日数）",
}


def _rows(values: dict[str, Any] | None, names: dict[str, str]) -> list[tuple[str, Any]] | None:
    if values is None:
        return None
    return [(names.get(k, k), v) for k, v in values.items()]


def chart_svgs(summary: Summary) -> list[dict[str, Any]]:
    """Return the four charts as SVG markup (or ``None`` with the reason), titled in Japanese."""
    out = []
    for key, chart in summary.charts.items():
        title = CHART_TITLES_JA[key]
        chart = charts.relabel(chart, charts.SERIES_LABELS_JA, charts.BUCKET_LABELS_JA)
        if key == "deadlines" and chart is not None:
            chart = {**chart, "labels": [CLOCK_SHORT_JA.get(c.key, str(c.label)) for c in summary.deadlines]}
        if chart is None:
            out.append({"key": key, "title": title, "svg": None})
        elif key == "deadlines":
            out.append(
                {"key": key, "title": title, "svg": svg.deadline_bars(chart, title, now_label="現在", unit="日")}
            )
        elif key == "notification_progress":
            out.append({"key": key, "title": title, "svg": svg.lines(chart, title)})
        else:
            out.append({"key": key, "title": title, "svg": svg.stacked_bars(chart, title)})
    return out


def summary_context(summary: Summary) -> dict[str, Any]:
    estimate = summary.estimate
    return {
        "s": summary,
        "incident": summary.incident,
        "now_local": timezone.localtime(summary.now),
        "deadlines": [
            {
                "label": CLOCK_JA.get(c.key, str(c.label)),
                "due": c.due,
                "state": c.state,
                "state_ja": STATE_JA.get(c.state, c.state),
            }
            for c in summary.deadlines
        ],
        "notification": _rows(summary.notification, PROGRESS_JA),
        "backlog": _rows(summary.backlog, BACKLOG_JA),
        "deletion": _rows(summary.deletion, DELETION_JA),
        "stakeholder_rows": [
            (STAKEHOLDER_STATUS_JA.get(k, k), n) for k, n in sorted(summary.stakeholders["by_status"].items())
        ],
        "groups": [
            {"group": g, "labels": "・".join(vocabulary.ITEMS[k].label_ja for k in g.items)}
            for g in estimate.groups[:5]
        ],
        "cost_rows": [{**row, "label": CATEGORY_JA.get(row["key"], row["label"])} for row in summary.costs.by_category],
        "more_groups": max(len(estimate.groups) - 5, 0),
        "charts": chart_svgs(summary),
    }


def summary_html(summary: Summary) -> str:
    with translation.override("ja"):
        return render_to_string("costs/pdf/summary.html", summary_context(summary))


def html_to_pdf(html: str) -> tuple[bytes, int]:
    """Return the PDF bytes and page count of ``html``; nothing is fetched from the network."""
    # Imported here, not at the top: WeasyPrint (and pango under it) is heavy and only rendering needs it.
    from weasyprint import HTML

    def no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise ValueError(f"the executive PDF fetches nothing: {url[:60]}")

    document = HTML(string=html, url_fetcher=no_fetch).render()
    return document.write_pdf(), len(document.pages)


def summary_pdf(*, incident: Incident, now: datetime) -> tuple[bytes, int]:
    """Return the executive summary of ``incident`` as of ``now`` as PDF bytes and its page count."""
    return html_to_pdf(summary_html(summary_build(incident=incident, now=now)))
