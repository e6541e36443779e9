from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "breachdesk.api"
    label = "api"
    verbose_name = "API"
