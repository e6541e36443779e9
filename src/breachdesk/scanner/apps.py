from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScannerConfig(AppConfig):
    name = "breachdesk.scanner"
    label = "scanner"
    verbose_name = _("PII scanner")

    def ready(self) -> None:
        from breachdesk.scanner.selectors import scan_panel_context
        from breachdesk.web.panels import register_panel

        register_panel("scanner", template="scanner/panel.html", context=scan_panel_context, order=60, cache_seconds=10)
