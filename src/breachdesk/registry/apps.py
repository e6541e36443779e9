from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "breachdesk.registry"
    label = "registry"
    verbose_name = "affected-person registry"

    def ready(self) -> None:
        from breachdesk.registry import contributions

        contributions.contribute()
