"""Render every outbound template in UTF-8 and in ISO-2022-JP (CP50220), and read each back as a client would."""

from __future__ import annotations

import email
import email.policy
import re
from types import SimpleNamespace
from typing import Any

import pytest

from breachdesk.campaigns.models import TemplateVersion
from breachdesk.campaigns.rendering import render_notice, sample_person
from breachdesk.inquiries.ack import DEFAULT_ACK
from breachdesk.inquiries.defaults import BLOCKS
from breachdesk.inquiries.intake import mime
from breachdesk.inquiries.intake.imap import receive_raw
from breachdesk.inquiries.mailer import desk_config, desk_send
from breachdesk.inquiries.models import MessageKind
from breachdesk.inquiries.tests.helpers import mail
from breachdesk.inquiries.tests.mailcorpus import same_for_reader
from breachdesk.notices.selfcheck import selfcheck_message
from breachdesk.outbound import mailformat
from breachdesk.outbound.mailformat import JapaneseEmailMessage, JapaneseEmailMultiAlternatives
from breachdesk.testing.fixtures import World

pytestmark = pytest.mark.django_db

SAMPLE = {
    "affected": "お客様の情報は今回の事案の対象に含まれておりました。",
    "not_included_ja": "",
    "incident_items_ja": "氏名、メールアドレス、電話番号",
    "items_ja": "氏名、メールアドレス",
    "desk_hours": "平日 9:00〜18:00（土日祝日を除く）",
    "due_date": "2026年3月5日",
    "token": "ABCDEFGHJK",
}


def _fill(body: str) -> str:
    return re.sub(r"\{\{\s*(\w+)\s*\}\}", lambda m: SAMPLE.get(m.group(1), "①㈱髙橋"), body)


def _templates(world: World) -> list[tuple[str, str, str, str]]:
    """Return (name, subject, text, html) of every outbound template, rendered with sample values."""
    out = [(f"block-{key}", f"Re: {title} [#ABCDEFGHJK]", _fill(body), "") for key, title, body in BLOCKS]
    out.append(("acknowledgment", "Re: お問い合わせ [#ABCDEFGHJK]", _fill(DEFAULT_ACK), ""))
    for affected in (True, False):
        person = SimpleNamespace(affected=affected, item_keys=["name", "email"], email="taro@example.jp")
        _to, subject, body = selfcheck_message(incident=world.incident, person=person)
        out.append((f"selfcheck-{affected}", subject, body, ""))
    version = TemplateVersion(
        subject="【重要】個人情報漏えいに関するお知らせとお詫び（{{ person.name }}様）",
        body_text="{{ person.name }} 様\n\n漏えいした項目：{{ items_text }}\n" + "お問い合わせ窓口 ①②㈱ " * 12,
        body_html="<p>{{ person.name }} 様</p><p>漏えいした項目：{{ items_text }}</p>",
    )
    rendered = render_notice(
        version=version,
        incident=world.incident,
        campaign=None,
        person=sample_person(email="taro@example.jp"),
        items=["氏名", "メールアドレス"],
    )
    out.append(("campaign-notice", rendered.subject, rendered.text, rendered.html))
    return out


def _render(subject: str, text: str, html: str, charset: str) -> bytes:
    sender = "漏えい対応窓口（㈱見本） <desk@example.jp>"
    message: Any
    if html:
        message = JapaneseEmailMultiAlternatives(
            subject, text, sender, ["見本 太郎 <taro@example.jp>"], mail_charset=charset
        )
        message.attach_alternative(html, "text/html")
    else:
        message = JapaneseEmailMessage(subject, text, sender, ["taro@example.jp"], mail_charset=charset)
    return message.message().as_bytes(linesep="\r\n")


def _flat(text: str) -> str:
    # CP50220 reads WAVE DASH and friends as their CP932 forms (〜 as ～): the same character to a reader.
    return re.sub(r"\s+", "", same_for_reader(text))


@pytest.mark.parametrize("charset", mailformat.CHARSETS)
def test_every_outbound_template_renders_for_japanese_clients_and_reads_back(world: World, charset: str) -> None:
    templates = _templates(world)
    assert len(templates) >= len(BLOCKS) + 4
    for name, subject, text, html in templates:
        raw = _render(subject, text, html, charset)
        assert raw.isascii(), name  # 7bit-safe: base64 UTF-8 or 7bit ISO-2022-JP
        lines = raw.split(b"\r\n")
        assert max(len(line) for line in lines) <= 78, name
        head = raw.split(b"\r\n\r\n", 1)[0].decode()
        label = "UTF-8" if charset == "utf-8" else "ISO-2022-JP"
        assert f"=?{label}?B?" in head, name
        assert all(len(word) <= 75 for word in re.findall(r"=\?[^?]+\?[BQ]\?[^?]*\?=", head)), name
        if charset == "iso-2022-jp":
            assert 'text/plain; charset="ISO-2022-JP"' in raw.decode(), name
        parsed = mime.parse(raw)
        assert same_for_reader(parsed.subject) == same_for_reader(" ".join(subject.split())), name
        assert (parsed.from_name, parsed.from_address) == ("漏えい対応窓口（㈱見本）", "desk@example.jp")
        assert _flat(parsed.text) == _flat(text), name
        assert parsed.problems == [], name
        if charset == "utf-8":
            # A strict standard reader (Python's default policy) reads it too.
            standard = email.message_from_bytes(raw, policy=email.policy.default)
            assert str(standard["Subject"]) == " ".join(subject.split())
            body = standard.get_body(("plain",))
            assert body is not None
            assert _flat(body.get_content()) == _flat(text)


def test_iso_2022_jp_folds_long_lines_and_makes_half_width_kana_full_width() -> None:
    raw = _render("ｶﾀｶﾅの件", "あ" * 200 + "\nｶﾀｶﾅ", "", "iso-2022-jp")
    parsed = mime.parse(raw)
    assert parsed.subject == "カタカナの件"
    assert parsed.text.split("\n")[-1].strip() == "カタカナ"
    assert all(len(line) <= 38 for line in parsed.text.split("\n"))


def test_a_character_iso_2022_jp_cannot_hold_sends_the_message_in_utf8_instead_of_replacing_it() -> None:
    raw = _render("お知らせ 🙇", "ご迷惑をおかけしました🙇", "", "iso-2022-jp")
    assert b"=?UTF-8?B?" in raw
    parsed = mime.parse(raw)
    assert parsed.subject == "お知らせ 🙇"
    assert "🙇" in parsed.text
    assert "〓" not in parsed.text


@pytest.mark.smtp
def test_the_desk_sends_iso_2022_jp_when_the_desk_chooses_it(world: World, smtp_sink: Any) -> None:
    config = desk_config(world.incident)
    config.outbound_charset = "iso-2022-jp"
    config.save()
    result = receive_raw(incident=world.incident, raw=mail(message_id="<jis@x>"), channel="email", actor="t")
    assert result.inquiry is not None
    desk_send(inquiry=result.inquiry, body="①の件、承知いたしました。髙橋", kind=MessageKind.REPLY, actor="t")
    sent = [m for m in smtp_sink.messages if m["To"] == "taro@example.jp"]
    assert sent
    assert sent[-1].get_content_charset() == "iso-2022-jp"
    raw = sent[-1].as_bytes()
    assert "①の件、承知いたしました。髙橋" in mime.parse(raw).text


def test_the_lead_chooses_iso_2022_jp_in_the_desk_settings(world: World) -> None:
    from breachdesk.testing.fixtures import client_for

    config = desk_config(world.incident)
    response = client_for(world.lead).post(
        f"/incidents/{world.incident.code}/desk/settings/",
        {
            "desk_address": config.desk_address,
            "desk_hours": config.desk_hours,
            "first_answer_business_days": 2,
            "public_form_open": "on",
            "outbound_charset": "iso-2022-jp",
            "imap_port": 993,
            "imap_security": "ssl",
        },
    )
    assert response.status_code == 302
    config.refresh_from_db()
    assert config.outbound_charset == "iso-2022-jp"
    assert mailformat.outbound_charset(world.incident) == "iso-2022-jp"
