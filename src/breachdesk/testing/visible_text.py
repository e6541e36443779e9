"""Find the words a person reads on a page in the wrong language.

The HTML is read with the standard library's parser: text outside <script>, <style> and <template> and the
attribute texts a person sees or hears (title, placeholder, aria-label, alt, value of buttons) count as visible.
``english_words`` returns the Latin words that are neither names nor acronyms on the allow-list, so a Japanese page
with a key such as ``over_1000`` or a sentence left in English shows up; ``japanese_runs`` does the same for the
English UI.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

# Commands and code samples are data, not wording.
SKIPPED = {"script", "style", "template", "noscript", "code", "kbd", "samp"}
VISIBLE_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
BUTTON_INPUTS = {"submit", "button", "reset"}

# Names, acronyms and units a Japanese page legitimately shows in Latin letters.
ALLOWED = {
    # laws, regulators and standards
    "ppc",
    "appi",
    "gdpr",
    "jnsa",
    "jis",
    "iso",
    "pci",
    "dss",
    "jpcert",
    "cc",
    "ipa",
    "nisc",
    "eu",
    "jp",
    # formats and protocols
    "csv",
    "docx",
    "pdf",
    "xlsx",
    "json",
    "html",
    "url",
    "atom",
    "rss",
    "smtp",
    "imap",
    "api",
    "mime",
    "utf",
    "cp",
    "id",
    "ids",
    "faq",
    "totp",
    "http",
    "https",
    "www",
    "ok",
    "ng",
    "mx",
    "dkim",
    "spf",
    "dmarc",
    "sla",
    "ip",
    "db",
    "hmac",
    "aes",
    "gcm",
    "sha",
    "qr",
    "ui",
    "os",
    # the product, the demo organisations and personas' names as the seeds write them
    "breachdesk",
    "oco",
    "gr",
    "dn",
    "allticket",
    "online",
    # loanwords and brands written in Latin letters inside Japanese text (Webサーバー, QUOカード)
    "web",
    "quo",
    "it",
    "sns",
    "line",
    "yahoo",
    "bb",
    "tbc",
    "ep",
    "jo",
    # the language switcher names each language in itself
    "english",
    # units and symbols
    "kb",
    "mb",
    "gb",
    "tb",
    "px",
    "am",
    "pm",
    "jst",
    "utc",
    "vs",
    "x",
    "y",
    "re",
    "markdown",
    "message-id",
}

_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*[A-Za-z]|[A-Za-z]")
# Text that is data rather than wording: e-mail addresses, URLs, file names, codes such as OCO0000123 or oco-2026.
_DATA = re.compile(
    r"\bQ&A\b"  # the PPC's Q&A, a name
    r"|[\w.+*-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses, masked ones too
    r"|(?:https?://|/)[^\s]+"  # URLs and paths
    r"|\b[\w-]+\.(?:csv|xlsx|pdf|docx|txt|eml|json|zip|png)\b"  # file names
    r"|\b[A-Za-z]*\d[\w-]*"  # codes that contain a digit
    r"|\b[a-z]+(?:-[a-z0-9]+)+\b"  # slugs such as oco-2026 or jp-preliminary
    r"|\b[A-Z0-9]{8,}\b"  # inquiry numbers and other tokens
)
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]+")


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        # The open elements inside a skipped one (script, style, code, translate="no"); empty when not skipping.
        self._skipping: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if self._skipping:
            if tag not in VOID:
                self._skipping.append(tag)
            return
        if tag in SKIPPED or values.get("translate") == "no":
            # translate="no" marks what people wrote (an inquiry's subject, a mail body): data, not our wording.
            if tag not in VOID:
                self._skipping.append(tag)
            return
        for name in VISIBLE_ATTRIBUTES:
            if values.get(name):
                self.parts.append(str(values[name]))
        if tag == "input" and (values.get("type") or "") in BUTTON_INPUTS and values.get("value"):
            self.parts.append(str(values["value"]))

    def handle_endtag(self, tag: str) -> None:
        if self._skipping and tag in self._skipping:
            while self._skipping and self._skipping.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if not self._skipping and data.strip():
            self.parts.append(data)


def visible_texts(html: str) -> list[str]:
    """Return the pieces of text a person reads or hears on ``html``."""
    parser = _Extractor()
    parser.feed(html)
    parser.close()
    return parser.parts


def english_words(html: str, *, allowed: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Return the Latin words on ``html`` outside the allow-list, data (addresses, codes, URLs) left out."""
    found: list[str] = []
    allow = ALLOWED | {a.lower() for a in allowed}
    for text in visible_texts(html):
        for word in _WORD.findall(_DATA.sub(" ", text)):
            if word.lower() not in allow:
                found.append(word)
    return found


def japanese_runs(html: str, *, allowed: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Return the runs of Japanese script on ``html`` that are not on ``allowed`` (names, quoted titles)."""
    found: list[str] = []
    for text in visible_texts(html):
        found.extend(run for run in _JAPANESE.findall(text) if run not in allowed)
    return found


def system_japanese(root: Path) -> frozenset[str]:
    """Return the runs of Japanese script that our own code writes (catalog translations and Japanese literals).

    On an English page such a run means a text of ours that stayed Japanese. Names, notice texts and other data that
    people wrote are not in this set. Runs that the English texts themselves quote (``Leak (漏えい)``: the legal
    term next to its translation) are left out, as are documents that are Japanese by law (PDF letters, the DOCX
    report) and demo data.
    """
    runs: set[str] = set()
    quoted: set[str] = set()
    po = root / "locale" / "ja" / "LC_MESSAGES" / "django.po"
    msgid = True
    for line in po.read_text(encoding="utf-8").splitlines():
        if line.startswith(("msgid", "msgctxt")):
            msgid = True
        elif line.startswith("msgstr"):
            msgid = False
        target = quoted if msgid else runs
        target.update(_JAPANESE.findall(line))
    for path in root.rglob("*"):
        if path.suffix not in (".py", ".html") or any(part in _NOT_UI for part in path.relative_to(root).parts):
            continue
        if path.name in _NOT_UI:
            continue
        runs.update(_JAPANESE.findall(path.read_text(encoding="utf-8")))
    return frozenset(run for run in runs - quoted if len(run) > 1)


# Where Japanese is data or law rather than UI wording.
_NOT_UI = {"tests", "locale", "data", "pdf", "migrations", "demo.py", "testing", "reports", "letters", "defaults.py"}
