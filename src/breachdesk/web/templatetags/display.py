"""Template helpers that turn stored timeline keys into words."""

from __future__ import annotations

from typing import Any

from django import template

from breachdesk.web import timeline_display

register = template.Library()


@register.simple_tag
def event_lines(events: Any) -> list[tuple[Any, timeline_display.EventLine, str]]:
    """Return ``(event, line, actor)`` for each event, with sentences in the active language."""
    return timeline_display.event_lines(events)


@register.filter
def kind_label(kind: str) -> str:
    """Return the words for an event kind, for filter lists."""
    return timeline_display.kind_label(kind)
