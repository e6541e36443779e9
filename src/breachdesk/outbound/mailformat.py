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
from typing import Any

from django.core.mail import EmailMessage, EmailMultiAlternatives

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
