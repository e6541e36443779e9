"""Open the public page in headless Chromium on a phone-sized screen, then take the self-check as a visitor would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from breachdesk.notices import services
from breachdesk.notices.selfcheck import selfcheck_process_batch
from breachdesk.notices.tests.conftest import approved_notice, publish
from breachdesk.testing.fixtures import World

pytestmark = [pytest.mark.browser]

BODY = """## 概要
2026年3月2日、当社が運営するチケット販売サイトに第三者による不正アクセスがあり、会員さまの個人情報が流出した可能性があることが判明しました。

## 流出した可能性のある情報
- 氏名、メールアドレス、電話番号、住所、生年月日
- 購入履歴

クレジットカード情報は当社では保持していないため、流出していません。

## 当社の対応
1. 不正アクセスの経路を遮断しました。
2. 専用のお問い合わせ窓口を設置しました。
3. 個人情報保護委員会へ報告しました。

ご迷惑とご心配をおかけしますことを、深くお詫び申し上げます。
"""


@pytest.fixture(autouse=True, scope="module")
def _allow_sync_orm_beside_playwright() -> Iterator[None]:
    """Let the ORM run beside Playwright's event loop, until after the database flush that ends each test.

    Module scope matters: a function-scoped monkeypatch is undone before pytest-django flushes the tables.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
        yield


@pytest.mark.django_db(transaction=True)
def test_the_first_notice_appears_on_the_public_page_on_a_phone_and_the_self_check_mails_the_result(
    world: World, pr: Any, live_server: Any, browser: Any, chromium_path: str, tmp_path: Path, smtp_sink: Any
) -> None:
    notice = publish(
        world, approved_notice(world, pr, title="不正アクセスによる個人情報流出に関するお詫びとお知らせ", body=BODY)
    )
    entry = services.faq_save(
        incident=world.incident,
        actor=pr,
        key="card",
        question="クレジットカードは大丈夫ですか",
        answer="当社はカード番号を保持していません。",
    )
    services.faq_approve(entry=entry, actor=world.reviewer_client)
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, locale="ja-JP"
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.goto(f"{live_server.url}/p/{world.incident.code}/")
    page.wait_for_selector("#notice-1")
    assert notice.title in page.locator("h1").first.inner_text()
    assert page.locator("#faq").is_visible()
    # Nothing may overflow sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(tmp_path / "public-page-phone.png"), full_page=True)
    assert (tmp_path / "public-page-phone.png").stat().st_size > 10_000

    page.click("#selfcheck a")
    page.fill("#id_email", world.person.email)
    page.click("form.pub-form button[type=submit]")
    page.wait_for_selector("#selfcheck-sent")
    page.screenshot(path=str(tmp_path / "selfcheck-sent-phone.png"), full_page=True)
    sent_for_affected = page.locator("main").inner_html()

    page.goto(f"{live_server.url}/p/{world.incident.code}/check/")
    page.fill("#id_email", "nobody@example.jp")
    page.click("form.pub-form button[type=submit]")
    page.wait_for_selector("#selfcheck-sent")
    assert page.locator("main").inner_html() == sent_for_affected

    assert selfcheck_process_batch() == {"sent_affected": 1, "no_match": 1}
    assert [rcpt for _sender, rcpt in smtp_sink.envelopes] == [[world.person.email]]
    assert not [e for e in errors if "Content Security Policy" in e], errors
    context.close()
