"""Decide APPI obligations as in force from 2022-04-01 (amended Act, Enforcement Rules Articles 7–10).

Each ``_rule`` method returns a ``Finding`` citing the article. ``JpAppi2024`` subclasses this pack and changes only
Rule 7(3); a pack never changes once released, so old incidents keep their verdicts.
"""

from __future__ import annotations

from datetime import date

from breachdesk.obligations import deadlines
from breachdesk.obligations.rules.base import Facts, Finding, JPVerdict
from breachdesk.obligations.vocabulary import FINANCIAL_ALONE, MALICIOUS_CAUSES, SENSITIVE_ITEMS

NOT_FINANCIAL_ALONE = frozenset({"address", "phone", "email", "card_last4", "card_expiry"})


class JpAppi2022:
    name = "jp_appi_2022"
    jurisdiction = "JP"
    in_force = date(2022, 4, 1)
    in_force_tz = "Asia/Tokyo"

    # ---- whether anything happened that the Act calls a leak, loss or damage -------------------------------------
    def exemptions(self, facts: Facts) -> list[Finding]:
        """Return the findings that take the event out of Rule 7 altogether (an empty list when none applies)."""
        found: list[Finding] = []
        if facts.cause == "phishing_by_user":
            found.append(
                Finding(
                    "not_a_leak.phishing",
                    True,
                    ("cause",),
                    "PPC Q&A 6-6: a user who typed their own credentials into a fake site is not a leak by this "
                    "business (法第26条の漏えい等に当たらない).",
                )
            )
        if facts.recovered_unviewed:
            found.append(
                Finding(
                    "not_a_leak.recovered",
                    True,
                    ("recovered_unviewed",),
                    "PPC Q&A 6-1: every copy was recovered (or deleted unread) before anyone saw it, so this is not "
                    "a leak (漏えいに該当しない).",
                )
            )
        if facts.event == "loss" and facts.backup_exists:
            found.append(
                Finding(
                    "not_a_leak.backup",
                    True,
                    ("event", "backup_exists"),
                    "ガイドライン（通則編）3-5-1-2: another copy of the data exists, so the loss is not 滅失.",
                )
            )
        return found

    # ---- Rule 7 categories --------------------------------------------------------------------------------------
    def sensitive(self, facts: Facts) -> Finding:
        hits = sorted(facts.items & SENSITIVE_ITEMS)
        if hits:
            why = f"施行規則第7条第1号: 要配慮個人情報 is included ({', '.join(hits)})."
        else:
            why = "施行規則第7条第1号: no 要配慮個人情報 is included."
        return Finding("category.sensitive", bool(hits), ("items",), why)

    def financial(self, facts: Facts) -> Finding:
        items = facts.items
        reasons = sorted(items & FINANCIAL_ALONE)
        used: tuple[str, ...] = ("items",)
        if {"login_id", "password"} <= items:
            used = ("items", "payment_capable_service")
            if facts.payment_capable_service:
                reasons.append("login_id+password of a service that can pay or transfer money")
        if {"bank_account", "password"} <= items:
            reasons.append("bank_account with its PIN or online-banking password")
        if reasons:
            why = f"施行規則第7条第2号: data whose misuse may cause financial harm ({'; '.join(reasons)})."
            return Finding("category.financial", True, used, why)
        notes = []
        if {"card_last4", "card_expiry"} & items:
            notes.append("PPC Q&A 6-12: the last 4 digits and the expiry date of a card do not count by themselves")
        if "login_id" in items and "password" in items:
            notes.append("the login_id and password do not work on a service that can pay or transfer money")
        if NOT_FINANCIAL_ALONE & items and not notes:
            notes.append("PPC Q&A 6-11: address, phone or email alone do not count")
        detail = f" ({'; '.join(notes)})" if notes else ""
        return Finding("category.financial", False, used, f"施行規則第7条第2号: not financial{detail}.")

    def malicious(self, facts: Facts) -> Finding:
        if facts.cause in MALICIOUS_CAUSES:
            why = f"施行規則第7条第3号: {facts.cause} may have been done for an unfair purpose (不正の目的)."
            return Finding("category.malicious", True, ("cause",), why)
        if facts.cause == "web_skimming":
            return Finding(
                "category.malicious",
                False,
                ("cause", "aware_at"),
                "施行規則第7条第3号 (before 2024-04-01): information skimmed before it reached the business was not "
                "yet its 個人データ, so skimming was not reportable.",
            )
        return Finding("category.malicious", False, ("cause",), f"施行規則第7条第3号: {facts.cause} is not malicious.")

    def over_1000(self, facts: Facts) -> Finding:
        applies = facts.persons > 1000
        relation = "more than" if applies else "not more than"
        why = f"施行規則第7条第4号: {facts.persons:,} people is {relation} 1,000."
        return Finding("category.over_1000", applies, ("persons",), why)

    def personal_data_categories(self, facts: Facts) -> list[Finding]:
        """Return the findings of the categories that cover the business's own 個人データ."""
        if facts.cause == "web_skimming":
            # Skimmed information had not reached the business: it is not its 個人データ (categories 1, 2 and 4).
            return []
        return [self.sensitive(facts), self.financial(facts), self.over_1000(facts)]

    def encryption(self, facts: Facts) -> Finding | None:
        if facts.encryption == "advanced":
            return Finding(
                "exempt.encryption",
                True,
                ("encryption",),
                "施行規則第7条第1号括弧書: the data had advanced encryption (高度な暗号化) and the key did not leak, "
                "so no category applies.",
            )
        if facts.encryption == "advanced_key_compromised":
            return Finding(
                "exempt.encryption",
                False,
                ("encryption",),
                "施行規則第7条第1号括弧書: the key leaked with the data, so the encryption exemption is lost.",
            )
        return None

    # ---- the verdict --------------------------------------------------------------------------------------------
    def evaluate(self, facts: Facts) -> JPVerdict:
        """Return the APPI verdict for ``facts``."""
        exemptions = self.exemptions(facts)
        if exemptions:
            return self._not_reportable(facts, exemptions)
        findings = [*self.personal_data_categories(facts), self.malicious(facts)]
        categories = sorted(f.rule.split(".", 1)[1] for f in findings if f.applies)
        encryption = self.encryption(facts)
        if encryption is not None:
            findings.append(encryption)
            if encryption.applies:
                categories = []
        if not categories:
            findings.append(Finding("reportable", False, (), "Not reportable: no category of 施行規則第7条 applies."))
            return self._not_reportable(facts, findings)
        if facts.suspected:
            findings.append(
                Finding(
                    "suspected",
                    True,
                    ("suspected",),
                    "施行規則第7条: a suspected leak (おそれ) is reportable as an actual one.",
                )
            )
        if "financial" in categories:
            findings.append(
                Finding(
                    "financial.q6_15",
                    True,
                    ("items",),
                    "PPC Q&A 6-15: the report stays due even if the risk of financial harm is removed later.",
                )
            )
        malicious = "malicious" in categories
        preliminary = deadlines.jp_preliminary_due(facts.aware_at)
        final = deadlines.jp_final_due(facts.aware_at, malicious=malicious)
        window = deadlines.jp_preliminary_window(facts.aware_at)
        entrusted = facts.role in ("entrusted", "processor")
        if entrusted:
            findings.append(self._entrusted(facts, preliminary))
            final_due = None
        else:
            findings.append(
                Finding(
                    "deadline.preliminary",
                    True,
                    ("aware_at",),
                    f"施行規則第8条第1項: 速報 promptly; the PPC guideline reads about 3–5 days, so by "
                    f"{preliminary.isoformat()} (guideline window {window[0].isoformat()} – {window[1].isoformat()}).",
                )
            )
            days = deadlines.FINAL_DAYS_MALICIOUS if malicious else deadlines.FINAL_DAYS
            article = "第8条第2項" + ("（第7条第3号: 60日）" if malicious else "（30日）")
            findings.append(
                Finding(
                    "deadline.final",
                    True,
                    ("aware_at", "cause"),
                    f"施行規則{article}: 確報 within {days} days of the aware date, not counting the first day: by "
                    f"{final.isoformat()}.",
                )
            )
            final_due = final
        notify = not entrusted
        substitute = notify and facts.without_contact > 0
        findings.append(self._notice(facts, notify=notify, substitute=substitute))
        legal_review = self._legal_review(facts, findings)
        next_open = deadlines.ppc_next_open_day(final_due) if final_due else None
        return JPVerdict(
            rule_pack=self.name,
            reportable=True,
            categories=tuple(categories),
            notify_individuals=notify,
            report_to="principal" if entrusted else "PPC",
            preliminary_due=preliminary,
            final_due=final_due,
            findings=tuple(findings),
            preliminary_window=window,
            final_due_next_business_day=next_open if next_open != final_due else None,
            substitute_notice_allowed=substitute,
            legal_review=legal_review,
        )

    def _entrusted(self, facts: Facts, preliminary: date) -> Finding:
        prefix = (
            "The GDPR processor is treated as an entrusted party (委託先) here. " if facts.role == "processor" else ""
        )
        return Finding(
            "entrusted",
            True,
            ("role",),
            f"{prefix}法第26条第1項ただし書・施行規則第9条: an entrusted party that promptly notifies its principal "
            f"(委託元) is released from reporting to the PPC and from notifying the people; notify the principal at "
            f"once, and no later than {preliminary.isoformat()}.",
        )

    def _notice(self, facts: Facts, *, notify: bool, substitute: bool) -> Finding:
        if not notify:
            return Finding(
                "notice",
                False,
                ("role",),
                "法第26条第2項: the principal, not the entrusted party, notifies the people affected.",
            )
        why = "法第26条第2項・施行規則第10条: notify each person affected promptly."
        if substitute:
            why += (
                f" {facts.without_contact:,} of them have no contact data, so a substitute measure (public "
                "announcement or a publicised desk) is allowed for them (法第26条第2項ただし書)."
            )
        return Finding("notice", True, ("role", "without_contact"), why)

    def _legal_review(self, facts: Facts, findings: list[Finding]) -> tuple[str, ...]:
        notes = []
        if "my_number" in facts.items:
            notes.append("番号法第29条の4: 個人番号 has its own reporting rules; ask for legal review.")
            findings.append(Finding("legal_review.my_number", True, ("items",), notes[-1]))
        return tuple(notes)

    def _not_reportable(self, facts: Facts, findings: list[Finding]) -> JPVerdict:
        if "my_number" in facts.items:
            findings = [*findings]
            self._legal_review(facts, findings)
        return JPVerdict(
            rule_pack=self.name,
            reportable=False,
            categories=(),
            notify_individuals=False,
            report_to=None,
            preliminary_due=None,
            final_due=None,
            findings=tuple(findings),
        )


PACK = JpAppi2022()
