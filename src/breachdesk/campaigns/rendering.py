"""Turn a template version and one person into that person's notice, through the sandbox.

Person fields are decrypted here, at send (or preview) time, and only for the one person being rendered.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils import timezone, translation

from breachdesk.campaigns import sandbox
from breachdesk.registry import items as vocabulary

if TYPE_CHECKING:
    from breachdesk.campaigns.models import Campaign, TemplateVersion
    from breachdesk.incidents.models import Incident
    from breachdesk.registry.models import Person

PERSON_FIELDS = ("name", "name_kana", "email", "phone", "postal_code", "address")


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    letter: str


def person_values(person: Person, *, mask: Callable[[str, str], str] | None = None) -> dict[str, str]:
    """Return the person's own fields, decrypted now (and masked when ``mask`` is given, for screens without PII)."""
    values = {field: getattr(person, field) or "" for field in PERSON_FIELDS}
    values["member_id"] = person.member_id or ""
    if mask is not None:
        values = {field: mask(field, value) if value else "" for field, value in values.items()}
    return values


def item_labels(mask: int) -> list[str]:
    """Return the Japanese labels of the items in ``mask``: notices are written in Japanese."""
    return [vocabulary.ITEMS[key].label_ja for key in vocabulary.keys_of(mask)]


def incident_values(incident: Incident) -> dict[str, Any]:
    with translation.override("ja"):
        cause = str(incident.get_cause_display())
    return {
        "title": incident.title,
        "organisation": incident.organisation,
        "found_date": timezone.localtime(incident.found_at).date(),
        "aware_date": timezone.localtime(incident.aware_at).date(),
        "cause": cause,
        "description": incident.description,
    }


def desk_values(campaign: Campaign | None) -> dict[str, str]:
    if campaign is None:
        return {}
    return {
        "name": campaign.desk_name,
        "email": campaign.desk_email,
        "phone": campaign.desk_phone,
        "hours": campaign.desk_hours,
    }


def link_values(campaign: Campaign | None) -> dict[str, str]:
    if campaign is None:
        return {}
    return {"notice": campaign.notice_url, "selfcheck": campaign.selfcheck_url}


def render_notice(
    *,
    version: TemplateVersion,
    incident: Incident,
    campaign: Campaign | None,
    person: dict[str, str],
    items: list[str],
    today: date | None = None,
) -> Rendered:
    """Render every part of ``version`` for one person; raise ``TemplateInvalid`` when a part cannot be filled."""
    context = sandbox.sandbox_context(
        person=person,
        items=items,
        incident=incident_values(incident),
        desk=desk_values(campaign),
        links=link_values(campaign),
        today=today or timezone.localdate(),
    )
    subject = " ".join(sandbox.render(version.subject, context).split())
    text = sandbox.render(version.body_text, context)
    html = sandbox.render(version.body_html, context, html=True) if version.body_html else ""
    letter = sandbox.render(version.letter_text or version.body_text, context)
    return Rendered(subject=subject, text=text, html=html, letter=letter)


def sample_person(*, email: str) -> dict[str, str]:
    """Return an invented person for test sends: nobody's real data, with the test recipient as its address."""
    return {
        "name": "見本 太郎",
        "name_kana": "ミホン タロウ",
        "email": email,
        "phone": "",
        "postal_code": "100-0001",
        "address": "東京都千代田区千代田1-1 見本ビル",
        "member_id": "SAMPLE-0001",
    }
