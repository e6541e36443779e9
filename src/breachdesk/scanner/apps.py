from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScannerConfig(AppConfig):
    name = "breachdesk.scanner"
    label = "scanner"
    verbose_name = _("PII scanner")

    def ready(self) -> None:
        from breachdesk.scanner import contributions

        contributions.contribute()
