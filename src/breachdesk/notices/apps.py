from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "breachdesk.notices"
    label = "notices"
    verbose_name = "notices"

    def ready(self) -> None:
        from breachdesk.costs.sources import register_metric
        from breachdesk.notices import receivers
        from breachdesk.notices.checks import register_default_checks
        from breachdesk.notices.views import block_flags_panel_context, readiness_panel_context
        from breachdesk.web.panels import register_nav, register_panel

        register_default_checks()
        register_metric("notices_published", _published_for_summary)
        register_nav("notices", label=_("Notices"), url_name="notices:list", order=50)
        register_panel(
            "readiness",
            template="notices/panels/readiness.html",
            context=readiness_panel_context,
            order=15,
            cache_seconds=10,
        )
        register_panel(
            "faq_drift",
            template="notices/panels/faq_drift.html",
            context=block_flags_panel_context,
            order=16,
            cache_seconds=10,
        )
        # String senders: the desk's models may not exist yet, and a lazy sender binds only once they do.
        post_save.connect(
            receivers.answer_block_saved, sender="inquiries.AnswerBlock", dispatch_uid="notices.answer_block_saved"
        )
        post_save.connect(
            receivers.desk_config_saved, sender="inquiries.DeskConfig", dispatch_uid="notices.desk_config_saved"
        )


def _published_for_summary(incident: Any) -> list[dict[str, Any]]:
    """Return the published notices for the executive summary (``costs.sources`` metric ``notices_published``)."""
    from django.utils import timezone

    from breachdesk.notices.selectors import notices_published

    # Local time (TIME_ZONE), so the date shown beside a notice is the day readers saw it published.
    return [
        {
            "number": n.number,
            "title": n.title,
            "published_at": timezone.localtime(n.published_at).isoformat() if n.published_at else None,
        }
        for n in notices_published(incident=incident)
    ]
