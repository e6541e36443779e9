"""Write the reasons of a verdict as sentences in the reader's language, citing the article.

The rule packs keep their English ``why`` (the ``breachdesk obligations`` JSON contract and the stored evaluations);
a page builds its sentences here from the finding's rule key, whether it applies, the facts and the verdict. A rule
without a sentence here is shown with its ``why`` as written.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from breachdesk.obligations.rules.base import Facts, Finding
from breachdesk.obligations.vocabulary import FINANCIAL_ALONE, ITEM_LABELS_JA, SENSITIVE_ITEMS

# The categories of Enforcement Rule 7 as a verdict lists them, and the words for their badges.
CATEGORY_LABELS: dict[str, Any] = {
    "sensitive": _("Special care-required data (Rule 7(1))"),
    "financial": _("Risk of financial harm (Rule 7(2))"),
    "malicious": _("Unfair purpose (Rule 7(3))"),
    "over_1000": _("More than 1,000 people (Rule 7(4))"),
}

# The facts the engine reads, with the words a page shows for them.
FACT_LABELS: dict[str, Any] = {
    "aware_at": _("Became aware at"),
    "jurisdictions": _("Jurisdictions"),
    "role": _("Role of the organisation"),
    "event": _("What happened"),
    "suspected": _("Suspected only"),
    "cause": _("Cause"),
    "persons": _("People affected"),
    "items": _("Data items"),
    "encryption": _("Encryption"),
    "recovered_unviewed": _("Recovered before anyone saw it"),
    "backup_exists": _("Another copy exists"),
    "payment_capable_service": _("The service can pay or transfer money"),
    "without_contact": _("People without contact data"),
}

FACT_SOURCES: dict[str, Any] = {
    "incident": _("incident record"),
    "registry": _("registry"),
    "default": _("default"),
    "override": _("override"),
}

ENCRYPTION_LABELS: dict[str, Any] = {
    "none": _("none"),
    "advanced": _("advanced encryption, key safe"),
    "advanced_key_compromised": _("advanced encryption, key leaked too"),
}


def category_label(category: str) -> str:
    """Return the words for a Rule 7 category key (``malicious`` → 不正の目的…), or the key when unknown."""
    label = CATEGORY_LABELS.get(category)
    return str(label) if label is not None else category


def _d(value: date | None) -> str:
    return value.isoformat() if value else "—"


def _items(keys: Any) -> str:
    try:
        from breachdesk.registry.templatetags.registry_items import item_label
    except ImportError:  # the registry is optional; its Japanese names are in the vocabulary too
        return "、".join(ITEM_LABELS_JA.get(k, k) for k in sorted(keys))
    return "、".join(item_label(k) for k in sorted(keys))


def _cause(facts: Facts) -> str:
    from breachdesk.incidents.models import Cause

    try:
        return str(Cause(facts.cause).label)
    except ValueError:
        return facts.cause


def _financial(facts: Facts, finding: Finding) -> str:
    items = facts.items
    if finding.applies:
        reasons = [_items(items & FINANCIAL_ALONE)] if items & FINANCIAL_ALONE else []
        if {"login_id", "password"} <= items and facts.payment_capable_service:
            reasons.append(gettext("a login ID and password of a service that can pay or transfer money"))
        if {"bank_account", "password"} <= items:
            reasons.append(gettext("a bank account with its PIN or online-banking password"))
        return gettext(
            "Rule 7(2) of the Enforcement Rules: the data includes data whose misuse may cause financial harm "
            "(%(what)s)."
        ) % {"what": "、".join(reasons)}
    if {"card_last4", "card_expiry"} & items:
        note = gettext("PPC Q&A 6-12: the last 4 digits and the expiry date of a card do not count by themselves")
    elif {"login_id", "password"} <= items:
        note = gettext("the login ID and password do not work on a service that can pay or transfer money")
    elif {"address", "phone", "email"} & items:
        note = gettext("PPC Q&A 6-11: an address, phone number or e-mail address alone does not count")
    else:
        return gettext("Rule 7(2) of the Enforcement Rules: no data whose misuse may cause financial harm.")
    return gettext("Rule 7(2) of the Enforcement Rules: no data whose misuse may cause financial harm (%(note)s).") % {
        "note": note
    }


def _malicious(facts: Facts, finding: Finding, pack: str) -> str:
    if facts.cause == "web_skimming":
        if finding.applies:
            return gettext(
                "Rule 7(3) of the Enforcement Rules (as amended on 2024-04-01): web skimming takes personal "
                "information the business was acquiring, for an unfair purpose; it is reportable under category 3 only."
            )
        return gettext(
            "Rule 7(3) of the Enforcement Rules (before 2024-04-01): information skimmed before it reached the "
            "business was not yet its personal data, so skimming was not reportable."
        )
    if finding.applies:
        return gettext(
            "Rule 7(3) of the Enforcement Rules: the cause (%(cause)s) may have been done for an unfair purpose."
        ) % {"cause": _cause(facts)}
    return gettext("Rule 7(3) of the Enforcement Rules: the cause (%(cause)s) is not an unfair purpose.") % {
        "cause": _cause(facts)
    }


def finding_text(finding: Finding, *, facts: Facts, verdict: Any) -> str:
    """Return the reason of ``finding`` in the active language, citing its article; ``why`` for unknown rules."""
    rule, applies = finding.rule, finding.applies
    preliminary = getattr(verdict, "preliminary_due", None)
    final = getattr(verdict, "final_due", None)
    categories = getattr(verdict, "categories", ()) or ()
    if rule == "category.sensitive":
        hits = facts.items & SENSITIVE_ITEMS
        if hits:
            return gettext(
                "Rule 7(1) of the Enforcement Rules: special care-required personal information is included "
                "(%(items)s)."
            ) % {"items": _items(hits)}
        return gettext("Rule 7(1) of the Enforcement Rules: no special care-required personal information is included.")
    if rule == "category.financial":
        return _financial(facts, finding)
    if rule == "category.malicious":
        return _malicious(facts, finding, getattr(verdict, "rule_pack", ""))
    if rule == "category.over_1000":
        if applies:
            text = gettext("Rule 7(4) of the Enforcement Rules: %(n)s people is more than 1,000.")
        else:
            text = gettext("Rule 7(4) of the Enforcement Rules: %(n)s people is not more than 1,000.")
        return text % {"n": f"{facts.persons:,}"}
    if rule == "exempt.encryption":
        if applies:
            return gettext(
                "Proviso to Rule 7(1) of the Enforcement Rules: the data had advanced encryption and the key did not "
                "leak, so no category applies."
            )
        return gettext(
            "Proviso to Rule 7(1) of the Enforcement Rules: the key leaked with the data, so the encryption "
            "exemption is lost."
        )
    if rule == "reportable":
        return gettext("Not reportable: no category of Rule 7 of the Enforcement Rules applies.")
    if rule == "suspected":
        return gettext("Rule 7 of the Enforcement Rules: a suspected leak is reportable as an actual one.")
    if rule == "financial.q6_15":
        return gettext("PPC Q&A 6-15: the report stays due even if the risk of financial harm is removed later.")
    if rule == "deadline.preliminary":
        window = getattr(verdict, "preliminary_window", None) or (None, None)
        return gettext(
            "Rule 8(1) of the Enforcement Rules: the preliminary report is due promptly; the PPC guideline reads "
            "about 3–5 days, so by %(due)s (guideline window %(start)s – %(end)s)."
        ) % {"due": _d(preliminary), "start": _d(window[0]), "end": _d(window[1])}
    if rule == "deadline.final":
        if "malicious" in categories:
            text = gettext(
                "Rule 8(2) of the Enforcement Rules (60 days for Rule 7(3)): the final report is due within 60 days "
                "of the day the business became aware, not counting that day: by %(due)s."
            )
        else:
            text = gettext(
                "Rule 8(2) of the Enforcement Rules: the final report is due within 30 days of the day the business "
                "became aware, not counting that day: by %(due)s."
            )
        return text % {"due": _d(final)}
    if rule == "entrusted":
        text = gettext(
            "Proviso to Article 26(1) of the Act and Rule 9 of the Enforcement Rules: an entrusted party that "
            "promptly notifies its principal is released from reporting to the PPC and from notifying the people; "
            "notify the principal at once, and no later than %(due)s."
        ) % {"due": _d(preliminary)}
        if facts.role == "processor":
            text = gettext("The GDPR processor is treated as an entrusted party here.") + " " + text
        return text
    if rule == "notice":
        if not applies:
            return gettext(
                "Article 26(2) of the Act: the principal, not the entrusted party, notifies the people affected."
            )
        text = gettext(
            "Article 26(2) of the Act and Rule 10 of the Enforcement Rules: notify each person affected promptly."
        )
        if getattr(verdict, "substitute_notice_allowed", False):
            text += " " + gettext(
                "%(n)s of them have no contact data, so a substitute measure (a public announcement or a publicised "
                "desk) is allowed for them (proviso to Article 26(2) of the Act)."
            ) % {"n": f"{facts.without_contact:,}"}
        return text
    if rule == "legal_review.my_number":
        return gettext(
            "Article 29-4 of the My Number Act: individual numbers have their own reporting rules; ask for legal "
            "review."
        )
    if rule == "not_a_leak.phishing":
        return gettext(
            "PPC Q&A 6-6: a user who typed their own credentials into a fake site is not a leak by this business "
            "(Article 26 of the Act)."
        )
    if rule == "not_a_leak.recovered":
        return gettext(
            "PPC Q&A 6-1: every copy was recovered (or deleted unread) before anyone saw it, so this is not a leak."
        )
    if rule == "not_a_leak.backup":
        return gettext(
            "Guidelines (General Rules) 3-5-1-2: another copy of the data exists, so this is not a loss in the sense "
            "of the Act."
        )
    return finding.why


def fact_value(name: str, value: Any) -> str:
    """Return a fact's value in words: labels for codes and items, はい／いいえ for flags."""
    from breachdesk.incidents.models import Cause, EventKind, OrgRole

    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if name == "items":
        return _items(value) if value else "—"
    if name == "jurisdictions":
        return "、".join(value)
    if isinstance(value, int):
        return f"{value:,}"
    if hasattr(value, "isoformat"):
        return str(value.strftime("%Y-%m-%d %H:%M"))
    choices: dict[str, Any] = {
        "cause": dict(Cause.choices),
        "event": dict(EventKind.choices),
        "role": dict(OrgRole.choices),
        "encryption": ENCRYPTION_LABELS,
    }.get(name, {})
    return str(choices.get(value, value))
