"""Register the costs' navigation links and dashboard panels (the metrics they read come from the other apps)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from breachdesk.core import extensions


def contribute() -> None:
    """Register the parts; called once from ``CostsConfig.ready()``."""
    from breachdesk.costs.panels import charts_panel_context, costs_panel_context

    extensions.nav.register(extensions.NavEntry("costs", label=_("Costs"), url_name="costs:overview", order=70))
    extensions.nav.register(
        extensions.NavEntry("summary", label=_("Executive summary"), url_name="costs:summary", order=80)
    )
    extensions.panels.register(
        extensions.Panel(
            "charts", template="costs/panels/charts.html", context=charts_panel_context, order=15, cache_seconds=10
        )
    )
    extensions.panels.register(
        extensions.Panel(
            "costs", template="costs/panels/costs.html", context=costs_panel_context, order=60, cache_seconds=10
        )
    )
