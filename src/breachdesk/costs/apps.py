from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CostsConfig(AppConfig):
    name = "breachdesk.costs"
    label = "costs"
    verbose_name = "costs"

    def ready(self) -> None:
        from breachdesk.costs import sources  # noqa: F401  (registers the built-in metrics)
        from breachdesk.costs.panels import charts_panel_context, costs_panel_context
        from breachdesk.web.panels import register_nav, register_panel

        register_nav("costs", label=_("Costs"), url_name="costs:overview", order=70)
        register_nav("summary", label=_("Executive summary"), url_name="costs:summary", order=80)
        register_panel(
            "charts", template="costs/panels/charts.html", context=charts_panel_context, order=15, cache_seconds=10
        )
        register_panel(
            "costs", template="costs/panels/costs.html", context=costs_panel_context, order=60, cache_seconds=10
        )
