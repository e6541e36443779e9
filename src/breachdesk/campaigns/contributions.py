"""Register the campaigns' parts of other screens: navigation, dashboard panel, person-page section, metrics, the
report's individual-response item and the notification-template readiness item."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from breachdesk.campaigns import metrics
from breachdesk.campaigns.models import NoticeTemplate
from breachdesk.core import extensions
from breachdesk.core.extensions import CheckResult

if TYPE_CHECKING:
    from breachdesk.incidents.models import Incident


def check_notification_template(incident: Incident) -> CheckResult:
    """Pass when a notice template's current version is approved."""
    templates = list(NoticeTemplate.objects.filter(incident=incident))
    if not templates:
        return CheckResult(False, _("No notification template yet."))
    for item in templates:
        current = item.current
        if current is not None and current.approved_at is not None:
            return CheckResult(True, _("%(name)s v%(n)s approved") % {"name": item.name, "n": current.number})
    return CheckResult(False, _("No template's current version is approved."))


def individual_response_text(incident: Incident) -> str | None:
    """Return the progress of the individual notices (the regulator report's item on what was done for people)."""
    progress = metrics.notification_progress(incident)
    if not progress.get("total"):
        return None
    return (
        f"対象者{progress['total']:,}件に個別通知を実施中：メール送信済み{progress['sent']:,}件、郵送{progress['postal']:,}件、"
        f"不達{progress['failed']:,}件、確認中{progress['uncertain']:,}件、未送信{progress['pending']:,}件。"
    )


def contribute() -> None:
    """Register the parts; called once from ``CampaignsConfig.ready()``."""
    from breachdesk.campaigns.duties import campaigns_step, deliveries_as_json, relay_step
    from breachdesk.campaigns.health import campaigns_needing_a_person, campaigns_progress
    from breachdesk.campaigns.panels import campaigns_panel_context, person_section_context
    from breachdesk.campaigns.recovery import deliveries_recover_for_workers

    extensions.worker_duties.register(extensions.WorkerDuty("relay", relay_step, order=20))
    extensions.worker_duties.register(extensions.WorkerDuty("campaigns", campaigns_step, order=30))
    extensions.worker_recoveries.register(
        extensions.WorkerRecovery(
            "deliveries", deliveries_recover_for_workers, as_json=deliveries_as_json, empty={}, order=10
        )
    )
    extensions.health_probes.register(
        extensions.HealthProbe("campaigns", campaigns_progress, campaigns_needing_a_person, order=10)
    )

    extensions.nav.register(
        extensions.NavEntry(
            "campaigns", label=gettext_lazy("Person notices"), url_name="campaigns:campaign_list", order=55
        )
    )
    extensions.panels.register(
        extensions.Panel(
            "campaigns", template="campaigns/panel.html", context=campaigns_panel_context, order=50, cache_seconds=10
        )
    )
    extensions.person_sections.register(
        extensions.PersonSection(
            "campaigns", template="campaigns/person_section.html", context=person_section_context, order=30
        )
    )
    for name, fn in (
        ("letters_sent", metrics.letters_sent),
        ("emails_sent", metrics.emails_sent),
        ("notification_progress", metrics.notification_progress),
        ("notification_progress_over_time", metrics.notification_progress_over_time),
    ):
        extensions.metrics.register(extensions.Metric(name, fn))
    extensions.report_sections.register(
        extensions.ReportSection(
            "campaigns.individual_response", item="individual_response", provider=individual_response_text
        )
    )
    extensions.readiness_checks.register(
        extensions.ReadinessCheck(
            "notification_template",
            gettext_lazy("The notification template is approved"),
            check_notification_template,
            order=60,
        )
    )
