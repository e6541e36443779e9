from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "breachdesk.web"
    label = "web"
    verbose_name = "web"
