from django.apps import AppConfig


class ScannerConfig(AppConfig):
    name = "breachdesk.scanner"
    label = "scanner"
    verbose_name = "PII scanner"
