"""Register the readiness checks of the first notice (see ``readiness.py``).

The checks read the desk (inquiries), the campaigns, the obligations and the stakeholders through ``model_or_none``,
so that a missing app shows "not available" instead of failing or passing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import NoReverseMatch, Resolver404, resolve
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from breachdesk.core.memo import memoized
from breachdesk.notices.readiness import CheckResult, model_or_none, not_available, register_check

if TYPE_CHECKING:
    from breachdesk.incidents.models import Incident

KEY_STAKEHOLDER_KINDS = ("card_company", "principal", "partner")
DEFAULT_DESK_ADDRESS = "desk@localhost"


def _desk_config(incident: Incident) -> Any:
    model = model_or_none("inquiries", "DeskConfig")
    if model is None:
        return None, False
    row = memoized(("readiness_desk_config", incident.pk), model._default_manager.filter(incident=incident).first)
    return row, True


def check_desk_mailbox(incident: Incident) -> CheckResult:
    """Pass when the desk has its own address and a mailbox the worker reads."""
    config, available = _desk_config(incident)
    if not available:
        return not_available()
    if config is None:
        return CheckResult(False, _("The desk is not set up yet."))
    missing = []
    if not config.desk_address or config.desk_address == DEFAULT_DESK_ADDRESS:
        missing.append(_("a desk address"))
    if not config.imap_host or not config.imap_username:
        missing.append(_("a mailbox (IMAP host and user)"))
    if missing:
        return CheckResult(False, _("Missing: %(items)s.") % {"items": ", ".join(missing)})
    return CheckResult(True, config.desk_address)


def check_desk_form(incident: Incident) -> CheckResult:
    """Pass when the public inquiry form is open and its page exists."""
    config, available = _desk_config(incident)
    if not available:
        return not_available()
    try:
        resolve(f"/p/{incident.code}/contact/")
    except (Resolver404, NoReverseMatch):
        return not_available(_("The desk's public form is not available yet."))
    if config is None or not config.public_form_open:
        return CheckResult(False, _("The public inquiry form is closed."))
    return CheckResult(True, _("accepting inquiries"))


def check_ack_template(incident: Incident) -> CheckResult:
    """Pass when the automatic acknowledgment text is approved."""
    template = model_or_none("inquiries", "AcknowledgmentTemplate")
    if template is not None:
        rows = template._default_manager.filter(incident=incident)
        field_names = {f.name for f in template._meta.get_fields()}
        if "approved_at" in field_names:
            rows = rows.filter(approved_at__isnull=False)
        elif "status" in field_names:
            rows = rows.filter(status="approved")
        else:
            return not_available()
        return CheckResult(True, _("approved")) if rows.exists() else CheckResult(False, _("Not approved yet."))
    block = model_or_none("inquiries", "AnswerBlock")
    if block is None:
        return not_available()
    # Until the desk has its own acknowledgment template, an approved block keyed "acknowledgment" stands for it.
    if block._default_manager.filter(incident=incident, key="acknowledgment", status="approved").exists():
        return CheckResult(True, _("approved (answer block)"))
    return CheckResult(False, _("No approved acknowledgment text."))


def _label_names(keys: list[str]) -> list[str]:
    """Return the names of inquiry labels (answer-block and FAQ keys are labels, FAQ keys with hyphens)."""
    try:
        from breachdesk.inquiries.labels import LABELS
    except ImportError:
        return keys
    return [str(LABELS.get(key.replace("-", "_"), key)) for key in keys]


def check_answer_blocks(incident: Incident) -> CheckResult:
    """Pass when every inquiry label has an approved answer block."""
    block = model_or_none("inquiries", "AnswerBlock")
    if block is None:
        return not_available()
    try:
        from breachdesk.inquiries.labels import LABEL_KEYS
    except ImportError:
        return not_available()
    approved = set(block._default_manager.filter(incident=incident, status="approved").values_list("key", flat=True))
    missing = [key for key in LABEL_KEYS if key not in approved]
    if missing:
        return CheckResult(
            False,
            _("%(n)s of %(total)s labels have no approved block: %(keys)s")
            % {"n": len(missing), "total": len(LABEL_KEYS), "keys": "、".join(_label_names(missing))},
        )
    return CheckResult(True, _("%(n)s labels covered") % {"n": len(LABEL_KEYS)})


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
            parts.append(_("not approved: %(keys)s") % {"keys": "、".join(_label_names(drafts))})
        if drifted:
            parts.append(_("out of step with the desk: %(keys)s") % {"keys": "、".join(_label_names(drifted))})
        return CheckResult(False, "; ".join(parts))
    return CheckResult(True, _("%(n)s entries approved") % {"n": len(entries)})


def check_notification_template(incident: Incident) -> CheckResult:
    """Pass when a notice template's current version is approved (campaigns)."""
    template = model_or_none("campaigns", "NoticeTemplate")
    if template is None:
        return not_available()
    templates = list(template._default_manager.filter(incident=incident))
    if not templates:
        return CheckResult(False, _("No notification template yet."))
    for item in templates:
        current = item.current
        if current is not None and current.approved_at is not None:
            return CheckResult(True, _("%(name)s v%(n)s approved") % {"name": item.name, "n": current.number})
    return CheckResult(False, _("No template's current version is approved."))


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


def check_ppc_preliminary(incident: Incident) -> CheckResult:
    """Pass when the PPC 速報 (or the notice to the principal) is submitted, or approved and scheduled."""
    report = model_or_none("obligations", "RegulatorReport")
    if report is None:
        return not_available()
    if "JP" not in (incident.jurisdictions or []):
        return CheckResult(True, _("not a Japanese incident"))
    kind = "to_principal" if incident.org_role == "entrusted" else "preliminary"
    row = report._default_manager.filter(incident=incident, jurisdiction="JP", kind=kind).first()
    if row is not None and row.status == "submitted":
        return CheckResult(True, _("submitted on %(day)s") % {"day": row.submitted_on or ""})
    if row is not None and row.status == "approved":
        return CheckResult(True, _("approved and scheduled for submission"))
    try:
        from breachdesk.obligations.selectors import obligations_get

        ob = obligations_get(incident=incident, fresh=False)
    except Exception:
        return not_available()
    if ob.evaluation is not None and ob.evaluation.jp is not None and not ob.evaluation.jp.reportable:
        return CheckResult(True, _("no report is required"))
    return CheckResult(False, _("Draft only.") if row is not None else _("Not drafted yet."))


def register_default_checks() -> None:
    register_check("desk_mailbox", gettext_lazy("The desk mailbox works"), check_desk_mailbox, order=10)
    register_check("desk_form", gettext_lazy("The inquiry form works"), check_desk_form, order=20)
    register_check("ack_template", gettext_lazy("The acknowledgment is approved"), check_ack_template, order=30)
    register_check("answer_blocks", gettext_lazy("Answer blocks exist for every label"), check_answer_blocks, order=40)
    register_check("faq", gettext_lazy("The FAQ is approved"), check_faq, order=50)
    register_check(
        "notification_template",
        gettext_lazy("The notification template is approved"),
        check_notification_template,
        order=60,
    )
    register_check(
        "stakeholders", gettext_lazy("Card companies and key stakeholders are briefed"), check_stakeholders, order=70
    )
    register_check(
        "ppc_preliminary",
        gettext_lazy("The PPC preliminary report is submitted or scheduled"),
        check_ppc_preliminary,
        order=80,
    )
