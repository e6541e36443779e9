"""Check the notices' part of the first notice's readiness: the FAQ, and the key stakeholders briefed.

Registered from ``notices/contributions.py``; the desk, the campaigns and the obligations register their own items.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from breachdesk.core.extensions import CheckResult
from breachdesk.inquiries.readiness_checks import label_names

if TYPE_CHECKING:
    from breachdesk.incidents.models import Incident

KEY_STAKEHOLDER_KINDS = ("card_company", "principal", "partner")


def check_faq(incident: Incident) -> CheckResult:
    """Pass when the FAQ has entries, the newest version of each is approved, and none is out of step."""
    from breachdesk.notices.selectors import faq_current

    entries = faq_current(incident=incident)
    if not entries:
        return CheckResult(False, _("The FAQ is empty."))
    drafts = [e.key for e in entries if e.status != "approved"]
    drifted = [e.key for e in entries if e.drift]
    if drafts or drifted:
        parts = []
        if drafts:
            parts.append(_("not approved: %(keys)s") % {"keys": "、".join(label_names(drafts))})
        if drifted:
            parts.append(_("out of step with the desk: %(keys)s") % {"keys": "、".join(label_names(drifted))})
        return CheckResult(False, "; ".join(parts))
    return CheckResult(True, _("%(n)s entries approved") % {"n": len(entries)})


def check_stakeholders(incident: Incident) -> CheckResult:
    """Pass when every card company, the principal and partners are briefed (or have acknowledged)."""
    from breachdesk.incidents.models import StakeholderStatus
    from breachdesk.incidents.selectors import stakeholder_list

    done = (StakeholderStatus.BRIEFED, StakeholderStatus.ACKNOWLEDGED, StakeholderStatus.CLOSED)
    key = list(stakeholder_list(incident=incident, kinds=KEY_STAKEHOLDER_KINDS))
    cards = [s for s in key if s.kind == "card_company"]
    if incident.org_role == "entrusted" and not any(s.kind == "principal" for s in key):
        return CheckResult(False, _("The principal (委託元) is not on the stakeholder list."))
    waiting = [s.name for s in key if s.status not in done]
    if waiting:
        shown = ", ".join(waiting[:5]) + ("…" if len(waiting) > 5 else "")
        return CheckResult(
            False,
            _("%(n)s of %(total)s not briefed: %(names)s") % {"n": len(waiting), "total": len(key), "names": shown},
        )
    if not key:
        return CheckResult(True, _("no card companies, principal or partners listed"))
    return CheckResult(
        True, _("%(n)s briefed, %(cards)s of them card companies") % {"n": len(key), "cards": len(cards)}
    )
