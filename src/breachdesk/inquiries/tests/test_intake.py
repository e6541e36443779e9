from __future__ import annotations

from datetime import timedelta
from email.mime.text import MIMEText
from typing import Any

import pytest
from django.test import Client

from breachdesk.inquiries.intake import mime
from breachdesk.inquiries.intake.imap import receive_raw, upload_read
from breachdesk.inquiries.intake.receive import Incoming, inquiry_receive, read_attachment
from breachdesk.inquiries.models import Acknowledgment, Attachment, Channel, DeletionRequest, Inquiry
from breachdesk.inquiries.tests.helpers import mail, mail_with_attachment
from breachdesk.testing.fixtures import World, client_for

pytestmark = pytest.mark.django_db


def test_it_reads_iso_2022_jp_mail() -> None:
    raw = mail(subject="退会について", body="退会したいです。", charset="iso-2022-jp")
    parsed = mime.parse(raw)
    assert parsed.subject == "退会について"
    assert "退会したいです" in parsed.text
    assert not parsed.problems


def test_iso_2022_jp_with_half_width_kana_as_japanese_mailers_send_it() -> None:
    body = "ﾀｲｶｲ ｼﾀｲ 退会".encode("iso2022_jp_ext")
    raw = b"From: a@example.jp\r\nSubject: x\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\n\r\n" + body
    assert "ﾀｲｶｲ ｼﾀｲ 退会" in mime.parse(raw).text


def test_a_wrong_or_missing_charset_still_gives_readable_text() -> None:
    body = "迷惑メールが届きます".encode("cp932")
    wrong = b"From: a@example.jp\r\nSubject: x\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n" + body
    missing = b"From: a@example.jp\r\nSubject: x\r\nContent-Type: text/plain\r\n\r\n" + body
    for raw in (wrong, missing):
        parsed = mime.parse(raw)
        assert "迷惑メール" in parsed.text
        assert "charset" in parsed.problems


def test_malformed_mime_never_raises_and_keeps_the_text() -> None:
    raw = (
        b"From: =?bogus?Q?x?= <a@example.jp>\r\nSubject: =?ISO-2022-JP?B?broken==?=\r\n"
        b'Content-Type: multipart/mixed; boundary="nope"\r\n\r\nno boundary here \xff\xfe'
    )
    parsed = mime.parse(raw)
    assert parsed.from_address == "a@example.jp"
    assert "no boundary" in parsed.text or parsed.problems


def test_script_event_handlers_css_and_images_are_removed_from_html() -> None:
    html = (
        '<p onclick="x()">ok</p><script>alert(1)</script><style>body{display:none}</style>'
        '<img src="https://tracker.example/p.gif" onerror="alert(2)"><a href="javascript:alert(3)">l</a>'
        '<div style="position:fixed;top:0">cover</div><svg onload="alert(4)"></svg>'
    )
    clean = mime.sanitize_html(html)
    for bad in ("script", "onclick", "onerror", "javascript", "style", "img", "svg", "alert"):
        assert bad not in clean.lower(), bad
    assert "ok" in clean
    assert "cover" in clean


def test_zero_width_characters_are_removed_from_subject_and_text() -> None:
    parsed = mime.parse(mail(subject="退\u200b会", body="削\u200d除して"))
    assert parsed.subject == "退会"
    assert parsed.text.strip() == "削除して"


def test_a_20_mb_attachment_is_recorded_but_not_stored_and_the_inquiry_is_kept(world: World) -> None:
    result = receive_raw(
        incident=world.incident, raw=mail_with_attachment(size=20 * 1024 * 1024), channel=Channel.EMAIL, actor="t"
    )
    assert result.created
    attachment = Attachment.objects.get(message__inquiry=result.inquiry)
    assert attachment.size == 20 * 1024 * 1024
    assert attachment.dropped_reason == "too_large"
    assert attachment.stored_path == ""


def test_a_small_attachment_is_stored_encrypted(world: World, settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
    result = receive_raw(incident=world.incident, raw=mail_with_attachment(size=1000), channel=Channel.EMAIL, actor="t")
    attachment = Attachment.objects.get(message__inquiry=result.inquiry)
    assert (tmp_path / attachment.stored_path).read_bytes()[:1] == b"\x02"  # the cipher's format byte (v2), not zeros
    assert read_attachment(attachment) == b"\x00" * 1000


def test_mail_is_threaded_by_in_reply_to_and_by_the_subject_token(world: World) -> None:
    first = receive_raw(incident=world.incident, raw=mail(message_id="<a1@example.jp>"), channel="email", actor="t")
    inquiry = first.inquiry
    assert inquiry is not None
    reply = mail(message_id="<a2@example.jp>", headers={"In-Reply-To": "<a1@example.jp>"}, body="追伸です")
    assert receive_raw(incident=world.incident, raw=reply, channel="email", actor="t").inquiry == inquiry
    tagged = mail(message_id="<a3@example.jp>", subject=f"Re: 件名 [#{inquiry.token}]", body="さらに")
    assert receive_raw(incident=world.incident, raw=tagged, channel="email", actor="t").inquiry == inquiry
    stranger = mail(sender="eve@example.jp", message_id="<a4@example.jp>", subject=f"Re: [#{inquiry.token}]")
    assert receive_raw(incident=world.incident, raw=stranger, channel="email", actor="t").inquiry != inquiry
    assert inquiry.messages.count() == 3
    assert Acknowledgment.objects.filter(inquiry=inquiry).count() == 1


def test_the_same_message_twice_is_stored_once(world: World) -> None:
    raw = mail(message_id="<dup@example.jp>")
    first = receive_raw(incident=world.incident, raw=raw, channel="email", actor="t")
    second = receive_raw(incident=world.incident, raw=raw, channel="email", actor="t")
    assert first.inquiry == second.inquiry
    assert not second.created


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"X-Auto-Response-Suppress": "All"},
        {"List-Id": "<news.example.jp>"},
        {"Precedence": "bulk"},
    ],
)
def test_automatic_mail_is_kept_but_never_acknowledged(world: World, headers: dict[str, str]) -> None:
    result = receive_raw(
        incident=world.incident, raw=mail(message_id="<auto@x>", headers=headers), channel="email", actor="t"
    )
    assert result.inquiry is not None
    assert result.inquiry.auto_generated
    assert not Acknowledgment.objects.filter(inquiry=result.inquiry).exists()


def test_our_own_mail_coming_back_is_dropped(world: World) -> None:
    own_id = mail(message_id="<bd.ABCDEFGHJK.1234@example.test>")
    own_header = mail(message_id="<z@x>", headers={"X-Breachdesk-Desk": world.incident.code})
    before = Inquiry.objects.count()
    for raw in (own_id, own_header):
        assert receive_raw(incident=world.incident, raw=raw, channel="email", actor="t").dropped == "own-message"
    assert Inquiry.objects.count() == before


def test_an_inquiry_is_classified_matched_and_gets_an_sla_clock(world: World) -> None:
    raw = mail(sender="hanako.mihon@example.jp", message_id="<c1@x>", body="私も対象でしょうか。退会もしたいです。")
    inquiry = receive_raw(incident=world.incident, raw=raw, channel="email", actor="t").inquiry
    assert inquiry is not None
    assert inquiry.labels == ["affected_check", "deletion"]
    assert inquiry.person == world.person
    assert inquiry.identity_verified
    assert inquiry.due_at is not None
    assert inquiry.due_at - inquiry.received_at >= timedelta(hours=18)
    assert DeletionRequest.objects.filter(inquiry=inquiry).exists()


def test_the_sender_text_and_address_are_encrypted_at_rest(world: World) -> None:
    inquiry = receive_raw(incident=world.incident, raw=mail(message_id="<e1@x>"), channel="email", actor="t").inquiry
    assert inquiry is not None
    assert b"taro@example.jp" not in bytes(inquiry.sender_email_enc)
    message = inquiry.messages.get()
    assert "対象".encode() not in bytes(message.text_enc)


def test_an_mbox_upload_takes_in_every_message(world: World) -> None:
    box = b"".join(
        b"From sender@example.jp Mon Mar  2 10:00:00 2026\n"
        + mail(message_id=f"<mb{n}@x>", body=f"削除して{n}")
        + b"\n"
        for n in range(3)
    )
    counts = upload_read(incident=world.incident, data=box, filename="export.mbox", actor=world.responder)
    assert counts == {"messages": 3, "created": 3, "threaded": 0, "dropped": 0}


def test_the_public_form_takes_an_inquiry_and_ignores_bots(world: World, published: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get(f"/p/{world.incident.code}/contact/")
    assert page.status_code == 200
    assert "desk-nav" not in page.content.decode()
    assert "topbar" not in page.content.decode()
    token = page.cookies["csrftoken"].value
    data = {
        "name": "山田 太郎",
        "email": "taro@example.jp",
        "subject": "確認",
        "body": "私は対象ですか",
        "csrfmiddlewaretoken": token,
    }
    before = Inquiry.objects.count()
    assert client.post(f"/p/{world.incident.code}/contact/", data).status_code == 200
    assert Inquiry.objects.count() == before + 1
    assert Inquiry.objects.latest("id").channel == Channel.FORM
    client.post(f"/p/{world.incident.code}/contact/", {**data, "website": "http://spam"})
    assert Inquiry.objects.count() == before + 1


def test_the_public_form_refuses_a_post_without_csrf(world: World, published: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post(f"/p/{world.incident.code}/contact/", {"body": "x"}).status_code == 403


def test_the_public_form_is_rate_limited_per_address(world: World, published: Any) -> None:
    client = Client()
    data = {"name": "a", "email": "a@example.jp", "subject": "s", "body": "b"}
    statuses = [client.post(f"/p/{world.incident.code}/contact/", data).status_code for _ in range(7)]
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [429, 429]


def test_the_public_form_of_an_unknown_incident_is_404() -> None:
    assert Client().get("/p/no-such-incident/contact/").status_code == 404


def test_the_api_takes_an_inquiry_and_the_outsider_gets_404(world: World) -> None:
    url = f"/api/v1/incidents/{world.incident.code}/inquiries"
    payload = {"subject": "補償", "body": "補償してほしい", "sender_email": "x@example.jp"}
    response = client_for(world.responder).post(url, payload, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["labels"] == ["compensation"]
    assert response.json()["acknowledgment"] == "pending"
    assert client_for(world.outsider).post(url, payload, content_type="application/json").status_code == 404
    assert client_for(world.reviewer_client).post(url, payload, content_type="application/json").status_code == 403


def test_a_phone_call_is_logged_as_an_inquiry(world: World) -> None:
    response = client_for(world.responder).post(
        f"/incidents/{world.incident.code}/desk/phone/",
        {"caller_name": "佐藤", "phone": "090-0000-1111", "summary": "カードを止めたほうがいいか知りたい"},
    )
    assert response.status_code == 302
    inquiry = Inquiry.objects.latest("id")
    assert inquiry.channel == Channel.PHONE
    assert inquiry.labels == ["protective_advice"]
    assert inquiry.person is None  # a phone number only suggests the person
    assert inquiry.suggested_person == world.person
    assert not inquiry.identity_verified


def test_a_message_without_any_structure_is_still_an_inquiry(world: World) -> None:
    received = inquiry_receive(incident=world.incident, incoming=Incoming(channel=Channel.API, text=""), actor="t")
    assert received.inquiry is not None
    assert received.inquiry.labels == ["other"]


def test_html_only_mail_gives_plain_text_too() -> None:
    message = MIMEText("<p>退会<b>したい</b></p><script>x</script>", "html", "utf-8")
    parsed = mime.parse(message.as_bytes())
    assert "退会したい" in parsed.text.replace("\n", "")
    assert "script" not in parsed.html
