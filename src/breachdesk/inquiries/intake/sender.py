"""Read who sent a mail, and what the receiving server said about it, from the raw headers.

The sender is the ``From`` address (``mime.parse``). ``Reply-To`` is set freely by whoever writes the mail, so it is
kept only to be shown beside the sender, never used for threading or registry matching. ``Authentication-Results``
is the receiving server's verdict (RFC 8601): only the topmost header counts, because the receiving server adds its
own on top and anything below it came with the mail. With ``BREACHDESK_AUTHSERV_IDS`` set, only a header from one of
those servers counts at all.
"""

from __future__ import annotations

import email.policy
import re
from dataclasses import dataclass, field
from email.parser import BytesHeaderParser
from email.utils import getaddresses

from django.conf import settings

METHODS = ("spf", "dkim", "dmarc")
_RESULT = re.compile(r"(?:^|;)\s*(spf|dkim|dmarc)\s*=\s*([a-z]+)", re.I)
# The verdicts that RFC 8601 defines for the three methods; anything else is recorded as ``unknown``.
_KNOWN = {"pass", "fail", "softfail", "neutral", "none", "temperror", "permerror", "policy"}


@dataclass(frozen=True)
class SenderFacts:
    reply_to: str = ""
    auth_results: dict[str, str] = field(default_factory=dict)


def _authserv_ids() -> set[str]:
    return {str(i).strip().lower() for i in settings.BREACHDESK_AUTHSERV_IDS if str(i).strip()}


def auth_results_parse(value: str) -> dict[str, str]:
    """Return the SPF, DKIM and DMARC verdicts of one ``Authentication-Results`` value (first result per method)."""
    text = re.sub(r"\([^)]*\)", " ", value or "")  # comments may hold anything
    found: dict[str, str] = {}
    for method, result in _RESULT.findall(text):
        method, result = method.lower(), result.lower()
        if method not in found:
            found[method] = result if result in _KNOWN else "unknown"
    return found


def sender_facts(raw: bytes) -> SenderFacts:
    """Return the ``Reply-To`` address and the receiving server's SPF/DKIM/DMARC verdicts of ``raw``; never raise."""
    try:
        headers = BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)
        reply_to = ""
        for _name, address in getaddresses([str(v) for v in headers.get_all("Reply-To") or []]):
            if "@" in address:
                reply_to = address.strip()[:254]
                break
        results: dict[str, str] = {}
        allowed = _authserv_ids()
        for value in headers.get_all("Authentication-Results") or []:
            text = " ".join(str(value).split())
            authserv = text.split(";", 1)[0].strip().split(" ")[0].lower()
            if allowed and authserv not in allowed:
                continue
            results = auth_results_parse(text.split(";", 1)[1] if ";" in text else "")
            break  # the topmost header from the receiving server; the rest came with the mail
        return SenderFacts(reply_to=reply_to, auth_results={k: results[k] for k in METHODS if k in results})
    except Exception:  # a header the parser cannot read gives no facts, never a lost mail
        return SenderFacts()


def dmarc_warning(auth_results: dict[str, str] | None) -> str:
    """Return ``failed`` or ``missing`` when the mail's DMARC did not pass, else an empty string."""
    verdict = (auth_results or {}).get("dmarc", "")
    if verdict == "pass":
        return ""
    return "missing" if verdict in ("", "none") else "failed"
