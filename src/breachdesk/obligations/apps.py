from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class ObligationsConfig(AppConfig):
    name = "breachdesk.obligations"
    label = "obligations"
    verbose_name = "obligations"

    def ready(self) -> None:
        # Import the dashboard first: it registers the placeholder clocks panel once, and ours must replace it.
        from breachdesk.obligations import receivers, report_sources
        from breachdesk.obligations.views import clocks_panel_context
        from breachdesk.web import dashboard  # noqa: F401
        from breachdesk.web.panels import register_nav, register_panel

        report_sources.register()
        register_panel(
            "clocks",
            template="obligations/panels/clocks.html",
            context=clocks_panel_context,
            order=10,
            cache_seconds=10,
        )
        register_nav("obligations", label=_("Obligations"), url_name="obligations:overview", order=20)
        from breachdesk.registry.signals import registry_changed

        registry_changed.connect(receivers.registry_changed, dispatch_uid="obligations.registry_changed")
        post_save.connect(
            receivers.incident_saved, sender="incidents.Incident", dispatch_uid="obligations.incident_saved"
        )
