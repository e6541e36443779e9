"""Write the reasons of a GDPR verdict as sentences in the reader's language, citing the article.

The EU pack keeps its English ``why`` (the ``breachdesk obligations`` JSON contract); a page builds its sentences here
from the finding's rule key, whether it applies, the facts and the verdict. A rule without a sentence here is shown
with its ``why`` as written.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from breachdesk.obligations.rules.base import Facts, Finding

SEVERITY_LEVELS: dict[str, Any] = {
    "low": _("low"),
    "medium": _("medium"),
    "high": _("high"),
    "very_high": _("very high"),
}


def severity_level(level: str) -> str:
    """Return the words for an ENISA severity level key (``very_high`` → 非常に高い), or the key when unknown."""
    label = SEVERITY_LEVELS.get(level)
    return str(label) if label is not None else level


def _risk(facts: Facts) -> str:
    if facts.cause == "phishing_by_user":
        return gettext(
            "GDPR Art. 4(12): a user who gave away their own credentials is not a breach of this controller's security."
        )
    if facts.recovered_unviewed:
        return gettext(
            "GDPR Art. 33(1): every copy was recovered before anyone saw it, so the breach is unlikely to result in "
            "a risk; document it (Art. 33(5))."
        )
    return gettext(
        "GDPR Art. 33(1): unlikely to result in a risk (SE below 2); no notice, but document it (Art. 33(5))."
    )


def _subjects(finding: Finding, facts: Facts, verdict: Any) -> str:
    if finding.applies:
        text = gettext(
            "GDPR Art. 34(1): a likely high risk: tell the data subjects without undue delay, in plain language."
        )
        if getattr(verdict, "public_communication_allowed", False):
            text += " " + gettext(
                "%(n)s have no contact data: a public communication may replace the individual notice for them "
                "(Art. 34(3)(c))."
            ) % {"n": f"{facts.without_contact:,}"}
        return text
    if "encryption" in finding.used:
        return gettext(
            "GDPR Art. 34(3)(a): encryption made the data unintelligible, so the data subjects need no notice."
        )
    return gettext("GDPR Art. 34(1): not a high risk; the data subjects need no notice.")


def eu_finding_text(finding: Finding, *, facts: Facts, verdict: Any) -> str:
    """Return the reason of a GDPR ``finding`` in the active language, citing its article; ``why`` when unknown."""
    rule = finding.rule
    if rule == "severity":
        s = verdict.severity
        return gettext("ENISA severity: SE = DPC %(dpc)s × EI %(ei)s + CB %(cb)s = %(score)s (%(level)s).") % {
            "dpc": s.dpc,
            "ei": s.ei,
            "cb": f"{s.cb:.2f}",
            "score": f"{s.score:.2f}",
            "level": severity_level(s.level),
        }
    if rule == "risk":
        return _risk(facts)
    if rule == "processor":
        text = gettext(
            "GDPR Art. 33(2): the processor notifies its controller without undue delay; the controller decides on "
            "the authority and the data subjects."
        )
        if facts.role == "entrusted":
            text = gettext("An entrusted party acts as a processor here.") + " " + text
        return text
    if rule == "authority":
        due = verdict.authority_due
        when = timezone.localtime(due).strftime("%Y-%m-%d %H:%M") if due is not None else "—"
        return gettext(
            "GDPR Art. 33(1): a risk to people: notify the supervisory authority by %(due)s (72 hours after becoming "
            "aware); a later notice must give the reasons for the delay."
        ) % {"due": when}
    if rule == "subjects":
        return _subjects(finding, facts, verdict)
    return finding.why
