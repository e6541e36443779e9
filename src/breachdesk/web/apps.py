from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "breachdesk.web"
    label = "web"
    verbose_name = "web"

    def ready(self) -> None:
        from breachdesk.web import dashboard  # noqa: F401  (registers the built-in panels)
