"""Add the OCO demo's notice: an approved Japanese template (APPI Rule 10 contents) and an approved campaign.

The campaign is left approved but not started, on purpose: `make run` also starts a worker, and a started demo
campaign would try to mail 90,000 invented addresses. The lead starts it from the campaign page to see the fan-out
(90,000 deliveries in about a second) and the worker at work against whatever SMTP relay EMAIL_HOST names.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.db import transaction

from breachdesk.campaigns import services
from breachdesk.campaigns.models import Campaign, Channel

ORDER = 40
TEMPLATE_NAME = "第1報 個人情報漏えいに関するお詫びとお知らせ"
SUBJECT = "【重要】{{ incident.organisation }}より 個人情報漏えいに関するお詫びとお知らせ"
BODY = """{{ person.name }} 様

平素より{{ incident.organisation }}をご利用いただき、誠にありがとうございます。

このたび、当社が運営するサービスにおいて、第三者による不正アクセスを受け、お客様の個人情報が
漏えいしたおそれがあることが判明いたしました。多大なるご迷惑とご心配をおかけしますことを、心より深くお詫び申し上げます。

1. 概要
{{ incident.found_date|date:"Y年n月j日" }}、当社システムへの不正なアクセスを確認し、
調査の結果、会員情報が外部に流出したおそれがあることが判明しました。

2. 漏えいしたおそれのある{{ person.name }}様の情報
{% for item in items %}・{{ item }}
{% endfor %}
3. 原因
{{ incident.cause }}。現在、外部の専門機関と調査を進めております。

4. 二次被害又はそのおそれ
現時点で、本件に起因する二次被害は確認されておりません。今後、当社を装った不審なメールや電話、
身に覚えのない請求にご注意ください。当社からパスワードやカード情報をお尋ねすることはありません。

5. その他
パスワードを他のサービスでもお使いの場合は、念のため変更をお願いいたします。
本件の詳細は当社ウェブサイトのお知らせ（{{ links.notice }}）でご確認いただけます。
ご自身が対象かどうかは {{ links.selfcheck }} でも確認いただけます。

【お問い合わせ窓口】
{{ desk.name }}
電話：{{ desk.phone }}（{{ desk.hours }}）
メール：{{ desk.email }}

{{ incident.organisation }}
"""


def build(*, log: Callable[[str], None]) -> None:
    """Create the demo template and campaign unless the demo incident already has them."""
    from breachdesk.incidents.demo import DEMO_CODE
    from breachdesk.incidents.models import Incident

    incident = Incident.objects.filter(code=DEMO_CODE).first()
    if incident is None:
        log("demo: campaigns skipped, the OCO incident does not exist")
        return
    if Campaign.objects.filter(incident=incident).exists():
        log("demo: the campaigns are already loaded")
        return
    users = get_user_model().objects.in_bulk(["pr", "legal"], field_name="username")
    pr, legal = users.get("pr"), users.get("legal")
    if pr is None or legal is None:
        log("demo: campaigns skipped, the demo users pr and legal are missing")
        return
    with transaction.atomic():
        template = services.template_create(
            incident=incident, actor=pr, name=TEMPLATE_NAME, subject=SUBJECT, body_text=BODY
        )
        services.template_approve(template=template, actor=legal, version_number=1)
        campaign = services.campaign_create(
            incident=incident,
            actor=pr,
            name="第1報 個別通知（メール、届かない方には郵送）",
            template=template,
            channel=Channel.EMAIL_POSTAL_FALLBACK,
            audience={"affected_only": True},
            throttle_per_second=50,
            desk_name="オールチケットオンライン 個人情報お問い合わせ窓口",
            desk_email="support@oco.example.jp",
            desk_phone="0120-000-000",
            desk_hours="平日 10:00〜18:00",
            notice_url="https://oco.example.jp/notice/2026-03",
            selfcheck_url="https://oco.example.jp/check",
            from_email="notice@oco.example.jp",
        )
        services.campaign_approve(campaign=campaign, actor=legal)
    log("demo: notice template approved by legal; campaign approved, waiting for the lead to start it")
