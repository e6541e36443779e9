"""Log each login lockout (django-axes) as one line, without the username or the address."""

from __future__ import annotations

import logging
from typing import Any

from axes.signals import user_locked_out
from django.dispatch import receiver

logger = logging.getLogger("breachdesk.security")


@receiver(user_locked_out)
def log_lockout(sender: Any, request: Any = None, **kwargs: Any) -> None:
    """Write a warning that a login was locked out; django-axes keeps the details in its own table."""
    logger.warning("login locked out after repeated failures (see the admin's access attempts)")
