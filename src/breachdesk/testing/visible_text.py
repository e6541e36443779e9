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

# Commands and code samples are data, not wording.
SKIPPED = {"script", "style", "template", "noscript", "code", "kbd", "samp"}
VISIBLE_ATTRIBUTES = {"title", "placeholder", "aria-label", "alt"}
BUTTON_INPUTS = {"submit", "button", "reset"}

# Names, acronyms and units a Japanese page legitimately shows in Latin letters.
ALLOWED = {
    # laws, regulators and standards
    "ppc", "appi", "gdpr", "jnsa", "jis", "iso", "pci", "dss", "jpcert", "cc", "ipa", "nisc", "eu", "jp",
    # formats and protocols
    "csv", "docx", "pdf", "xlsx", "json", "html", "url", "atom", "rss", "smtp", "imap", "api", "mime", "utf",
    "cp", "id", "ids", "faq", "totp", "http", "https", "www", "ok", "ng", "mx", "dkim", "spf", "dmarc", "sla", "ip",
    "db", "hmac", "aes", "gcm", "sha", "qr", "ui", "os",
    # the product, the demo organisations and personas' names as the seeds write them
    "breachdesk", "oco", "gr", "dn", "allticket", "online",
    # loanwords and brands written in Latin letters inside Japanese text (Webサーバー, QUOカード)
    "web", "quo", "it", "sns", "line", "yahoo", "bb", "tbc", "ep", "jo",
    # the language switcher names each language in itself
    "english",
    # units and symbols
    "kb", "mb", "gb", "tb", "px", "am", "pm", "jst", "utc", "no", "vs",
}

_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*[A-Za-z]|[A-Za-z]")
# Text that is data rather than wording: e-mail addresses, URLs, file names, codes such as OCO0000123 or oco-2026.
_DATA = re.compile(
    r"\bQ&A\b"  # the PPC's Q&A, a name
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mail addresses
    r"|(?:https?://|/)[^\s]+"  # URLs and paths
    r"|\b[\w-]+\.(?:csv|xlsx|pdf|docx|txt|eml|json|zip|png)\b"  # file names
    r"|\b[A-Za-z]*\d[\w-]*"  # codes that contain a digit
    r"|\b[a-z]+(?:-[a-z0-9]+)+\b"  # slugs such as oco-2026 or jp-preliminary
    r"|\b[A-Z0-9]{8,}\b"  # inquiry numbers and other tokens
)
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff66-\uff9f]+")


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED:
            self._skip += 1
            return
        values = dict(attrs)
        if "hidden" in values or values.get("aria-hidden") == "true":
            # Hidden elements still hold visible children in many layouts; only the attribute texts are skipped.
            return
        for name in VISIBLE_ATTRIBUTES:
            if values.get(name):
                self.parts.append(str(values[name]))
        if tag == "input" and (values.get("type") or "") in BUTTON_INPUTS and values.get("value"):
            self.parts.append(str(values["value"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
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
