from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks


class CoreConfig(AppConfig):
    name = "breachdesk.core"
    label = "core"
    verbose_name = "breachdesk core"

    def ready(self) -> None:
        from django.core.signals import request_started

        from breachdesk.core.crypto import expire_key_generation_check

        # Every request reads the key generation afresh before its first key use (a shred elsewhere counts at once).
        request_started.connect(expire_key_generation_check, dispatch_uid="breachdesk.key_generation")
        checks.register(check_master_key, checks.Tags.security, deploy=True)
        checks.register(check_second_factor, checks.Tags.security, deploy=True)


def check_master_key(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Warn when the master key lives in a file under var/ next to the database it protects."""
    from django.conf import settings

    if settings.MASTER_KEY_SOURCE != "environment":
        return [
            checks.Warning(
                "The master key is a generated file next to the database.",
                hint="Set BREACHDESK_MASTER_KEY or BREACHDESK_MASTER_KEY_FILE from a secret store in production.",
                id="breachdesk.W001",
            )
        ]
    return []


def check_second_factor(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Warn when the second factor is not required in production."""
    from django.conf import settings

    if not settings.BREACHDESK_REQUIRE_2FA:
        return [
            checks.Warning(
                "BREACHDESK_REQUIRE_2FA is false: staff can sign in with a password alone.",
                hint="Leave BREACHDESK_REQUIRE_2FA unset (true) in production.",
                id="breachdesk.W002",
            )
        ]
    return []
