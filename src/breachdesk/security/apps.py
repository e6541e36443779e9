from django.apps import AppConfig


class SecurityConfig(AppConfig):
    """Provide the login lockout page and the login-lockout log line; the suite lives in ``tests/``."""

    name = "breachdesk.security"
    label = "security"
    verbose_name = "security"

    def ready(self) -> None:
        from breachdesk.security import signals  # noqa: F401  (logs login lockouts)
