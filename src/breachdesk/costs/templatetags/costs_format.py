"""Format counts and yen in the costs templates (django.contrib.humanize is not installed)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def num(value: Any) -> str:
    """Return ``value`` with thousands separators; whole Decimals without their ``.00``."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, Decimal):
        value = int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    return str(value)


@register.filter
def yen(value: Any) -> str:
    """Return ``value`` as ¥1,234, or a dash when there is none."""
    if value is None or value == "":
        return "—"
    return f"¥{int(value):,}"
