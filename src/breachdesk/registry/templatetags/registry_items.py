"""Show a leaked-item key (``email``, ``card_number``…) by its name in the reader's language."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language

from breachdesk.registry import items as vocabulary

register = template.Library()


@register.filter
def item_label(key: str) -> str:
    """Return the item's Japanese name on Japanese pages and its English name otherwise; unknown keys as given."""
    item = vocabulary.ITEMS.get(key)
    if item is None:
        return key
    return item.label_ja if (get_language() or "ja").startswith("ja") else str(item.label)
