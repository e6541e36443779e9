"""Register the notices' parts of other screens: navigation, dashboard panels, the published-notices metric, the
report's publication item and the FAQ and stakeholder readiness items."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from breachdesk.core import extensions
from breachdesk.notices import checks
from breachdesk.notices.selectors import notices_published

if TYPE_CHECKING:
    from breachdesk.incidents.models import Incident


def published_for_summary(incident: Incident) -> list[dict[str, Any]]:
    """Return the published notices for the executive summary (metric ``notices_published``)."""
    # Local time (TIME_ZONE), so the date shown beside a notice is the day readers saw it published.
    return [
        {
            "number": n.number,
            "title": n.title,
            "published_at": timezone.localtime(n.published_at).isoformat() if n.published_at else None,
        }
        for n in notices_published(incident=incident)
    ]


def publication_text(incident: Incident) -> str | None:
    """Return the notices published so far (the regulator report's publication item)."""
    notices = published_for_summary(incident)
    if not notices:
        return None
    parts = [f"第{n['number']}報「{n['title']}」（{(n['published_at'] or '')[:10]}）" for n in notices]
    return "自社ウェブサイトにて公表済み：" + "、".join(parts) + "。"


def public_page_gate(request: HttpRequest, code: str) -> int:
    """Return the incident id of an open public page (or a member's preview); 404 otherwise."""
    from breachdesk.notices.public_views import public_open

    state, _preview = public_open(request, code)
    return state.incident_id


def contribute() -> None:
    """Register the parts; called once from ``NoticesConfig.ready()``."""
    from breachdesk.notices.views import block_flags_panel_context, readiness_panel_context

    extensions.nav.register(extensions.NavEntry("notices", label=_("Notices"), url_name="notices:list", order=50))
    extensions.panels.register(
        extensions.Panel(
            "readiness",
            template="notices/panels/readiness.html",
            context=readiness_panel_context,
            order=15,
            cache_seconds=10,
        )
    )
    extensions.panels.register(
        extensions.Panel(
            "faq_drift",
            template="notices/panels/faq_drift.html",
            context=block_flags_panel_context,
            order=16,
            cache_seconds=10,
        )
    )
    extensions.public_page_gates.register(extensions.PublicPageGate("notices", public_page_gate))
    extensions.metrics.register(extensions.Metric("notices_published", published_for_summary))
    extensions.report_sections.register(
        extensions.ReportSection("notices.publication", item="publication", provider=publication_text)
    )
    extensions.readiness_checks.register(
        extensions.ReadinessCheck("faq", _("The FAQ is approved"), checks.check_faq, order=50)
    )
    extensions.readiness_checks.register(
        extensions.ReadinessCheck(
            "stakeholders", _("Card companies and key stakeholders are briefed"), checks.check_stakeholders, order=70
        )
    )
