"""Read an email into plain parts, whatever its shape: bad MIME, wrong or missing charsets, hostile HTML.

Nothing here raises on bad input. A problem is noted in ``problems`` and the best readable text is kept, so that
no inquiry is lost because its mail was malformed.
"""

from __future__ import annotations

import base64
import email
import email.errors
import email.policy
import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message as EmailMessage
from email.utils import getaddresses, parsedate_to_datetime

import nh3

from breachdesk.core import jptext

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_TEXT_CHARS = 200_000
# Charsets that Japanese mailers mislabel: a part labelled ISO-2022-JP often uses the CP50220 extensions, and one
# labelled Shift_JIS often holds CP932 characters (①, ㈱, …).
_CHARSET_ALIASES = {
    "iso-2022-jp": "iso2022_jp_ext",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "euc-jp": "euc_jis_2004",
    "ks_c_5601-1987": "cp949",
}
_FALLBACKS = ("utf-8", "iso2022_jp_ext", "cp932", "euc_jis_2004")
_ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "hr", "i", "li", "ol", "p", "pre",
    "span", "strong", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    size: int
    sha256: str
    content: bytes | None  # None when over the cap: the attachment is recorded but not stored


@dataclass
class ParsedMail:
    message_id: str = ""
    in_reply_to: str = ""
    references: list[str] = field(default_factory=list)
    from_name: str = ""
    from_address: str = ""
    subject: str = ""
    text: str = ""
    html: str = ""
    date: datetime | None = None
    auto_reason: str = ""
    attachments: list[ParsedAttachment] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def decode_bytes(data: bytes, charset: str | None) -> tuple[str, bool]:
    """Return ``data`` as text and whether the declared charset worked; try Japanese charsets when it does not."""
    declared = (charset or "").strip().strip('"').lower()
    candidates = [_CHARSET_ALIASES.get(declared, declared)] if declared else []
    for name in (*candidates, *_FALLBACKS):
        try:
            return data.decode(name), bool(candidates) and name == candidates[0]
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace"), False


def sanitize_html(html: str) -> str:
    """Return HTML with no script, event handler, style, form, image or remote resource: text and links only."""
    return nh3.clean(
        html[:MAX_TEXT_CHARS],
        tags=_ALLOWED_TAGS,
        clean_content_tags={"script", "style", "template", "iframe", "object", "noscript", "textarea", "title"},
        attributes={"a": {"href"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def html_to_text(html: str) -> str:
    """Return readable text from HTML (for mail that has no plain part)."""
    text = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", " ", html)
    text = re.sub(r"(?i)<br\s*/?>|</(p|div|li|tr|h\d)>", "\n", text)
    text = re.sub(r"<[^>]+>", "", text)
    import html as html_module

    return html_module.unescape(text)


def _header(message: EmailMessage, name: str, problems: list[str]) -> str:
    try:
        value = message.get(name)
    except Exception:  # the header parser raises on some broken encodings
        problems.append(f"header:{name.lower()}")
        return ""
    if value is None:
        return ""
    try:
        return jptext.strip_invisible(str(value)).replace("\r", " ").replace("\n", " ").strip()
    except Exception:
        problems.append(f"header:{name.lower()}")
        return ""


def _ids(value: str) -> list[str]:
    return re.findall(r"<[^<>\s]+>", value)


def auto_reason(message: EmailMessage) -> str:
    """Return why a message looks automatic (loop guard), or an empty string for a person's mail."""
    # A header with a non-ASCII byte comes back as a ``Header`` object, not a string: read every value through str().
    auto = str(message.get("Auto-Submitted") or "").strip().lower()
    if auto and auto != "no":
        return "auto-submitted"
    if message.get("X-Auto-Response-Suppress"):
        value = str(message.get("X-Auto-Response-Suppress")).lower()
        if any(flag in value for flag in ("all", "oof", "autoreply")):
            return "auto-response-suppress"
    if message.get("List-Id") or message.get("List-Unsubscribe"):
        return "mailing-list"
    precedence = str(message.get("Precedence") or "").strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply"):
        return "precedence"
    if message.get("X-Autoreply") or message.get("X-Autorespond"):
        return "autoreply"
    sender = str(message.get("Return-Path") or "").strip()
    if sender in ("<>",) or re.search(r"mailer-daemon|postmaster", str(message.get("From") or ""), re.I):
        return "bounce"
    return ""


def parse(raw: bytes) -> ParsedMail:
    """Return the parts of a raw RFC 5322 message; never raise."""
    out = ParsedMail()
    try:
        message = email.message_from_bytes(raw, policy=email.policy.compat32)
    except Exception:
        out.problems.append("unparseable")
        out.text, _ok = decode_bytes(raw[:MAX_TEXT_CHARS], None)
        return out
    problems = out.problems
    out.message_id = (_ids(_header(message, "Message-ID", problems)) or [""])[0]
    out.in_reply_to = (_ids(_header(message, "In-Reply-To", problems)) or [""])[0]
    out.references = _ids(_header(message, "References", problems))[-50:]
    out.subject = _decode_header(message.get("Subject"), problems)
    name, address = _first_address(message, problems)
    out.from_name, out.from_address = name, address
    try:
        out.date = parsedate_to_datetime(str(message.get("Date"))) if message.get("Date") else None
        if out.date is not None and out.date.tzinfo is None:
            out.date = None
    except (TypeError, ValueError, IndexError):
        problems.append("header:date")
    try:
        out.auto_reason = auto_reason(message)
    except Exception:  # a header the parser cannot read: the mail is still a person's inquiry
        problems.append("header:auto")
    texts: list[str] = []
    htmls: list[str] = []
    for part in _walk(message, problems):
        try:
            _read_part(part, out, texts, htmls)
        except Exception:  # a part the email package cannot read must not lose the rest of the mail
            problems.append("payload")
    out.html = sanitize_html("\n".join(htmls)) if htmls else ""
    text = "\n".join(t for t in texts if t.strip())
    if not text and htmls:
        text = html_to_text("\n".join(htmls))
    out.text = jptext.strip_invisible(text)[:MAX_TEXT_CHARS]
    return out


def _walk(message: EmailMessage, problems: list[str]) -> list[EmailMessage]:
    try:
        return [p for p in message.walk() if not p.is_multipart()]
    except Exception:
        problems.append("structure")
        return [message]


def _decode_header(value: object, problems: list[str]) -> str:
    if value is None:
        return ""
    try:
        parts = email.header.decode_header(str(value))
        text = "".join(
            decode_bytes(chunk, charset)[0] if isinstance(chunk, bytes) else chunk for chunk, charset in parts
        )
    except Exception:
        problems.append("header:subject")
        text = str(value)
    return jptext.normalize_whitespace(jptext.strip_invisible(text))[:500]


def _first_address(message: EmailMessage, problems: list[str]) -> tuple[str, str]:
    raw = message.get_all("From") or []  # never Reply-To: see intake/sender.py
    try:
        pairs = getaddresses([str(v) for v in raw])
    except Exception:
        problems.append("header:from")
        return "", ""
    for name, address in pairs:
        if "@" in address:
            return _decode_header(name, problems)[:200], address.strip()[:254]
    return "", ""


def _salvage_base64(raw: object) -> bytes:
    """Decode the whole 4-character groups of a base64 text whose length is wrong (the tail is lost)."""
    text = re.sub(rb"[^A-Za-z0-9+/]", b"", raw.encode("ascii", "ignore") if isinstance(raw, str) else b"")
    return base64.b64decode(text[: len(text) // 4 * 4])


def _read_part(part: EmailMessage, out: ParsedMail, texts: list[str], htmls: list[str]) -> None:
    content_type = (part.get_content_type() or "application/octet-stream").lower()
    disposition = str(part.get("Content-Disposition") or "").lower()
    filename = part.get_filename()
    payload: object
    known_defects = len(part.defects)
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        out.problems.append("payload")
        payload = None
    decoding_defects = part.defects[known_defects:]
    if decoding_defects:
        # Broken base64 (bad length, characters or padding) comes back partly or not at all decoded: say so, and
        # decode what can be decoded rather than show the base64 text as if it were the message.
        out.problems.append("payload")
        if any(isinstance(d, email.errors.InvalidBase64LengthDefect) for d in decoding_defects):
            payload = _salvage_base64(part.get_payload(decode=False))
    if not isinstance(payload, bytes):
        raw = part.get_payload()
        payload = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""
    if content_type.startswith("multipart/") and not filename:
        # A multipart that did not parse (no or a wrong boundary): read it as text rather than lose it.
        out.problems.append("structure")
        content_type = "text/plain"
    is_attachment = "attachment" in disposition or bool(filename) or not content_type.startswith("text/")
    if not is_attachment and content_type in ("text/plain", "text/html"):
        text, ok = decode_bytes(payload, part.get_content_charset())
        if not ok:
            out.problems.append("charset")
        (texts if content_type == "text/plain" else htmls).append(text[:MAX_TEXT_CHARS])
        return
    name = _decode_header(filename, out.problems) if filename else "attachment"
    out.attachments.append(
        ParsedAttachment(
            filename=name[:200],
            content_type=content_type[:120],
            size=len(payload),
            sha256=hashlib.sha256(payload).hexdigest(),
            content=payload if len(payload) <= MAX_ATTACHMENT_BYTES else None,
        )
    )
