"""Read an email into plain parts, whatever its shape: bad MIME, wrong or missing charsets, hostile HTML.

Nothing here raises on bad input. A problem is noted in ``problems`` and the best readable text is kept, so that
no inquiry is lost because its mail was malformed.
"""

from __future__ import annotations

import base64
import email
import email.errors
import email.generator
import email.policy
import hashlib
import io
import quopri
import re
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message as EmailMessage
from email.utils import parsedate_to_datetime

import nh3

from breachdesk.core import jptext
from breachdesk.inquiries.intake import decoding

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_TEXT_CHARS = 200_000
# How deep attached mails (message/rfc822 inside message/rfc822 ...) are opened; deeper ones are kept as files only.
MAX_NESTING = 5
_ALLOWED_TAGS = {
    "a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "hr", "i", "li", "ol", "p", "pre",
    "span", "strong", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
}  # fmt: skip


@dataclass
class AttachedMail:
    """Describe a mail attached to a mail (a forwarded phishing mail): shown apart from the sender's own words."""

    subject: str = ""
    from_name: str = ""
    from_address: str = ""
    date: str = ""
    text: str = ""
    attachment_names: list[str] = field(default_factory=list)


@dataclass
class ParsedAttachment:
    filename: str
    content_type: str
    size: int
    sha256: str
    content: bytes | None  # None when over the cap: the attachment is recorded but not stored
    mail: AttachedMail | None = None  # set for message/rfc822 and text/rfc822-headers parts


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
    """Return ``data`` as text and whether it decoded as declared (no wrong label, no replaced bytes).

    ISO-2022-JP is read with the CP50220 extensions, Shift_JIS as CP932; a wrong or missing label on 8-bit bytes is
    answered by a guess among UTF-8, CP932 and EUC-JP (see ``decoding.text_decode``).
    """
    decoded = decoding.text_decode(data, charset)
    return decoded.text, not decoded.repaired


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
    return _parse(raw, 0)


def _parse(raw: bytes, depth: int) -> ParsedMail:
    out = ParsedMail()
    try:
        message = email.message_from_bytes(_with_found_boundary(raw), policy=email.policy.compat32)
    except Exception:
        out.problems.append("unparseable")
        out.text, _ok = decode_bytes(raw[:MAX_TEXT_CHARS], None)
        return out
    problems = out.problems
    if any(isinstance(d, email.errors.MissingHeaderBodySeparatorDefect) for d in message.defects):
        # A line that is no header ended the header block early: the rest (later headers included) is read as body.
        problems.append("structure")
    if any(isinstance(d, _UNSPLIT) for d in message.defects):
        # A multipart whose parts could not be split (no boundary declared or found): kept as raw text, and said so.
        problems.append("structure")
    out.message_id = (_ids(_header(message, "Message-ID", problems)) or [""])[0]
    out.in_reply_to = (_ids(_header(message, "In-Reply-To", problems)) or [""])[0]
    out.references = _ids(_header(message, "References", problems))[-50:]
    out.subject = _decode_header(_raw_header(message, "Subject"), problems)
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
            _read_part(part, out, texts, htmls, depth)
        except Exception:  # a part the email package cannot read must not lose the rest of the mail
            problems.append("payload")
    out.html = sanitize_html("\n".join(htmls)) if htmls else ""
    text = "\n".join(t for t in texts if t.strip())
    if not text and htmls:
        text = html_to_text("\n".join(htmls))
    out.text = jptext.strip_invisible(text)[:MAX_TEXT_CHARS]
    return out


_HEAD_END = re.compile(rb"\r?\n\r?\n")
_CONTENT_TYPE_LINE = re.compile(rb"(?im)^content-type:[ \t]*multipart/[^\r\n]*(?:\r?\n[ \t][^\r\n]*)*")
# A boundary is 1-70 characters; spaces are allowed inside it, not at its end (RFC 2046 5.1.1). Mailers write longer
# ones too, and skipping such a line would take a later one (a nested part's) for the boundary and hide the text
# before it: up to 200 are taken.
_BCHAR = rb"0-9A-Za-z'()+_,./:=?\-"
_DASH_LINE = re.compile(rb"(?m)^--([" + _BCHAR + rb"](?:[" + _BCHAR + rb" ]{0,198}[" + _BCHAR + rb"])?)[ \t]*\r?$")
# What the email package reports when a multipart's parts cannot be told apart: its body then reads as one text.
_UNSPLIT = (email.errors.NoBoundaryInMultipartDefect, email.errors.MultipartInvariantViolationDefect)


def _with_found_boundary(raw: bytes) -> bytes:
    """Return ``raw`` with the boundary of a multipart that declares none taken from its first ``--`` line."""
    end = _HEAD_END.search(raw)
    if end is None:
        return raw
    head = raw[: end.start()]
    line = _CONTENT_TYPE_LINE.search(head)
    if line is None or b"boundary" in line.group(0).lower():
        return raw
    found = _DASH_LINE.search(raw, end.end())
    if found is None:
        return raw
    fixed = line.group(0) + b'; boundary="' + found.group(1) + b'"'
    return head[: line.start()] + fixed + head[line.end() :] + raw[end.start() :]


def _walk(message: EmailMessage, problems: list[str]) -> list[EmailMessage]:
    """Return the leaf parts, an attached mail (message/rfc822) counting as one leaf: it is kept whole."""
    leaves: list[EmailMessage] = []

    def visit(part: EmailMessage, level: int) -> None:
        if len(leaves) > 500 or level > 50:
            problems.append("structure")
            return
        content_type = part.get_content_type()
        if content_type in _MAIL_TYPES or not part.is_multipart() or content_type.startswith("message/"):
            leaves.append(part)
            return
        payload = part.get_payload()
        for child in payload if isinstance(payload, list) else []:
            if isinstance(child, EmailMessage):
                visit(child, level + 1)

    try:
        visit(message, 0)
    except Exception:
        problems.append("structure")
        return [message]
    return leaves


_UNNAMED = {
    "message/delivery-status": "delivery-status.txt",
    "message/disposition-notification": "disposition-notification.txt",
    "message/global-delivery-status": "delivery-status.txt",
}
_MAIL_TYPES = ("message/rfc822", "text/rfc822-headers", "message/global", "message/global-headers")


def _raw_header(message: EmailMessage, name: str) -> bytes | None:
    """Return a header's value as the bytes that arrived (the email package would replace 8-bit bytes with "�")."""
    wanted = name.lower()
    for key, value in message.raw_items():
        if key.lower() == wanted:
            return decoding.raw_bytes(value)
    return None


def _decode_header(value: object, problems: list[str], *, what: str = "subject") -> str:
    if value is None:
        return ""
    try:
        text, repaired = decoding.header_decode(value if isinstance(value, bytes) else decoding.raw_bytes(value))
    except Exception:
        problems.append(f"header:{what}")
        text, repaired = str(value), False
    if repaired:
        problems.append("charset")
    return jptext.normalize_whitespace(jptext.strip_invisible(text))[:500]


def _first_address(message: EmailMessage, problems: list[str]) -> tuple[str, str]:
    """Return the From name and address (the sender is From; Reply-To never replaces or hides it)."""
    for key, value in message.raw_items():
        if key.lower() != "from":
            continue
        try:
            name, address, repaired = decoding.address_decode(decoding.raw_bytes(value))
        except Exception:
            problems.append("header:from")
            continue
        if repaired:
            problems.append("charset")
        if address:
            name = jptext.normalize_whitespace(jptext.strip_invisible(name))
            return name[:200], address[:254]
    return "", ""


def _salvage_base64(raw: object) -> bytes:
    """Decode the whole 4-character groups of a base64 text whose length is wrong (the tail is lost)."""
    text = re.sub(rb"[^A-Za-z0-9+/]", b"", raw.encode("ascii", "ignore") if isinstance(raw, str) else b"")
    return base64.b64decode(text[: len(text) // 4 * 4])


def _filename(part: EmailMessage, problems: list[str]) -> str | None:
    """Return the part's file name: Content-Disposition ``filename`` first, then Content-Type ``name``."""
    for header, param in (("Content-Disposition", "filename"), ("Content-Type", "name")):
        raw = _raw_header(part, header)
        if raw is None:
            continue
        try:
            value, repaired = decoding.parameter_decode(raw, param)
        except Exception:
            problems.append("header:filename")
            continue
        if repaired:
            problems.append("charset")
        if value:
            return jptext.normalize_whitespace(jptext.strip_invisible(value)).replace("/", "_").replace("\\", "_")
    return None


def _payload_bytes(part: EmailMessage, problems: list[str]) -> bytes:
    known_defects = len(part.defects)
    payload: object
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        problems.append("payload")
        payload = None
    decoding_defects = part.defects[known_defects:]
    if decoding_defects:
        # Broken base64 (bad length, characters or padding) comes back partly or not at all decoded: say so, and
        # decode what can be decoded rather than show the base64 text as if it were the message.
        problems.append("payload")
        if any(isinstance(d, email.errors.InvalidBase64LengthDefect) for d in decoding_defects):
            payload = _salvage_base64(part.get_payload(decode=False))
    if not isinstance(payload, bytes):
        raw = part.get_payload()
        if isinstance(raw, list):
            # message/delivery-status and other message/* types come as a list of header blocks.
            payload = b"\r\n".join(_flatten(block) for block in raw if isinstance(block, EmailMessage))
        else:
            payload = raw.encode("ascii", "surrogateescape") if isinstance(raw, str) else b""
    return payload


def _flatten(message: EmailMessage) -> bytes:
    buffer = io.BytesIO()
    email.generator.BytesGenerator(buffer, mangle_from_=False, policy=email.policy.compat32).flatten(message)
    return buffer.getvalue()


def _attached_mail_bytes(part: EmailMessage) -> bytes:
    """Return the bytes of an attached mail (message/rfc822), undoing a base64 or quoted-printable wrapping."""
    payload = part.get_payload()
    if isinstance(payload, list):
        data = _flatten(payload[0] if payload and isinstance(payload[0], EmailMessage) else EmailMessage())
    else:
        data = decoding.raw_bytes(payload)
    encoding = str(part.get("Content-Transfer-Encoding") or "").strip().lower()
    if encoding == "base64":
        data = _salvage_base64(data.decode("ascii", "ignore") + "====")
    elif encoding == "quoted-printable":
        data = quopri.decodestring(data)
    return data


def _read_mail_part(part: EmailMessage, out: ParsedMail, content_type: str, depth: int) -> None:
    if content_type.endswith("rfc822") or content_type == "message/global":
        data = _attached_mail_bytes(part)
    else:
        data = _payload_bytes(part, out.problems)
    if depth < MAX_NESTING:
        inner = _parse(data, depth + 1)
        mail = AttachedMail(
            subject=inner.subject,
            from_name=inner.from_name,
            from_address=inner.from_address,
            date=inner.date.isoformat() if inner.date else "",
            text=inner.text,
            attachment_names=[a.filename for a in inner.attachments][:50],
        )
        if any(p != "charset" for p in inner.problems):
            out.problems.append("attached-mail")
        if "charset" in inner.problems:
            out.problems.append("charset")
    else:
        out.problems.append("structure")
        mail = AttachedMail()
    name = _filename(part, out.problems) or _eml_name(mail.subject, content_type)
    out.attachments.append(
        ParsedAttachment(
            filename=name[:200],
            content_type=content_type[:120],
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            content=data if len(data) <= MAX_ATTACHMENT_BYTES else None,
            mail=mail,
        )
    )


def _eml_name(subject: str, content_type: str) -> str:
    stem = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", subject).strip(" .")[:120]
    if not stem:
        stem = "headers" if "headers" in content_type else "message"
    return f"{stem}.eml"


def _read_part(part: EmailMessage, out: ParsedMail, texts: list[str], htmls: list[str], depth: int = 0) -> None:
    content_type = (part.get_content_type() or "application/octet-stream").lower()
    if content_type in _MAIL_TYPES:
        _read_mail_part(part, out, content_type, depth)
        return
    disposition = str(part.get("Content-Disposition") or "").lower()
    filename = _filename(part, out.problems)
    payload = _payload_bytes(part, out.problems)
    if content_type.startswith("multipart/") and not filename:
        # A multipart that did not parse (no or a wrong boundary): read it as text rather than lose it.
        out.problems.append("structure")
        content_type = "text/plain"
    is_attachment = "attachment" in disposition or bool(filename) or not content_type.startswith("text/")
    if not is_attachment and content_type in ("text/plain", "text/html"):
        text, ok = decode_bytes(payload, part.get_param("charset") and part.get_content_charset())
        if not ok:
            out.problems.append("charset")
        (texts if content_type == "text/plain" else htmls).append(text[:MAX_TEXT_CHARS])
        return
    out.attachments.append(
        ParsedAttachment(
            filename=(filename or _UNNAMED.get(content_type, "attachment"))[:200],
            content_type=content_type[:120],
            size=len(payload),
            sha256=hashlib.sha256(payload).hexdigest(),
            content=payload if len(payload) <= MAX_ATTACHMENT_BYTES else None,
        )
    )
