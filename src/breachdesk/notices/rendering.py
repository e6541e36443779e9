"""Render Markdown safely and compare texts: line by line, or by a hash that ignores line ends and trailing spaces.

Markdown is converted with ``markdown`` and the HTML is then cleaned by ``nh3`` against a small allowlist: raw HTML
typed into a notice never survives, links get ``rel="noopener noreferrer"``, and only http(s) and mailto URLs stay.
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "ul", "ol", "li", "strong", "em", "code", "pre", "blockquote",
    "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}


def markdown_html(text: str) -> SafeString:
    """Return ``text`` (Markdown) as sanitised HTML, safe to put in a page."""
    # Escape raw HTML before Markdown sees it, then sanitise what Markdown made: belt and braces.
    raw = markdown.markdown(text or "", extensions=["tables", "sane_lists"], output_format="html")
    clean = nh3.clean(
        raw,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return mark_safe(clean)  # noqa: S308 - nh3 removed all outside the allowlist  # nosec


def markdown_text(text: str) -> str:
    """Return ``text`` without Markdown markup, for feeds' summaries and plain-text mail."""
    return nh3.clean(markdown.markdown(text or ""), tags=set()).strip()


@dataclass(frozen=True)
class DiffLine:
    op: str  # "equal", "insert", "delete"
    text: str


def text_diff(old: str, new: str) -> list[DiffLine]:
    """Return the line diff of ``old`` and ``new`` (unchanged lines included, to read in context)."""
    a, b = old.splitlines(), new.splitlines()
    lines: list[DiffLine] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            lines += [DiffLine("equal", line) for line in a[i1:i2]]
            continue
        if tag in ("replace", "delete"):
            lines += [DiffLine("delete", line) for line in a[i1:i2]]
        if tag in ("replace", "insert"):
            lines += [DiffLine("insert", line) for line in b[j1:j2]]
    return lines


def text_hash(text: str) -> str:
    """Return the SHA-256 of a text with normalised line ends, so CRLF/LF copies compare equal."""
    normalised = "\n".join(line.rstrip() for line in (text or "").replace("\r\n", "\n").strip().split("\n"))
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()
