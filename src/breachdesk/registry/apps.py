from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "breachdesk.registry"
    label = "registry"
    verbose_name = "affected-person registry"

    def ready(self) -> None:
        from breachdesk.registry.panels import registry_panel_context
        from breachdesk.web.panels import register_nav, register_panel

        register_nav("registry", label=_("Registry"), url_name="registry:overview", order=30)
        register_panel(
            "registry", template="registry/panel.html", context=registry_panel_context, order=20, cache_seconds=10
        )
