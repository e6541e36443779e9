"""Show people by their names, family name first as Japanese writes them, not by their login names."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


def person_name(*, username: str, first_name: str, last_name: str) -> str:
    """Return a person's name family name first, or the user name when no name is set."""
    if last_name or first_name:
        return f"{last_name} {first_name}".strip()
    return username


@register.filter
def display_name(user: Any) -> str:
    """Return a user's name family name first, or the user name when none is set; "—" for nobody."""
    if user is None or user == "":
        return "—"
    return person_name(
        username=user.get_username(),
        first_name=getattr(user, "first_name", "") or "",
        last_name=getattr(user, "last_name", "") or "",
    )
