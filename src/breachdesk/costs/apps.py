from django.apps import AppConfig
from django.core import checks


class CostsConfig(AppConfig):
    name = "breachdesk.costs"
    label = "costs"
    verbose_name = "costs"

    def ready(self) -> None:
        from breachdesk.costs import contributions
        from breachdesk.costs.sources import check_metric_names

        contributions.contribute()
        checks.register(check_metric_names)
