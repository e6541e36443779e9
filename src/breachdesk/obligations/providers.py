"""Read the report items other apps fill, without this app knowing them.

The app that owns the data registers a section from its ``contributions.py``::

    extensions.report_sections.register(
        extensions.ReportSection("inquiries.secondary_harm", item="secondary_harm", provider=secondary_harm_text)
    )

``provider(incident)`` returns Japanese text for the item, or ``None`` when it has nothing to say. The texts of all
providers of an item are joined in ``(order, key)`` order; when none has anything, the report keeps its default text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core import checks

from breachdesk.core import extensions

if TYPE_CHECKING:
    from breachdesk.incidents.models import Incident

# The items other apps are expected to fill: secondary harm (the desk's inquiries labelled secondary_damage), what
# was done for the people (campaign progress), publication (the notices), prevention and other notes.
PROVIDED_ITEMS = ("secondary_harm", "individual_response", "publication", "prevention", "other")


def check_report_items(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Report a registered section for an item the report does not have."""
    return [
        checks.Error(
            f"Report section {section.key!r} fills the unknown item {section.item!r}.",
            hint=f"Expected one of {', '.join(PROVIDED_ITEMS)}.",
            id="obligations.E001",
        )
        for section in extensions.report_sections.all()
        if section.item not in PROVIDED_ITEMS
    ]


def provided_text(item: str, incident: Incident) -> str | None:
    """Return the joined texts of ``item``'s providers for ``incident``, or ``None`` when none has any."""
    texts = []
    for section in extensions.report_sections.all():
        if section.item != item:
            continue
        text = section.provider(incident)
        if text:
            texts.append(text.strip())
    return "\n".join(texts) if texts else None
