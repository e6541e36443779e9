from django.apps import AppConfig


class NoticesConfig(AppConfig):
    name = "breachdesk.notices"
    label = "notices"
    verbose_name = "notices"
