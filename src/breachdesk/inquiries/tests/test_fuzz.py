"""Fuzz the mail intake: generated MIME with odd charsets, broken encodings, nested or broken multiparts, huge headers.

``mime.parse`` promises never to raise and never to lose an inquiry. So for every generated message:

- parsing returns a ``ParsedMail`` whose fields keep their caps;
- each text part's marker is in the text, the HTML or an attachment, or the parse notes a problem (no silent loss);
- taking the raw bytes (or an mbox of them) in gives an inquiry per message, or a stated reason to drop it.

``bench/fuzz_parsers.py`` runs the same properties for longer.
"""

from __future__ import annotations

import base64
import binascii
import html
import quopri
import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from breachdesk.inquiries.intake import mime
from breachdesk.inquiries.intake.imap import receive_raw, upload_read
from breachdesk.inquiries.models import Channel
from breachdesk.testing.fixtures import World

FUZZ = settings(max_examples=150, deadline=None)
DB_FUZZ = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Declared charset -> the codec that really writes the bytes (a mislabelled part is written in another one).
CHARSETS = {
    "utf-8": "utf-8",
    "iso-2022-jp": "iso2022_jp",
    "shift_jis": "cp932",
    "euc-jp": "euc_jp",
    "utf-16": "utf-16",
    "iso-8859-1": "latin-1",
    "us-ascii": "cp932",  # mislabelled
    "x-unknown-charset": "utf-8",
    "": "cp932",  # missing
    '"utf-8"': "utf-8",
}
WORDS = ["退会", "問い合わせ", "個人情報", "ﾀｲｶｲ", "①㈱", "Grüße", "café", "\u200b", "=", "--", ".", "\t", "From x"]


@dataclass
class Built:
    raw: bytes
    markers: list[str] = field(default_factory=list)  # one per text part, to be found again
    count: int = 1  # messages in an mbox


@st.composite
def body_texts(draw: st.DrawFn, marker: str) -> str:
    words = draw(st.lists(st.sampled_from(WORDS) | st.text(max_size=8), max_size=8))
    lines = [" ".join(words[: len(words) // 2]), f"{marker} ", " ".join(words[len(words) // 2 :])]
    if draw(st.integers(0, 9)) == 0:
        lines.append("x" * draw(st.integers(900, 5000)))  # an overlong line
    return "\n".join(lines)


def _transfer(data: bytes, encoding: str) -> bytes:
    if encoding == "base64":
        return base64.encodebytes(data)
    if encoding == "quoted-printable":
        return quopri.encodestring(data)
    return data


@st.composite
def leaves(draw: st.DrawFn, markers: list[str]) -> bytes:
    """Return one non-multipart part (headers and body), noting its marker when it is text meant to be read."""
    kind = draw(
        st.sampled_from(["text/plain", "text/plain", "text/html", "application/octet-stream", "message/rfc822"])
    )
    if kind == "message/rfc822":
        inner = draw(messages(depth=3, markers=markers))
        return b"Content-Type: message/rfc822\r\n\r\n" + inner
    marker = f"MARK{len(markers)}Q"
    text = draw(body_texts(marker))
    if kind == "text/html":
        # Text in HTML is escaped (an unescaped "<?" would really hide what follows, in a browser too).
        text = f"<html><body><p onclick='x()'>{html.escape(text)}</p><script>alert(1)</script></body></html>"
    declared = draw(st.sampled_from(sorted(CHARSETS)))
    data = text.encode(CHARSETS[declared], errors="replace")
    encoding = draw(st.sampled_from(["7bit", "8bit", "base64", "quoted-printable", "binary", "x-uuencode", ""]))
    payload = _transfer(data, encoding)
    broken = draw(st.integers(0, 5)) == 0
    if broken:
        # Break the encoding, not the marker itself: base64 and quoted-printable text hides where the marker is, so
        # their junk goes at the end (a bad length, bad characters or padding the parser must notice).
        cut = len(payload) if encoding in ("base64", "quoted-printable") else draw(st.integers(0, len(payload)))
        codec = CHARSETS[declared].replace("utf-16", "utf-16-le")  # the marker's bytes, without a BOM
        found = payload.find(marker.encode(codec))
        if found != -1 and found < cut < found + len(marker) * 4:
            cut = found
        payload = (
            payload[:cut]
            + draw(st.sampled_from([b"!!", b"=Z", b"=", b"\x00", b"====", b"\xff\xfe", b"x", b"AB"]))
            + payload[cut:]
        )
    headers = [f"Content-Type: {kind}" + (f"; charset={declared}" if declared else "")]
    if encoding:
        headers.append(f"Content-Transfer-Encoding: {encoding}")
    if draw(st.integers(0, 4)) == 0:
        name = draw(st.sampled_from(["a.txt", "=?utf-8?B?5pel5pys?=.txt", "=?bogus?Q?x?=", "x" * 300, ""]))
        headers.append(f'Content-Disposition: attachment; filename="{name}"')
    markers.append(marker)
    return "\r\n".join(headers).encode() + b"\r\n\r\n" + payload


@st.composite
def parts(draw: st.DrawFn, depth: int, markers: list[str]) -> bytes:
    if depth >= 4 or draw(st.integers(0, 2)) > 0:
        return draw(leaves(markers))
    boundary = draw(st.sampled_from(["b1", "=_b", "a b", "x" * 70, "'q'"])) + str(depth)
    subtype = draw(st.sampled_from(["mixed", "alternative", "related", "signed"]))
    children = [draw(parts(depth + 1, markers)) for _ in range(draw(st.integers(0, 3)))]
    shape = draw(st.sampled_from(["ok", "ok", "ok", "no-boundary", "wrong-boundary", "unclosed", "preamble"]))
    header = f'Content-Type: multipart/{subtype}; boundary="{boundary}"'
    if shape == "no-boundary":
        header = f"Content-Type: multipart/{subtype}"
    used = "other" if shape == "wrong-boundary" else boundary
    body = b"".join(b"--" + used.encode() + b"\r\n" + child + b"\r\n" for child in children)
    if shape != "unclosed":
        body += b"--" + used.encode() + b"--\r\n"
    if shape == "preamble":
        body = b"preamble \xff\r\n" + body + b"epilogue\r\n"
    return header.encode() + b"\r\n\r\n" + body


@st.composite
def messages(draw: st.DrawFn, depth: int = 0, markers: list[str] | None = None) -> bytes:
    markers = markers if markers is not None else []
    sender = draw(
        st.sampled_from(
            [
                "taro@example.jp",
                '"山田 太郎" <taro@example.jp>',
                "=?iso-2022-jp?B?GyRCOzNFRBsoQg==?= <taro@example.jp>",
                "=?bogus?Q?x?= <a@example.jp>",
                "<>",
                "not an address",
                "a@b@c",
                "",
            ]
        )
    )
    subject = draw(
        st.sampled_from(
            [
                "退会について",
                "=?utf-8?B?6YCA5Lya?=",
                "=?ISO-2022-JP?B?broken==?=",
                "=?shift_jis?Q?=82=A0?=",
                "=?x-unknown?B?AAAA?=",
                "[#ABCDEFGHJK] Re: x",
                "y" * 100_000,
                "",
            ]
        )
    )
    headers = [f"From: {sender}", f"Subject: {subject}", "To: desk@example.test", "MIME-Version: 1.0"]
    if draw(st.booleans()):
        headers.append(f"Message-ID: <fuzz-{draw(st.integers(0, 10**9))}@example.jp>")
    headers.append("Date: " + draw(st.sampled_from(["Mon, 2 Mar 2026 10:00:00 +0900", "garbage", "Mon, 99 Foo 0"])))
    if draw(st.integers(0, 5)) == 0:
        headers.append("X-Long: " + " ".join(["folded"] * 5000))
    if draw(st.integers(0, 9)) == 0:
        headers.append(draw(st.sampled_from(["Auto-Submitted: auto-replied", "Precedence: bulk", "Bad Header\x00: x"])))
    head = "\r\n".join(headers).encode("utf-8", errors="surrogateescape")
    return head + b"\r\n" + draw(parts(depth, markers))


@st.composite
def built_messages(draw: st.DrawFn) -> Built:
    """Return a message and its markers; a message mangled as a whole (cut, bytes inserted) keeps no promise."""
    markers: list[str] = []
    raw = draw(messages(markers=markers))
    mutation = draw(st.sampled_from(["none"] * 6 + ["truncate", "lf", "cr", "garbage"]))
    if mutation == "truncate":
        raw, markers = raw[: draw(st.integers(0, len(raw)))], []
    elif mutation == "lf":
        raw = raw.replace(b"\r\n", b"\n")
    elif mutation == "cr":
        raw = raw.replace(b"\r\n", b"\r")
    elif mutation == "garbage":
        at = draw(st.integers(0, len(raw)))
        raw, markers = raw[:at] + draw(st.binary(min_size=1, max_size=40)) + raw[at:], []
    return Built(raw, markers)


def _found(marker: str, parsed: mime.ParsedMail) -> bool:
    if marker in parsed.text or marker in parsed.html:
        return True
    encodings = [marker.encode(), marker.encode("utf-16-le"), marker.encode("utf-16-be")]
    for attachment in parsed.attachments:
        # An attached mail (message/rfc822) keeps its text apart from the sender's words, shown on the inquiry.
        if attachment.mail is not None and marker in attachment.mail.text:
            return True
        if attachment.mail is not None and attachment.content and _found(marker, mime.parse(attachment.content)):
            return True  # inside a file of the attached mail: kept whole in the .eml
        content = attachment.content or b""
        if any(needle in content for needle in encodings):
            return True
        if any(needle in _undo_transfer(content) for needle in encodings):
            return True
    return False


def _undo_transfer(content: bytes) -> bytes:
    # A part whose encoding the parser does not know is kept as it came: its marker may still be base64 or QP.
    try:
        return base64.b64decode(content) + quopri.decodestring(content)
    except (binascii.Error, ValueError):
        return quopri.decodestring(content)


def check_parse(built: Built) -> mime.ParsedMail:
    parsed = mime.parse(built.raw)
    assert isinstance(parsed, mime.ParsedMail)
    assert len(parsed.text) <= mime.MAX_TEXT_CHARS
    assert len(parsed.subject) <= 500
    assert "\n" not in parsed.subject
    assert len(parsed.from_address) <= 254
    assert len(parsed.from_name) <= 200
    assert "<script" not in parsed.html.lower()
    assert not re.search(r"<[^>]*\son[a-z]+\s*=", parsed.html, re.IGNORECASE)  # no event handler attribute
    for attachment in parsed.attachments:
        assert len(attachment.filename) <= 200
        assert len(attachment.sha256) == 64
    if not [p for p in parsed.problems if not p.startswith("header:")]:  # a bad header says nothing of the body
        lost = [m for m in built.markers if not _found(m, parsed)]
        assert not lost, f"{lost} lost without a problem noted"
    return parsed


@FUZZ
@given(built_messages())
@example(Built(b"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\nTUFSSzBR!!\r\n", ["MARK0Q"]))
@example(
    Built(b"Content-Type: text/html; charset=utf-16\r\n\r\n\xff\xfe<\x00p\x00 \x00o\x00n\x00c\x00l\x00i\x00c\x00k")
)
@example(Built(b"Content-Type: text/plain\r\nContent-Transfer-Encoding: base64\r\n\r\nTUFSSzBRx\r\n", ["MARK0Q"]))
@example(Built(b"Auto-Submitted:\x80 x\r\nContent-Disposition:\x80 attachment\r\n\r\nMARK0Q\r\n", ["MARK0Q"]))
@example(Built(b"Content-Type: multipart/mixed\r\n\r\n--x\r\nContent-Type: text/plain\r\n\r\nMARK0Q\r\n", ["MARK0Q"]))
# Found by this test in CI: a boundary with a space inside (RFC 2046 allows it) that the header does not declare.
@example(
    Built(
        b"Content-Type: multipart/mixed\r\n\r\n--a b0\r\nContent-Type: text/plain\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nCk1BUkswUSAK\r\n--a b0--\r\n",
        ["MARK0Q"],
    )
)
# No boundary declared and none to be found: the body stays raw text, and a problem says so.
@example(
    Built(
        b"Content-Type: multipart/mixed\r\n\r\n-- a\r\nContent-Type: text/plain\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\nTUFSSzBR\r\n-- a--\r\n",
        ["MARK0Q"],
    )
)
# Found by this test: an undeclared boundary longer than RFC 2046's 70 characters, and a nested multipart after it.
@example(
    Built(
        b"Content-Type: multipart/mixed\r\n\r\n--"
        + b"x" * 71
        + b"\r\nContent-Type: text/plain\r\n\r\nMARK0Q\r\n--"
        + b"x" * 71
        + b'\r\nContent-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1--\r\n\r\n--'
        + b"x" * 71
        + b"--\r\n",
        ["MARK0Q"],
    )
)
def test_any_mail_parses_and_keeps_its_text_or_notes_a_problem(built: Built) -> None:
    check_parse(built)


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_parse_without_raising(raw: bytes) -> None:
    check_parse(Built(raw))


@pytest.mark.django_db
@DB_FUZZ
@given(st.lists(built_messages(), min_size=1, max_size=3), st.booleans())
def test_any_mail_or_mbox_upload_becomes_inquiries_or_a_stated_drop(
    world: World, batch: list[Built], as_mbox: bool
) -> None:
    if not as_mbox:
        result: Any = receive_raw(incident=world.incident, raw=batch[0].raw, channel=Channel.EMAIL, actor="fuzz")
        assert result.inquiry is not None or result.dropped
        return
    data = b"".join(
        b"From fuzz@example.jp Mon Mar  2 10:00:00 2026\n" + b.raw.replace(b"\r\n", b"\n") + b"\n" for b in batch
    )
    counts = upload_read(incident=world.incident, data=data, filename="box.mbox", actor="fuzz")
    assert counts["messages"] >= 1
    assert counts["created"] + counts["threaded"] + counts["dropped"] == counts["messages"]
