"""Register the obligations' parts of other screens: the clocks panel, the navigation link, the PPC readiness item."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from breachdesk.core import extensions
from breachdesk.core.extensions import CheckResult, not_available
from breachdesk.obligations.models import RegulatorReport
from breachdesk.obligations.selectors import obligations_get

if TYPE_CHECKING:
    from breachdesk.incidents.models import Incident


def check_ppc_preliminary(incident: Incident) -> CheckResult:
    """Pass when the PPC 速報 (or the notice to the principal) is submitted, or approved and scheduled."""
    if "JP" not in (incident.jurisdictions or []):
        return CheckResult(True, _("not a Japanese incident"))
    kind = "to_principal" if incident.org_role == "entrusted" else "preliminary"
    row = RegulatorReport.objects.filter(incident=incident, jurisdiction="JP", kind=kind).first()
    if row is not None and row.status == "submitted":
        return CheckResult(True, _("submitted on %(day)s") % {"day": row.submitted_on or ""})
    if row is not None and row.status == "approved":
        return CheckResult(True, _("approved and scheduled for submission"))
    try:
        ob = obligations_get(incident=incident, fresh=False)
    except Exception:
        return not_available()
    if ob.evaluation is not None and ob.evaluation.jp is not None and not ob.evaluation.jp.reportable:
        return CheckResult(True, _("no report is required"))
    return CheckResult(False, _("Draft only.") if row is not None else _("Not drafted yet."))


def contribute() -> None:
    """Register the parts; called once from ``ObligationsConfig.ready()``."""
    from breachdesk.obligations.views import clocks_panel_context

    extensions.panels.register(
        extensions.Panel(
            "clocks",
            template="obligations/panels/clocks.html",
            context=clocks_panel_context,
            order=10,
            cache_seconds=10,
        )
    )
    extensions.nav.register(
        extensions.NavEntry("obligations", label=gettext_lazy("Obligations"), url_name="obligations:overview", order=20)
    )
    extensions.readiness_checks.register(
        extensions.ReadinessCheck(
            "ppc_preliminary",
            gettext_lazy("The PPC preliminary report is submitted or scheduled"),
            check_ppc_preliminary,
            order=80,
        )
    )
