"""Name answer blocks by what they say, not by their keys."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

from breachdesk.inquiries.labels import LABELS

register = template.Library()

GENERAL_NAMES: dict[str, Any] = {
    "greeting": _("Greeting"),
    "apology": _("Apology"),
    "closing": _("Closing"),
    "identity_check": _("Identity check"),
    "acknowledgment": _("Acknowledgment of receipt"),
    "deletion_confirmation": _("Confirmation of deletion"),
}


def block_name(key: str) -> str:
    """Return the name of answer block ``key`` in the reader's language, or the key when unknown."""
    name = GENERAL_NAMES.get(key) or LABELS.get(key)
    return str(name) if name is not None else key


register.filter("block_name", block_name)
