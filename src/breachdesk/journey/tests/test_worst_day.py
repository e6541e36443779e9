"""Walk the worst day of a response team in headless Chromium, from the first hour to the regulator's report.

One test, in order, each step through the pages a person would use, with a screenshot after each step:

1. the lead opens an incident and imports the CP932 member file; the obligations show their clocks;
2. the desk loads the starter answer blocks and the lead approves them; PR writes the notice template and the
   client's legal reviewer approves it; the desk is set up (mailbox, public form), the FAQ approved and the 速報
   drafted and approved, so the readiness checklist passes; PR drafts 第1報, the lead approves and publishes it;
3. the notification campaign goes out through the worker to a real SMTP sink; a member's inquiry arrives over IMAP
   (a real Dovecot) and is acknowledged;
4. the desk drafts the reply from approved blocks, the client's reviewer approves it, and it is sent threaded;
5. a deletion request is carried out by the engineer and its confirmation sent; the 速報 is exported as DOCX and the
   executive PDF generated.

Screenshots go to the test's temporary directory, and also to ``$BREACHDESK_SCREENSHOT_DIR`` when it is set (the
README.s pictures are made that way: ``scripts/readme_screenshots.py``).
"""

from __future__ import annotations

import csv
import io
import os
import re
import shutil
import smtplib
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from breachdesk.testing.factories import PASSWORD, UserFactory
from breachdesk.testing.fixtures import require_tool
from breachdesk.testing.imap import MaildirDelivery, free_port
from breachdesk.testing.worker import run_worker

pytestmark = [pytest.mark.browser, pytest.mark.imap, pytest.mark.smtp]

CODE = "ticket-2026"
HANAKO = "hanako.yamada@example.jp"
JIRO = "jiro.suzuki@example.jp"

MEMBERS_HEADER = ["会員番号", "氏名", "フリガナ", "メールアドレス", "電話番号", "郵便番号", "住所", "生年月日"]

TEMPLATE_BODY = """{{ person.name }} 様

当社チケット販売サイトへの不正アクセスにより、お客様の個人情報が外部に流出した可能性があることが判明しました。
流出した可能性のある情報：{{ items_text }}

ご心配とご迷惑をおかけしますことを、深くお詫び申し上げます。
お問い合わせ窓口：{{ desk.email }}（{{ desk.hours }}）
"""

NOTICE_BODY = """## 概要
2026年11月20日、当社が運営するチケット販売サイトに第三者による不正アクセスがあり、会員さまの個人情報が流出した可能性があることが判明しました。

## 流出した可能性のある情報
- 氏名、メールアドレス、電話番号、住所、生年月日

クレジットカード情報は当社では保持していないため、流出していません。

## お問い合わせ
専用窓口を設置しました。下のフォームまたはメールでお問い合わせください。
"""


@pytest.fixture(autouse=True, scope="module")
def _allow_sync_orm_beside_playwright() -> Iterator[None]:
    """Let the ORM run beside Playwright's event loop until after the flush that ends the test (module scope)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "1")
        yield


WIDE_ELEMENTS_JS = """(w) => [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > w + 1)
    .slice(0, 8)
    .map(e => `${e.tagName}#${e.id}.${e.getAttribute('class')} ${Math.round(e.getBoundingClientRect().right)}`)"""


class Journey:
    """Hold the browser, one signed-in page per person, and the screenshots taken so far."""

    def __init__(self, browser: Any, base_url: str, shots: Path) -> None:
        self.browser, self.base_url, self.shots = browser, base_url, shots
        self.pages: dict[str, Any] = {}
        self.console_errors: list[str] = []
        self.step = 0
        self.extra = os.environ.get("BREACHDESK_SCREENSHOT_DIR")

    def as_user(self, username: str) -> Any:
        """Return a page signed in as ``username`` (one browser context per person, as on separate machines)."""
        if username not in self.pages:
            context = self.browser.new_context(
                locale="ja-JP", timezone_id="Asia/Tokyo", viewport={"width": 1280, "height": 900}
            )
            context.set_default_timeout(15_000)
            page = context.new_page()
            page.on("dialog", lambda dialog: dialog.accept())  # the app's data-confirm prompts
            page.on("console", lambda msg: self.console_errors.append(msg.text) if msg.type == "error" else None)
            page.goto(f"{self.base_url}/accounts/login/")
            page.fill("#id_username", username)
            page.fill("#id_password", PASSWORD)
            page.click("main button[type=submit]")
            page.wait_for_url(lambda url: "/accounts/login/" not in url)
            self.pages[username] = page
        return self.pages[username]

    def go(self, username: str, path: str) -> Any:
        page = self.as_user(username)
        page.goto(f"{self.base_url}{path}")
        return page

    def shot(self, page: Any, name: str) -> Path:
        """Save a screenshot of ``page`` as the next numbered step."""
        self.step += 1
        path = self.shots / f"{self.step:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        assert path.stat().st_size > 5_000, f"{path.name} looks blank"
        if self.extra:
            Path(self.extra).mkdir(parents=True, exist_ok=True)
            shutil.copy(path, Path(self.extra) / path.name)
        return path

    def fits(self, page: Any) -> None:
        """Fail when the page scrolls sideways, naming the elements that stick out."""
        width = page.evaluate("window.innerWidth")
        wide = page.evaluate(WIDE_ELEMENTS_JS, width)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, wide

    def pdf_page(self, pdf: bytes, name: str) -> Path:
        """Render the first page of ``pdf`` to PNG (poppler's pdftoppm) as the next numbered step."""
        import subprocess

        pdftoppm = require_tool("pdftoppm", "rendering the executive PDF")
        self.step += 1
        stem = self.shots / f"{self.step:02d}-{name}"
        source = self.shots / f"{name}.pdf"
        source.write_bytes(pdf)
        subprocess.run([pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", source, stem], check=True)
        path = stem.with_suffix(".png")
        assert path.stat().st_size > 5_000, f"{path.name} looks blank"
        if self.extra:
            shutil.copy(path, Path(self.extra) / path.name)
        return path

    def wait(self, page: Any, selector: str) -> None:
        """Wait for ``selector``; on failure, say what the page shows instead (its errors and messages)."""
        try:
            page.wait_for_selector(selector)
        except Exception as exc:
            shown = page.locator("main").inner_text() if page.locator("main").count() else page.content()
            raise AssertionError(f"{selector} did not appear on {page.url}:\n{shown[:3000]}") from exc


def _member_file() -> bytes:
    """Return a CP932 member list: 40 members, two of whom will write to the desk."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(MEMBERS_HEADER)
    writer.writerow(
        [
            "M-0001",
            "山田 花子",
            "ヤマダ ハナコ",
            HANAKO,
            "090-1234-5678",
            "150-0001",
            "東京都渋谷区神宮前1-1-1",
            "1985-04-01",
        ]
    )
    writer.writerow(
        [
            "M-0002",
            "鈴木 次郎",
            "スズキ ジロウ",
            JIRO,
            "080-2345-6789",
            "530-0001",
            "大阪府大阪市北区梅田2-2-2",
            "1979-12-24",
        ]
    )
    for n in range(3, 41):
        writer.writerow(
            [
                f"M-{n:04d}",
                f"会員 {n}号",
                f"カイイン {n}ゴウ",
                f"member{n}@example.jp",
                f"090-0000-{n:04d}",
                "100-0001",
                f"東京都千代田区千代田{n}-1",
                "1990-01-01",
            ]
        )
    return out.getvalue().encode("cp932")


def _post_mail_to_mailbox(dovecot: dict[str, Any], raw: bytes, sender: str) -> None:
    """Deliver ``raw`` by SMTP into the Maildir that Dovecot serves, as the desk's MTA would."""
    port = free_port()
    controller = Controller(
        MaildirDelivery(dovecot["maildir"], dovecot["uid"], dovecot["gid"]), hostname="127.0.0.1", port=port
    )
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            smtp.sendmail(sender, ["desk@ticket.example"], raw)
    finally:
        controller.stop()


@pytest.mark.django_db(transaction=True)
def test_the_worst_day_in_one_piece(
    live_server: Any, browser: Any, chromium_path: str, tmp_path: Path, smtp_sink: Any, dovecot: dict[str, Any]
) -> None:
    UserFactory(username="lead", is_staff=True)
    for name in ("desk1", "legal", "engineer", "pr"):
        UserFactory(username=name)
    j = Journey(browser, live_server.url, tmp_path)

    # 1. The lead opens the incident.
    page = j.go("lead", "/incidents/new/")
    page.fill("#id_code", CODE)
    page.fill("#id_title", "チケット販売サイトへの不正アクセス")
    page.fill("#id_organisation", "株式会社チケットサンプル")
    page.fill("#id_found_at", "2026-11-20T09:30")
    page.fill("#id_aware_at", "2026-11-20T10:00")
    page.select_option("#id_event_kind", "leak")
    page.select_option("#id_cause", "unauthorized_access")
    page.check("input[name=jurisdictions][value=JP]")
    page.select_option("#id_org_role", "controller")
    page.fill("#id_description", "会員データベースから会員情報が持ち出された可能性がある。")
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/incidents/{CODE}/")
    for username, role in (("desk1", "responder"), ("legal", "reviewer"), ("engineer", "engineer"), ("pr", "pr")):
        page = j.go("lead", f"/incidents/{CODE}/members/")
        page.fill("#id_username", username)
        page.select_option("#id_role", role)
        if username == "legal":
            page.fill("#id_organisation", "クライアント株式会社 法務部")
        page.click("form.stacked button[type=submit]")
        j.wait(page, f"text={username}")
    j.shot(page, "members")

    # ... and imports the CP932 member file.
    page = j.go("lead", f"/incidents/{CODE}/registry/imports/new/")
    page.set_input_files("#id_file", files=[{"name": "会員一覧.csv", "mimeType": "text/csv", "buffer": _member_file()}])
    page.click("main form button[type=submit]")
    j.wait(page, "#mapping")
    assert "cp932" in page.locator("#mapping").inner_text().lower()
    page.select_option("#id_source", "affected_list")
    for item in ("name", "email", "phone", "address", "birth_date"):
        page.check(f"input[name=items][value={item}]")
    j.shot(page, "import-mapping")
    page.click("#mapping button[type=submit]")
    assert run_worker() >= 1
    page.reload()
    progress = page.locator("#job-progress").inner_text()
    assert page.locator("#job-progress .badge-done").count() == 1, progress
    assert "40" in progress, progress
    j.shot(page, "import-done")

    page = j.go("lead", f"/incidents/{CODE}/")
    j.wait(page, "#panel-clocks")
    clocks = page.locator("#panel-clocks tr.clock")
    assert clocks.count() >= 2, page.locator("#panel-clocks").inner_text()
    assert "速報" in page.locator("#panel-clocks").inner_text()
    j.fits(page)
    j.shot(page, "dashboard-clocks")
    assert not [e for e in j.console_errors if "Content Security Policy" in e], j.console_errors

    # 2. The desk loads the starter answer blocks; the lead approves each (the author cannot).
    page = j.go("desk1", f"/incidents/{CODE}/desk/blocks/")
    page.click("#load-starter-blocks")
    j.wait(page, "text=acknowledgment")
    page = j.go("lead", f"/incidents/{CODE}/desk/blocks/")
    while page.locator("form[action$='/approve/'] button").count():
        page.locator("form[action$='/approve/'] button").first.click()
        page.wait_for_load_state()
    assert "下書き" not in page.locator("main table").inner_text()
    j.shot(page, "answer-blocks-approved")

    # PR writes the notification template; the client's legal reviewer approves it.
    page = j.go("pr", f"/incidents/{CODE}/campaigns/templates/new/")
    page.fill("#id_name", "本人通知（メール）")
    page.fill("#id_subject", "【重要】不正アクセスによる個人情報流出のお知らせとお詫び")
    page.fill("#id_body_text", TEMPLATE_BODY)
    page.click("main form button[type=submit]")
    j.wait(page, "#current-version")
    template_url = page.url
    page = j.as_user("legal")
    page.goto(template_url)
    page.click("#current-version form button[type=submit]")
    page.wait_for_load_state()
    j.shot(page, "template-approved")

    # The lead sets up the desk: its address, the mailbox the worker reads, the public form.
    page = j.go("lead", f"/incidents/{CODE}/desk/settings/")
    page.fill("#id_desk_address", "desk@ticket.example")
    page.fill("#id_desk_hours", "平日 10:00〜18:00")
    page.check("#id_public_form_open")
    page.fill("#id_imap_host", "127.0.0.1")
    page.fill("#id_imap_port", str(dovecot["port"]))
    page.select_option("#id_imap_security", "starttls")
    page.fill("#id_imap_username", "desk")
    page.fill("#id_imap_password", "desk-password")
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    from breachdesk.inquiries.models import DeskConfig

    # The desk trusts the test mail server's own certificate authority (an operator's file on the server).
    DeskConfig.objects.filter(incident__code=CODE).update(imap_ca_file=dovecot["ca"])

    # PR writes the FAQ entries, linked to the approved blocks; the reviewer approves them.
    for key, question in (
        ("affected", "自分の情報が流出したか確認できますか"),
        ("card", "クレジットカード情報は流出しましたか"),
    ):
        page = j.go("pr", f"/incidents/{CODE}/notices/faq/")
        page.fill("#id_key", key)
        page.fill("#id_question", question)
        page.fill(
            "#id_answer",
            "専用窓口または本ページの確認フォームからご確認いただけます。"
            if key == "affected"
            else "当社はクレジットカード情報を保持していないため、流出していません。",
        )
        page.click("main form.stacked button[type=submit]")
        page.wait_for_load_state()
        page = j.go("legal", f"/incidents/{CODE}/notices/faq/")
        page.click(f"#faq-{key} a")
        page.click("form[action$='/approve/'] button")
        page.wait_for_load_state()

    # The lead drafts the 速報 from the prefill; the reviewer approves it.
    page = j.go("lead", f"/incidents/{CODE}/obligations/reports/jp-preliminary/")
    page.click("button[name=create]")
    j.wait(page, "#report-edit")
    page = j.go("legal", f"/incidents/{CODE}/obligations/reports/jp-preliminary/")
    page.click("form[action$='/approve/'] button")
    page.wait_for_load_state()
    j.shot(page, "preliminary-report-approved")

    # PR drafts 第1報; the lead approves it, finds the checklist passed and publishes.
    page = j.go("pr", f"/incidents/{CODE}/notices/")
    page.fill("#id_title", "不正アクセスによる個人情報流出に関するお詫びとお知らせ（第1報）")
    page.fill("#id_body", NOTICE_BODY)
    page.click("main form.stacked button[type=submit]")
    j.wait(page, "#approve, #notice-edit")
    notice_url = page.url
    page = j.as_user("lead")
    page.goto(notice_url)
    page.click("#approve")
    page.wait_for_load_state()
    page = j.go("lead", f"/incidents/{CODE}/notices/readiness/")
    checklist = page.locator("ul.checklist").inner_text()
    assert page.locator("li.check-open").count() == 0, checklist
    j.shot(page, "readiness-passed")
    page.goto(notice_url)
    page.click("#publish-button")
    page.wait_for_load_state()
    public = j.go("pr", f"/p/{CODE}/")
    assert "第1報" in public.locator("h1").first.inner_text()
    j.shot(public, "public-page")

    # 3. The notification campaign goes to every affected member through the worker, to the SMTP sink.
    page = j.go("pr", f"/incidents/{CODE}/campaigns/new/")
    page.fill("#id_name", "本人通知 第1回")
    page.select_option("#id_template", label="本人通知（メール）")
    page.select_option("#id_channel", "email")
    page.fill("#id_throttle_per_second", "100")
    page.fill("#id_desk_email", "desk@ticket.example")
    page.fill("#id_desk_hours", "平日 10:00〜18:00")
    page.fill("#id_from_email", "notice@ticket.example")
    page.click("main form button[type=submit]")
    j.wait(page, "#summary")
    campaign_url = page.url
    page = j.as_user("legal")
    page.goto(campaign_url)
    page.click("form[action$='/approve/'] button")
    page.wait_for_load_state()
    page = j.as_user("lead")
    page.goto(campaign_url)
    page.click("form[action$='/start/'] button")
    page.wait_for_load_state()
    _drain_until(lambda: len(smtp_sink.messages) >= 40)
    recipients = sorted(rcpt for _sender, rcpts in smtp_sink.envelopes for rcpt in rcpts)
    assert len(recipients) == 40
    assert len(set(recipients)) == 40
    hanako_letter = next(m for m in smtp_sink.messages if m["To"] == HANAKO)
    assert "山田 花子 様" in hanako_letter.get_content()
    assert not any("山田 花子" in m.get_content() for m in smtp_sink.messages if m["To"] != HANAKO)
    page.reload()
    j.shot(page, "campaign-sent")
    smtp_sink.clear()

    # A member writes to the desk; the mail reaches the mailbox, the worker takes it in and acknowledges it.
    from breachdesk.inquiries.tests.helpers import mail

    raw = mail(
        sender=HANAKO,
        to="desk@ticket.example",
        subject="流出の件について",
        body="お知らせのメールを受け取りました。私の情報も対象でしょうか。クレジットカード番号は含まれていますか。",
        message_id="<hanako-1@example.jp>",
        charset="iso-2022-jp",
    )
    _post_mail_to_mailbox(dovecot, raw, HANAKO)
    from django.core.management import call_command

    call_command("desk-worker", "--once")
    ack = next(m for m in smtp_sink.messages if m["To"] == HANAKO)
    assert ack["In-Reply-To"] == "<hanako-1@example.jp>"
    assert "受付番号" in ack.get_content()
    page = j.go("desk1", f"/incidents/{CODE}/desk/")
    page.click("text=流出の件について")
    j.wait(page, "#inquiry-summary")
    assert "送信済み" in page.locator("#ack-status").inner_text()
    match = page.locator("#inquiry-match").inner_text()
    assert "対象" in match, match
    j.shot(page, "inquiry-acknowledged")

    # 4. The desk drafts the reply from approved blocks and submits it; the client's reviewer approves; it is sent.
    page.click("form[action$='/draft/'] button")
    j.wait(page, "#reply-status")
    reply_url = page.url
    page.click("form[action$='/submit/'] button")
    page.wait_for_load_state()
    page = j.as_user("legal")
    page.goto(reply_url)
    page.select_option("#id_decision", "approve")
    page.click("#review-form button[type=submit]")
    page.wait_for_load_state()
    j.shot(page, "reply-approved")
    page = j.as_user("desk1")
    page.goto(reply_url)
    page.click("form[action$='/send/'] button")
    page.wait_for_load_state()
    answer = smtp_sink.messages[-1]
    assert answer["To"] == HANAKO
    assert "<hanako-1@example.jp>" in answer["References"]
    assert "クレジットカード" in answer.get_content()
    j.shot(page, "reply-sent")

    # 5. Jiro asks for deletion; the engineer carries it out; the confirmation goes through review and out.
    smtp_sink.clear()
    raw = mail(
        sender=JIRO,
        to="desk@ticket.example",
        subject="退会と個人情報の削除のお願い",
        body="今回の件で不安なので、退会して私の個人情報をすべて削除してください。",
        message_id="<jiro-1@example.jp>",
        charset="utf-8",
    )
    _post_mail_to_mailbox(dovecot, raw, JIRO)
    call_command("desk-worker", "--once")
    page = j.go("desk1", f"/incidents/{CODE}/desk/")
    page.click("text=退会と個人情報の削除のお願い")
    j.wait(page, "#inquiry-summary")
    page.click("form[action$='/deletion/'] button")
    page.wait_for_load_state()
    # An address is no proof for an action: the desk sends a link to Jiro's registered address, and Jiro confirms.
    page = j.go("desk1", f"/incidents/{CODE}/desk/deletions/")
    assert page.locator(".badge-unverified").count() >= 1
    assert page.locator("form[action$='/complete/']").count() == 0
    page.click("form[action$='/send-link/'] button")
    page.wait_for_load_state()
    link_mail = next(m for m in smtp_sink.messages if m["To"] == JIRO and "/deletion/" in m.get_content())
    link = re.search(r"(/p/\S+/deletion/\S+/)", link_mail.get_content())
    assert link is not None
    jiro = browser.new_page()
    jiro.goto(f"{live_server.url}{link.group(1)[link.group(1).index('/p/') :]}")
    jiro.click("#confirm-deletion")
    jiro.wait_for_selector("#confirmed")
    jiro.close()
    page = j.go("engineer", f"/incidents/{CODE}/desk/deletions/")
    page.click("form[action$='/complete/'] button")
    page.wait_for_load_state()
    j.shot(page, "deletion-done")
    from breachdesk.inquiries.models import Reply

    confirmation = Reply.objects.filter(inquiry__incident__code=CODE).order_by("-pk").first()
    assert confirmation is not None
    page = j.go("desk1", f"/incidents/{CODE}/desk/replies/{confirmation.pk}/")
    if page.locator("form[action$='/submit/'] button").count():
        page.click("form[action$='/submit/'] button")
        page.wait_for_load_state()
        page = j.go("legal", f"/incidents/{CODE}/desk/replies/{confirmation.pk}/")
        page.select_option("#id_decision", "approve")
        page.click("#review-form button[type=submit]")
        page.wait_for_load_state()
        page = j.go("desk1", f"/incidents/{CODE}/desk/replies/{confirmation.pk}/")
    page.click("form[action$='/send/'] button")
    page.wait_for_load_state()
    assert any(m["To"] == JIRO and "削除" in m.get_content() for m in smtp_sink.messages)

    # The 速報 is exported as DOCX, and the executive PDF is generated.
    page = j.go("lead", f"/incidents/{CODE}/obligations/reports/jp-preliminary/")
    with page.expect_download() as download_info:
        page.click("a[href$='/docx/']")
    docx = Path(download_info.value.path())
    with zipfile.ZipFile(docx) as archive:
        document = archive.read("word/document.xml").decode()
    assert "株式会社チケットサンプル" in document
    assert "40" in document
    page = j.go("lead", f"/incidents/{CODE}/costs/reports/")
    page.click("#generate-pdf")
    page.wait_for_load_state()
    run_worker()
    page.reload()
    link = page.locator("#report-list a[href$='/pdf/']").first
    with page.expect_download() as download_info:
        link.click()
    pdf = Path(download_info.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 10_000
    j.shot(page, "executive-report")
    j.pdf_page(pdf, "executive-pdf")

    page = j.go("lead", f"/incidents/{CODE}/")
    j.fits(page)
    j.shot(page, "dashboard-end-of-day")
    assert not [e for e in j.console_errors if "Content Security Policy" in e], j.console_errors


def _drain_until(done: Any, *, seconds: float = 30) -> None:
    """Run the worker until ``done()`` holds, as the db_worker process would over a few seconds."""
    import time

    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, "the worker did not finish in time"
        if run_worker() == 0:
            time.sleep(0.3)
