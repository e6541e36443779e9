"""Prepare an inquiry's text for classification: drop quoted replies and signatures, then normalise."""

from __future__ import annotations

import re

from breachdesk.core import jptext

# A line from which on everything is quoted history, not the sender's new words.
_HISTORY = re.compile(
    r"^\s*(-{2,}\s*(original message|元のメッセージ|転送メッセージ|forwarded message)\s*-{2,}"
    r"|on .{4,80} wrote:|.{2,80}(さんは書きました|wrote)\s*[:：]"
    r"|\d{4}[/年-]\d{1,2}[/月-]\d{1,2}.{0,40}<[^>]+@[^>]+>\s*[:：]?\s*$"
    r"|from:\s.+@.+|差出人\s*[:：])",
    re.IGNORECASE,
)
_QUOTE = re.compile(r"^\s*(>|＞|\|)")
# A subject or a first line that answers or forwards a message (the company's, as a rule) is quoted context.
_REPLY_SUBJECT = re.compile(r"^\s*((re|fwd?|aw|tr)\s*(\[\d+\])?\s*[:：]|転送\s*[:：])", re.IGNORECASE)
_SIGNATURE = re.compile(r"^(-- ?|--\s*$|_{5,}|[━─=＝*＊~〜]{6,})\s*$")


def strip_history(text: str) -> str:
    """Return the sender's own words: without quoted lines, the quoted history, or a trailing signature."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        if _HISTORY.match(line):
            break
        # A signature separator in the last third of the message starts the signature.
        if _SIGNATURE.match(line.strip()) and index >= len(lines) * 2 // 3 and index > 2:
            break
        if _QUOTE.match(line) or (not kept and _REPLY_SUBJECT.match(line)):
            continue
        kept.append(line)
    # A message whose only text is quoted has no words of its own (labelled `other` by the guide).
    return "\n".join(kept).strip()


def own_subject(subject: str) -> str:
    """Return the subject when the sender wrote it; a ``Re:`` or ``Fwd:`` subject is the quoted message's."""
    subject = subject or ""
    return "" if _REPLY_SUBJECT.match(jptext.nfkc(subject)) else subject


# Web-form fields (guide rule 5): the category the sender picked is a hint only, dropped when the message says
# something; the message field's text is what counts.
_FORM_FIELD = re.compile(
    r"^\s*(?:[\[【]\s*([^\]】]{1,16})\s*[\]】]\s*[:：]?|([^\s:：]{1,16}(?: [^\s:：]{1,10})?)\s*[:：])(.*)$"
)
_FORM_CATEGORY = {"お問い合わせ種別", "問い合わせ種別", "種別", "カテゴリ", "カテゴリー"}
_FORM_CATEGORY |= {"inquirytype", "category", "type"}
_FORM_MESSAGE = {"お問い合わせ内容", "問い合わせ内容", "内容", "本文", "ご相談内容"}
_FORM_MESSAGE |= {"message", "inquiry", "comments"}


def drop_form_category(text: str) -> str:
    """Return ``text`` without a web form's category line when the form's message field has text of its own."""
    lines = text.split("\n")
    fields = [_FORM_FIELD.match(line) for line in lines]
    names = [(m.group(1) or m.group(2)).replace(" ", "").lower() if m else None for m in fields]
    category = [i for i, name in enumerate(names) if name in _FORM_CATEGORY]
    start = next((i for i, name in enumerate(names) if name in _FORM_MESSAGE), None)
    if not category or start is None:
        return text
    found = fields[start]
    message = [found.group(3) if found else ""]
    for i in range(start + 1, len(lines)):
        if names[i] is not None:  # the next field
            break
        message.append(lines[i])
    if not "".join(message).strip():
        return text
    return "\n".join(line for i, line in enumerate(lines) if i not in category)


_SPACES = re.compile(r"[ \t\u3000\xa0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
# Texts longer than this are classified on their beginning: the request is nearly always there, and it bounds the
# time a pasted 100-page document can take.
MAX_CHARS = 4000


def normalise(subject: str, body: str) -> str:
    """Return subject and own words of the body as one text: NFKC, no invisible characters, lower-case, one space.

    Offsets of classifier evidence refer to this text; it is computed again when shown, never stored.
    """
    text = f"{own_subject(subject)}\n{drop_form_category(strip_history(body or ''))}"
    text = jptext.nfkc(jptext.strip_invisible(text)).lower()
    text = _BLANK_LINES.sub("\n", _SPACES.sub(" ", text))
    return "\n".join(line.strip() for line in text.split("\n"))[:MAX_CHARS]


def prepare(subject: str, body: str) -> list[str]:
    """Return the normalised sentences of subject and body (NFKC, no invisible characters, lower-case)."""
    text = f"{own_subject(subject)}\n{strip_history(body)}"
    text = jptext.nfkc(jptext.strip_invisible(text)).lower()
    sentences = re.split(r"[。！？!?\n]+|(?<=[.])\s+", text)
    return [jptext.normalize_whitespace(s) for s in sentences if s.strip()]
