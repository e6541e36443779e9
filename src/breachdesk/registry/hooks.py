"""Let later apps (inquiries, deliveries, …) add sections to the person page without the registry knowing them.

An app registers a section in its ``AppConfig.ready()``::

    from breachdesk.registry.hooks import register_person_section
    register_person_section("inquiries", template="inquiries/person_section.html", context=inquiries_for, order=20)

``context(person, access, request)`` returns the template context, or ``None`` to hide the section.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest

    from breachdesk.incidents.selectors import IncidentAccess
    from breachdesk.registry.models import Person

SectionContext = Callable[["Person", "IncidentAccess", "HttpRequest"], dict[str, Any] | None]


@dataclass(frozen=True)
class PersonSection:
    key: str
    template: str
    context: SectionContext
    order: int = 100


_sections: dict[str, PersonSection] = {}


def register_person_section(key: str, *, template: str, context: SectionContext, order: int = 100) -> None:
    """Add (or replace) the person-page section ``key``."""
    _sections[key] = PersonSection(key=key, template=template, context=context, order=order)


def unregister_person_section(key: str) -> None:
    _sections.pop(key, None)


def person_sections() -> list[PersonSection]:
    """Return the registered sections in display order."""
    return sorted(_sections.values(), key=lambda s: (s.order, s.key))


# Object-level grants: a member whose role lacks ``PII_READ_RECORD`` may still read one person's record when an app
# that owns the work says so (inquiries: an engineer's own deletion task names the person). The registry does not
# know those apps; each registers a check ``grant(person_id, access, user) -> bool``.
RecordGrant = Callable[[int, "IncidentAccess", Any], bool]
_grants: dict[str, RecordGrant] = {}


def register_record_grant(key: str, grant: RecordGrant) -> None:
    """Add (or replace) the object-level grant ``key`` for reading one person's record."""
    _grants[key] = grant


def record_granted(*, person_id: int, access: IncidentAccess, user: Any) -> bool:
    """Return whether any registered grant lets ``user`` read person ``person_id`` of ``access.incident``."""
    return any(grant(person_id, access, user) for _key, grant in sorted(_grants.items()))
