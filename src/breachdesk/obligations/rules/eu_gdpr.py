"""Decide GDPR Article 33/34 obligations (applicable from 2018-05-25), scoring risk with the ENISA (2013) method.

SE = DPC × EI + CB. Below 2 the breach is taken as unlikely to result in a risk (documented only, Art. 33(5));
from 2 it is a risk (notify the authority within 72 hours, Art. 33(1)); from 3 a high risk (also tell the data
subjects, Art. 34(1)). Every adjustment is monotone, so more items or more people never lower the score.
"""

from __future__ import annotations

from datetime import date

from breachdesk.obligations import deadlines
from breachdesk.obligations.rules.base import EUVerdict, Facts, Finding, Severity
from breachdesk.obligations.vocabulary import MALICIOUS_CAUSES, MISDELIVERY_CAUSES, SENSITIVE_ITEMS

SIMPLE, BEHAVIOURAL, FINANCIAL, SENSITIVE = 1, 2, 3, 4
BEHAVIOURAL_ITEMS = frozenset({"order_history", "inquiry_contents"})
FINANCIAL_ITEMS = frozenset({"card_number", "card_security_code", "bank_account", "income"})
# A person is directly identified by the name together with one of these.
NAME_PARTNERS = frozenset({"address", "birth_date", "phone", "email", "name_kana", "member_id"})
SIGNIFICANT_EI = frozenset({"name", "email", "phone", "my_number", "passport_number", "drivers_license"})
LIMITED_EI = frozenset({"address", "member_id", "login_id", "birth_date", "card_number", "bank_account"})
FEW_RECORDS = 10
EU_MALICIOUS_CAUSES = MALICIOUS_CAUSES | {"web_skimming"}
RISK_FROM = 2.0
HIGH_RISK_FROM = 3.0


class EuGdpr:
    name = "eu_gdpr"
    jurisdiction = "EU"
    in_force = date(2018, 5, 25)
    in_force_tz = "Europe/Brussels"

    def dpc(self, facts: Facts) -> tuple[int, int, list[str]]:
        """Return the data processing context: base score, adjusted score, and the notes on each adjustment."""
        items = facts.items
        notes: list[str] = []
        base = SIMPLE
        if items & BEHAVIOURAL_ITEMS:
            base = BEHAVIOURAL
        if items & FINANCIAL_ITEMS:
            base = FINANCIAL
        if items & SENSITIVE_ITEMS:
            base = SENSITIVE
        score = base
        if base == FINANCIAL and items & FINANCIAL_ITEMS == {"bank_account"} and "password" not in items:
            score -= 1
            notes.append("DPC −1: a bank account number without the means to use it gives little insight")
        if base == BEHAVIOURAL and facts.cause in MISDELIVERY_CAUSES and facts.persons <= FEW_RECORDS:
            score -= 1
            notes.append("DPC −1: a few documents sent to one known recipient allow no profile")
        if {"login_id", "password"} <= items:
            raised = FINANCIAL if facts.payment_capable_service else BEHAVIOURAL
            if raised > score:
                score = raised
                notes.append(f"DPC raised to {raised}: login credentials open the account to whoever holds them")
        return base, max(SIMPLE, min(SENSITIVE, score)), notes

    def ei(self, facts: Facts) -> tuple[float, list[str]]:
        """Return the ease of identification (0.25–1)."""
        items = facts.items
        if facts.encryption == "advanced":
            return 0.25, ["EI 0.25: the data are unintelligible without the key (Art. 34(3)(a))"]
        if ("name" in items and items & NAME_PARTNERS) or "my_number" in items:
            return 1.0, []
        if items & SIGNIFICANT_EI:
            return 0.75, []
        if items & LIMITED_EI:
            return 0.5, []
        return 0.25, []

    def cb(self, facts: Facts) -> tuple[float, float, float, float]:
        """Return the circumstances of the breach: confidentiality, integrity, availability, malicious intent."""
        confidentiality = 0.0
        if facts.event == "leak" and not facts.recovered_unviewed and facts.encryption != "advanced":
            confidentiality = 0.25 if facts.cause in MISDELIVERY_CAUSES else 0.5
        integrity = (0.25 if facts.backup_exists else 0.5) if facts.event == "damage" else 0.0
        availability = (0.25 if facts.backup_exists else 0.5) if facts.event == "loss" else 0.0
        malicious = 0.5 if facts.cause in EU_MALICIOUS_CAUSES else 0.0
        return confidentiality, integrity, availability, malicious

    def severity(self, facts: Facts) -> Severity:
        base, dpc, notes = self.dpc(facts)
        ei, ei_notes = self.ei(facts)
        conf, integ, avail, mal = self.cb(facts)
        return Severity(base, dpc, ei, conf, integ, avail, mal, tuple(notes + ei_notes))

    def evaluate(self, facts: Facts) -> EUVerdict:
        """Return the GDPR verdict for ``facts``."""
        severity = self.severity(facts)
        findings = [
            Finding(
                "severity",
                True,
                ("items", "cause", "event", "encryption", "backup_exists", "persons", "payment_capable_service"),
                f"ENISA severity: SE = DPC {severity.dpc} × EI {severity.ei} + CB {severity.cb:.2f} = "
                f"{severity.score:.2f} ({severity.level}).",
            )
        ]
        no_breach = None
        if facts.cause == "phishing_by_user":
            no_breach = (
                "Art. 4(12): a user who gave away their own credentials is not a breach of this controller's security."
            )
        elif facts.recovered_unviewed:
            no_breach = (
                "Art. 33(1): every copy was recovered before anyone saw it, so the breach is unlikely to result in a "
                "risk; document it (Art. 33(5))."
            )
        risk = no_breach is None and severity.score >= RISK_FROM
        high_risk = risk and severity.score >= HIGH_RISK_FROM
        if no_breach:
            findings.append(Finding("risk", False, ("cause", "recovered_unviewed"), no_breach))
        elif not risk:
            findings.append(
                Finding(
                    "risk",
                    False,
                    (),
                    "Art. 33(1): unlikely to result in a risk (SE below 2); no notice, but document it (Art. 33(5)).",
                )
            )
        if facts.role in ("processor", "entrusted"):
            prefix = "An entrusted party (委託先) acts as a processor here. " if facts.role == "entrusted" else ""
            findings.append(
                Finding(
                    "processor",
                    True,
                    ("role",),
                    f"{prefix}Art. 33(2): the processor notifies its controller without undue delay; the controller "
                    "decides on the authority and the data subjects.",
                )
            )
            return EUVerdict(self.name, False, None, False, "controller", severity, tuple(findings))
        due = deadlines.eu_authority_due(facts.aware_at) if risk else None
        if due is not None:
            findings.append(
                Finding(
                    "authority",
                    True,
                    ("aware_at",),
                    f"Art. 33(1): a risk to people: notify the supervisory authority by {due.isoformat()} (72 hours "
                    "after becoming aware); a later notice must give the reasons for the delay.",
                )
            )
        subjects = high_risk and facts.encryption != "advanced"
        public = subjects and facts.without_contact > 0
        if high_risk and facts.encryption == "advanced":
            findings.append(
                Finding(
                    "subjects",
                    False,
                    ("encryption",),
                    "Art. 34(3)(a): encryption made the data unintelligible, so the data subjects need no notice.",
                )
            )
        elif subjects:
            why = "Art. 34(1): a likely high risk: tell the data subjects without undue delay, in plain language."
            if public:
                why += (
                    f" {facts.without_contact:,} have no contact data: a public communication may replace the "
                    "individual notice for them (Art. 34(3)(c))."
                )
            findings.append(Finding("subjects", True, ("without_contact",), why))
        elif risk:
            findings.append(
                Finding("subjects", False, (), "Art. 34(1): not a high risk; the data subjects need no notice.")
            )
        return EUVerdict(
            self.name,
            risk,
            due,
            subjects,
            "authority" if risk else None,
            severity,
            tuple(findings),
            public_communication_allowed=public,
        )


PACK = EuGdpr()
