"""Build raw mail for the desk's tests."""

from __future__ import annotations

from email.header import Header
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import formatdate


def mail(
    *,
    sender: str = "taro@example.jp",
    to: str = "desk@example.test",
    subject: str = "問い合わせ",
    body: str = "私は対象者かどうか教えてください。",
    message_id: str = "<m1@example.jp>",
    headers: dict[str, str] | None = None,
    charset: str = "utf-8",
) -> bytes:
    message = MIMEText(body, "plain", charset)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = Header(subject, charset).encode()
    message["Message-ID"] = message_id
    message["Date"] = formatdate(localtime=True)
    for name, value in (headers or {}).items():
        message[name] = value
    return message.as_bytes()


def mail_with_attachment(*, size: int, html: str = "") -> bytes:
    outer = MIMEMultipart()
    outer["From"] = "big@example.jp"
    outer["To"] = "desk@example.test"
    outer["Subject"] = "添付あり"
    outer["Message-ID"] = f"<big-{size}@example.jp>"
    outer.attach(MIMEText("添付をご確認ください。退会したいです。", "plain", "utf-8"))
    if html:
        outer.attach(MIMEText(html, "html", "utf-8"))
    part = MIMEApplication(b"\x00" * size, Name="list.xlsx")
    part["Content-Disposition"] = 'attachment; filename="list.xlsx"'
    outer.attach(part)
    return outer.as_bytes()
