from django.apps import AppConfig


class ObligationsConfig(AppConfig):
    name = "breachdesk.obligations"
    label = "obligations"
    verbose_name = "obligations"
