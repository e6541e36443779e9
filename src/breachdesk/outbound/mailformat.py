"""Write outbound mail that Japanese clients display: UTF-8 by default, ISO-2022-JP (CP50220) for old carrier phones.

UTF-8 (the default): subject and display names as RFC 2047 B words of at most 66 characters, split between
characters; text bodies base64-encoded, so no line is longer than 76 characters whatever the paragraph length.

ISO-2022-JP (a per-desk option, ``DeskConfig.outbound_charset``): the same headers as ISO-2022-JP B words (each word
returns to ASCII), the text body 7bit ISO-2022-JP with the CP50220 extensions (①, ㈱, 髙; half-width kana made
full-width), its lines folded at 76 bytes (about 36 Japanese characters). An HTML alternative stays UTF-8 (the
phones that need ISO-2022-JP show the text part). A message with a character that CP932 cannot hold (emoji, most
non-Japanese scripts) is sent in UTF-8 instead, never with the character replaced.
"""

from __future__ import annotations

import base64
import email.utils
import logging
import re
import secrets
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME

from breachdesk.core import jpcharset

log = logging.getLogger(__name__)

UTF8 = "utf-8"
ISO2022JP = "iso-2022-jp"
CHARSETS = (UTF8, ISO2022JP)
MAX_WORD = 75
# Words are kept shorter than RFC 2047's 75 so that the first one fits on the header's own line ("Subject: " and a
# word within 78 characters): a generator would otherwise fold before it and leave an empty first line.
WORD_LENGTH = 66
MAX_LINE = 76


def _encoded(text: str, charset: str) -> bytes:
    if charset == ISO2022JP:
        return jpcharset.iso2022jp_encode(text, errors="strict")
    return text.encode("utf-8")


def header_encode(text: str, charset: str = UTF8) -> str:
    """Return ``text`` as RFC 2047 B words (each at most 75 characters, folded), or as is when it is plain ASCII."""
    if text.isascii() and all(len(word) < 70 for word in text.split()):
        return text
    label = "ISO-2022-JP" if charset == ISO2022JP else "UTF-8"
    room = (WORD_LENGTH - len(f"=?{label}?B??=")) // 4 * 3
    words: list[str] = []
    chunk = ""
    for char in text:
        candidate = chunk + char
        if chunk and len(_encoded(candidate, charset)) > room:
            words.append(chunk)
            chunk = char
        else:
            chunk = candidate
    if chunk:
        words.append(chunk)
    # One space between words: the generator folds there (Django refuses a value with a line break in it).
    return " ".join(f"=?{label}?B?{base64.b64encode(_encoded(w, charset)).decode()}?=" for w in words)


def address_encode(value: str, charset: str = UTF8) -> str:
    """Return an address header value (``名前 <addr>`` or ``addr``) with its display name encoded."""
    name, address = email.utils.parseaddr(value)
    if not name:
        return address or value
    if name.isascii():
        return email.utils.formataddr((name, address))
    return f"{header_encode(name, charset)} <{address}>"


def fold_lines(text: str, width: int = MAX_LINE) -> str:
    """Return ``text`` with every line whose ISO-2022-JP form is longer than ``width`` bytes broken.

    A Japanese character takes two bytes and each switch between ASCII and JIS three, so a line holds about 36
    Japanese characters; the break goes after punctuation where there is some in the second half of the line.
    """

    def size(value: str) -> int:
        return len(jpcharset.iso2022jp_encode(value))

    out: list[str] = []
    for line in text.split("\n"):
        while size(line) > width:
            low, high = 1, len(line)
            while low < high:  # the longest head that fits
                middle = (low + high + 1) // 2
                if size(line[:middle]) <= width:
                    low = middle
                else:
                    high = middle - 1
            cut = low
            for index in range(low, max(1, low // 2), -1):
                if line[index - 1] in "。、，．！？」』）) ":
                    cut = index
                    break
            out.append(line[:cut].rstrip(" "))
            line = line[cut:]
        out.append(line)
    return "\n".join(out)


def _body_base64(data: bytes) -> str:
    return "\n".join(
        base64.b64encode(data[i : i + 57]).decode("ascii") for i in range(0, len(data), 57)
    )  # 57 bytes make 76 base64 characters


def _fits(values: list[str]) -> bool:
    try:
        for value in values:
            jpcharset.iso2022jp_encode(value, errors="strict")
    except UnicodeEncodeError:
        return False
    return True


class JapaneseMailMixin:
    """Format a Django message's headers and text parts for Japanese clients (mix into ``EmailMessage``)."""

    mail_charset: str = UTF8

    def message(self, *args: Any, **kwargs: Any) -> Any:
        msg = super().message(*args, **kwargs)  # type: ignore[misc]
        subject = str(getattr(self, "subject", ""))
        texts = [str(getattr(self, "body", ""))]
        charset = self.mail_charset if self.mail_charset in CHARSETS else UTF8
        names = [email.utils.parseaddr(str(getattr(self, "from_email", "") or ""))[0]]
        names += [email.utils.parseaddr(str(a))[0] for a in getattr(self, "to", [])]
        if charset == ISO2022JP and not _fits([subject, *texts, *names]):
            log.info("a message is sent in UTF-8: a character has no place in ISO-2022-JP")
            charset = UTF8
        del msg["Subject"]
        msg["Subject"] = header_encode(subject, charset)
        for header, values in (("From", [getattr(self, "from_email", "")]), ("To", getattr(self, "to", []))):
            if msg.get(header) is not None and values and any(values):
                del msg[header]
                msg[header] = ", ".join(address_encode(str(v), charset) for v in values if v)
        for part in msg.walk():
            if part.get_content_maintype() != "text" or part.get_filename():
                continue
            raw = part.get_payload(decode=True)
            if not isinstance(raw, bytes):
                continue
            text = raw.decode(part.get_content_charset() or "utf-8", errors="replace").replace("\r\n", "\n")
            subtype = part.get_content_subtype()
            del part["Content-Transfer-Encoding"]
            if charset == ISO2022JP and subtype == "plain":
                lines = fold_lines(text).split("\n")
                payload = "\n".join(jpcharset.iso2022jp_encode(line).decode("ascii") for line in lines)
                part.set_payload(payload)
                part.set_param("charset", "ISO-2022-JP")
                part["Content-Transfer-Encoding"] = "7bit"
            else:
                part.set_payload(_body_base64(text.encode("utf-8")))
                part.set_param("charset", "utf-8")
                part["Content-Transfer-Encoding"] = "base64"
        return msg


class JapaneseEmailMessage(JapaneseMailMixin, EmailMessage):
    """Send an ``EmailMessage`` formatted for Japanese clients; ``mail_charset`` is ``utf-8`` or ``iso-2022-jp``."""

    def __init__(self, *args: Any, mail_charset: str = UTF8, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mail_charset = mail_charset


class JapaneseEmailMultiAlternatives(JapaneseMailMixin, EmailMultiAlternatives):
    """Send an ``EmailMultiAlternatives`` formatted for Japanese clients."""

    def __init__(self, *args: Any, mail_charset: str = UTF8, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.mail_charset = mail_charset


def outbound_charset(incident: Any) -> str:
    """Return the charset the incident's desk sends in (``utf-8`` unless the desk chose ISO-2022-JP)."""
    from django.apps import apps

    model = apps.get_model("inquiries", "DeskConfig")
    value = model.objects.filter(incident_id=incident.pk).values_list("outbound_charset", flat=True).first()
    return value if value in CHARSETS else UTF8


# ---------------------------------------------------------------------------------------------------------------------
# The campaign's fast path: the same message, written without the email package
# ---------------------------------------------------------------------------------------------------------------------
CRLF = "\r\n"
MAX_HEADER_LINE = 78
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")  # a tab is written as it is; every other control is not
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?")


def _folded(name: str, value: str) -> str:
    """Return ``Name: value`` folded at spaces into lines of at most 78 characters where the words allow."""
    line = f"{name}:"
    lines: list[str] = []
    for index, word in enumerate(value.split(" ")):
        if index and len(line) + 1 + len(word) > MAX_HEADER_LINE:
            lines.append(line)
            line = ""
        line += " " + word
    lines.append(line)
    return CRLF.join(lines)


def _text_part_lines(text: str, subtype: str) -> list[str]:
    body = _body_base64(text.replace("\r\n", "\n").encode("utf-8")).replace("\n", CRLF)
    return [
        f'Content-Type: text/{subtype}; charset="utf-8"',
        "MIME-Version: 1.0",
        "Content-Transfer-Encoding: base64",
        "",
        body,
    ]


def plain_address(address: str) -> bool:
    """Return whether ``address`` is a bare ASCII ``local@domain`` that an SMTP envelope takes as it is."""
    return _PLAIN_ADDRESS.fullmatch(address) is not None


def fast_message_bytes(message: EmailMessage) -> bytes | None:
    """Return the bytes of a UTF-8 notice (a text body, HTML alternatives, no attachments), written directly.

    The result is the message ``JapaneseMailMixin`` makes (the same headers and parts, base64 UTF-8 bodies, B-encoded
    subject and names), about eight times faster; ``outbound/tests/test_fast_message.py`` parses both and compares
    them. Return None for anything else (ISO-2022-JP, attachments, Cc or Reply-To, other headers, a line break in a
    header value): the caller then uses ``message.message()``, which also raises Django's errors for bad headers.
    """
    if not isinstance(message, JapaneseMailMixin) or message.mail_charset not in (UTF8, ""):
        return None
    alternatives = list(getattr(message, "alternatives", []) or [])
    if (
        message.attachments
        or message.cc
        or message.reply_to
        or message.content_subtype != "plain"
        or (message.encoding or settings.DEFAULT_CHARSET).lower().replace("_", "-") != UTF8
        or any(name.lower() != "message-id" for name in message.extra_headers)
        or any(mimetype != "text/html" or not isinstance(content, str) for content, mimetype in alternatives)
        or not message.to
    ):
        return None
    subject = str(message.subject)
    message_id = str(message.extra_headers.get("Message-ID", "")) or email.utils.make_msgid(domain=DNS_NAME)
    values = [subject, str(message.from_email), message_id, *map(str, message.to)]
    if any(_CONTROL.search(value) for value in values) or subject != subject.strip():
        return None  # the email package refuses a line break, and folds control characters and edge spaces its way
    headers = [
        f"Date: {email.utils.formatdate(localtime=settings.EMAIL_USE_LOCALTIME)}",
        f"Message-ID: {message_id}",
        _folded("Subject", header_encode(subject, UTF8)),
        _folded("From", address_encode(str(message.from_email), UTF8)),
        _folded("To", ", ".join(address_encode(str(a), UTF8) for a in message.to if a)),
    ]
    if any(not header.isascii() for header in headers):
        return None  # an address with a non-ASCII domain: the email package writes it in its ASCII form
    if not alternatives:
        top = _text_part_lines(str(message.body), "plain")
        lines = [*top[:3], *headers, *top[3:]]
        return (CRLF.join(lines) + CRLF).encode("ascii")
    boundary = f"==============={secrets.randbelow(10**19):019d}=="
    content_type = f'Content-Type: multipart/alternative;{CRLF} boundary="{boundary}"'
    lines = [content_type, "MIME-Version: 1.0", *headers, ""]
    texts = [(str(message.body), "plain")] if message.body else []  # Django leaves an empty text part out
    for text, subtype in [*texts, *((str(c), "html") for c, _m in alternatives)]:
        lines += [f"--{boundary}", *_text_part_lines(text, subtype)]
    lines.append(f"--{boundary}--")
    return (CRLF.join(lines) + CRLF).encode("ascii")
