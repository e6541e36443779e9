from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "breachdesk.campaigns"
    label = "campaigns"
    verbose_name = "campaigns"

    def ready(self) -> None:
        from breachdesk.campaigns import metrics
        from breachdesk.campaigns.panels import campaigns_panel_context, person_section_context
        from breachdesk.registry.hooks import register_person_section
        from breachdesk.web.panels import register_nav, register_panel

        metrics.register()
        register_nav("campaigns", label=_("Person notices"), url_name="campaigns:campaign_list", order=55)
        register_panel(
            "campaigns", template="campaigns/panel.html", context=campaigns_panel_context, order=50, cache_seconds=10
        )
        register_person_section(
            "campaigns", template="campaigns/person_section.html", context=person_section_context, order=30
        )
