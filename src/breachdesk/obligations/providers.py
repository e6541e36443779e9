"""Let other apps fill report items without this app knowing them.

An app registers a provider in its ``AppConfig.ready()``::

    from breachdesk.obligations.providers import register_report_item_provider
    register_report_item_provider("secondary_harm", key="inquiries", provider=secondary_harm_text)

``provider(incident)`` returns Japanese text for the item, or ``None`` when it has nothing to say. The texts of all
providers of an item are joined in key order; when none has anything, the report keeps its default text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from breachdesk.incidents.models import Incident

ReportItemProvider = Callable[["Incident"], str | None]

# The items other apps are expected to fill: secondary harm (the desk's inquiries labelled secondary_damage), what
# was done for the people (campaign progress), publication (the notices), prevention and other notes.
PROVIDED_ITEMS = ("secondary_harm", "individual_response", "publication", "prevention", "other")

_providers: dict[str, dict[str, ReportItemProvider]] = {}


def register_report_item_provider(item: str, *, key: str, provider: ReportItemProvider) -> None:
    """Add (or replace) the provider ``key`` of report item ``item``."""
    if item not in PROVIDED_ITEMS:
        raise ValueError(f"Unknown report item {item!r}; expected one of {', '.join(PROVIDED_ITEMS)}.")
    _providers.setdefault(item, {})[key] = provider


def unregister_report_item_provider(item: str, *, key: str) -> None:
    """Remove the provider ``key`` of ``item`` (tests use this to clean up)."""
    _providers.get(item, {}).pop(key, None)


def provided_text(item: str, incident: Incident) -> str | None:
    """Return the joined texts of ``item``'s providers for ``incident``, or ``None`` when none has any."""
    texts = []
    for _key, provider in sorted(_providers.get(item, {}).items()):
        text = provider(incident)
        if text:
            texts.append(text.strip())
    return "\n".join(texts) if texts else None
