from django.apps import AppConfig


class CostsConfig(AppConfig):
    name = "breachdesk.costs"
    label = "costs"
    verbose_name = "costs"
