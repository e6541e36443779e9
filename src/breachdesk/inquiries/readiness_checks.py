"""Check the desk's part of the first notice's readiness: mailbox, public form, acknowledgment, answer blocks.

Registered from ``inquiries/contributions.py``; ``notices.readiness`` runs them without knowing them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.urls import NoReverseMatch, Resolver404, resolve
from django.utils.translation import gettext as _

from breachdesk.core.extensions import CheckResult, not_available
from breachdesk.core.memo import memoized
from breachdesk.inquiries.labels import LABEL_KEYS, LABELS
from breachdesk.inquiries.models import AnswerBlock, DeskConfig

if TYPE_CHECKING:
    from breachdesk.incidents.models import Incident

DEFAULT_DESK_ADDRESS = "desk@localhost"


def label_names(keys: list[str]) -> list[str]:
    """Return the names of inquiry labels (answer-block and FAQ keys are labels, FAQ keys with hyphens)."""
    return [str(LABELS.get(key.replace("-", "_"), key)) for key in keys]


def _desk_config(incident: Incident) -> DeskConfig | None:
    return memoized(("readiness_desk_config", incident.pk), DeskConfig.objects.filter(incident=incident).first)


def check_desk_mailbox(incident: Incident) -> CheckResult:
    """Pass when the desk has its own address and a mailbox the worker reads."""
    config = _desk_config(incident)
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
    config = _desk_config(incident)
    try:
        resolve(f"/p/{incident.code}/contact/")
    except (Resolver404, NoReverseMatch):
        return not_available(_("The desk's public form is not available yet."))
    if config is None or not config.public_form_open:
        return CheckResult(False, _("The public inquiry form is closed."))
    return CheckResult(True, _("accepting inquiries"))


def check_ack_template(incident: Incident) -> CheckResult:
    """Pass when the automatic acknowledgment text is approved.

    Until the desk has its own acknowledgment template, an approved block keyed "acknowledgment" stands for it.
    """
    if AnswerBlock.objects.filter(incident=incident, key="acknowledgment", status="approved").exists():
        return CheckResult(True, _("approved (answer block)"))
    return CheckResult(False, _("No approved acknowledgment text."))


def check_answer_blocks(incident: Incident) -> CheckResult:
    """Pass when every inquiry label has an approved answer block."""
    approved = set(AnswerBlock.objects.filter(incident=incident, status="approved").values_list("key", flat=True))
    missing = [key for key in LABEL_KEYS if key not in approved]
    if missing:
        return CheckResult(
            False,
            _("%(n)s of %(total)s labels have no approved block: %(keys)s")
            % {"n": len(missing), "total": len(LABEL_KEYS), "keys": "、".join(label_names(missing))},
        )
    return CheckResult(True, _("%(n)s labels covered") % {"n": len(LABEL_KEYS)})
