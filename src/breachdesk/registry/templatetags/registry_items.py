"""Show a leaked-item key (``email``, ``card_number``…) by its name in the reader's language."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.utils.translation import get_language

from breachdesk.registry import items as vocabulary
from breachdesk.registry.models import Source

register = template.Library()


@register.filter
def item_label(key: str) -> str:
    """Return the item's Japanese name on Japanese pages and its English name otherwise; unknown keys as given."""
    item = vocabulary.ITEMS.get(key)
    if item is None:
        return key
    return item.label_ja if (get_language() or "ja").startswith("ja") else str(item.label)


@register.filter
def item_labels(keys: Iterable[str]) -> str:
    """Return the names of several item keys, joined as the reader's language joins a list."""
    separator = "、" if (get_language() or "ja").startswith("ja") else ", "
    return separator.join(item_label(key) for key in keys or ())


@register.filter
def source_label(source: str) -> str:
    """Return the name of a registry source (``master`` → 会員マスタ), or the key when unknown."""
    try:
        return str(Source(source).label)
    except ValueError:
        return source
