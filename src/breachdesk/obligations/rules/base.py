"""Define the facts a rule pack reads and the verdicts it returns. Pure: no Django, no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Facts:
    """Hold every fact the rule packs read about one incident.

    ``aware_at`` is timezone-aware; JP dates are computed in its offset. ``without_contact`` counts affected people
    with neither email nor phone in the registry (it decides whether a substitute notice is allowed).
    """

    aware_at: datetime
    jurisdictions: tuple[str, ...] = ("JP",)
    role: str = "controller"
    event: str = "leak"
    suspected: bool = False
    cause: str = "other"
    persons: int = 0
    items: frozenset[str] = frozenset()
    encryption: str = "none"
    recovered_unviewed: bool = False
    backup_exists: bool = True
    payment_capable_service: bool = False
    without_contact: int = 0

    def as_dict(self) -> dict[str, Any]:
        """Return the facts as JSON-ready values."""
        return {
            "aware_at": self.aware_at.isoformat(),
            "jurisdictions": list(self.jurisdictions),
            "role": self.role,
            "event": self.event,
            "suspected": self.suspected,
            "cause": self.cause,
            "persons": self.persons,
            "items": sorted(self.items),
            "encryption": self.encryption,
            "recovered_unviewed": self.recovered_unviewed,
            "backup_exists": self.backup_exists,
            "payment_capable_service": self.payment_capable_service,
            "without_contact": self.without_contact,
        }


@dataclass(frozen=True)
class Finding:
    """Say whether one rule applies, which facts it read, and why, citing the article."""

    rule: str
    applies: bool
    used: tuple[str, ...]
    why: str


@dataclass(frozen=True)
class JPVerdict:
    """Hold the APPI verdict for one incident."""

    rule_pack: str
    reportable: bool
    categories: tuple[str, ...]
    notify_individuals: bool
    report_to: str | None
    preliminary_due: date | None
    final_due: date | None
    findings: tuple[Finding, ...]
    # Guidance, outside the CLI contract.
    preliminary_window: tuple[date, date] | None = None
    final_due_next_business_day: date | None = None
    substitute_notice_allowed: bool = False
    legal_review: tuple[str, ...] = ()

    @property
    def explanation(self) -> list[str]:
        return [f.why for f in self.findings]

    @property
    def facts_used(self) -> list[str]:
        return sorted({name for f in self.findings for name in f.used})

    def as_contract(self) -> dict[str, Any]:
        """Return the verdict in the exact shape of the ``breachdesk obligations`` contract."""
        return {
            "reportable": self.reportable,
            "categories": sorted(self.categories),
            "notify_individuals": self.notify_individuals,
            "report_to": self.report_to,
            "preliminary_due": self.preliminary_due.isoformat() if self.preliminary_due else None,
            "final_due": self.final_due.isoformat() if self.final_due else None,
            "rule_pack": self.rule_pack,
            "explanation": self.explanation,
        }


@dataclass(frozen=True)
class Severity:
    """Hold an ENISA (2013) severity score, SE = DPC × EI + CB, with its parts."""

    dpc_base: int
    dpc: int
    ei: float
    cb_confidentiality: float
    cb_integrity: float
    cb_availability: float
    cb_malicious: float
    notes: tuple[str, ...] = field(default=())

    @property
    def cb(self) -> float:
        return self.cb_confidentiality + self.cb_integrity + self.cb_availability + self.cb_malicious

    @property
    def score(self) -> float:
        return round(self.dpc * self.ei + self.cb, 2)

    @property
    def level(self) -> str:
        score = self.score
        if score < 2:
            return "low"
        if score < 3:
            return "medium"
        if score < 4:
            return "high"
        return "very_high"

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "level": self.level,
            "dpc": self.dpc,
            "dpc_base": self.dpc_base,
            "ei": self.ei,
            "cb": round(self.cb, 2),
            "cb_parts": {
                "confidentiality": self.cb_confidentiality,
                "integrity": self.cb_integrity,
                "availability": self.cb_availability,
                "malicious": self.cb_malicious,
            },
            "notes": list(self.notes),
        }


@dataclass(frozen=True)
class EUVerdict:
    """Hold the GDPR verdict for one incident."""

    rule_pack: str
    notify_authority: bool
    authority_due: datetime | None
    notify_subjects: bool
    report_to: str | None
    severity: Severity
    findings: tuple[Finding, ...]
    public_communication_allowed: bool = False

    @property
    def explanation(self) -> list[str]:
        return [f.why for f in self.findings]

    @property
    def facts_used(self) -> list[str]:
        return sorted({name for f in self.findings for name in f.used})

    def as_contract(self) -> dict[str, Any]:
        """Return the verdict in the exact shape of the ``breachdesk obligations`` contract."""
        return {
            "notify_authority": self.notify_authority,
            "authority_due": self.authority_due.isoformat() if self.authority_due else None,
            "notify_subjects": self.notify_subjects,
            "report_to": self.report_to,
            "severity": {"score": self.severity.score, "level": self.severity.level},
            "rule_pack": self.rule_pack,
            "explanation": self.explanation,
        }
