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


class NoticeRenderer:
    """Render one template version of one campaign for many people (a worker's batch).

    The incident's, desk's and links' values and the compiled parts are made once; a part that names nothing of the
    person (``sandbox.names_person``) is filled once and shared, so only the person's own parts are filled per person.
    """

    def __init__(
        self,
        *,
        version: TemplateVersion,
        incident: Incident,
        campaign: Campaign | None,
        today: date | None = None,
    ) -> None:
        self.version_id = version.pk
        self.incident = incident_values(incident)
        self.desk = desk_values(campaign)
        self.links = link_values(campaign)
        self.today = today or timezone.localdate()
        self._sources = {
            "subject": version.subject,
            "text": version.body_text,
            "html": version.body_html,
            "letter": version.letter_text or version.body_text,
        }
        self._templates: dict[str, Any] = {}
        self._fixed: dict[str, str] = {}

    def _part(self, name: str, context: dict[str, Any]) -> str:
        if name in self._fixed:
            return self._fixed[name]
        source = self._sources[name]
        if not source:
            return ""
        template = self._templates.get(name)
        if template is None:
            template = self._templates[name] = sandbox.compiled(source)
        output = sandbox.fill(template, context, html=name == "html")
        if not sandbox.names_person(source):
            self._fixed[name] = output
        return output

    def render(self, *, person: dict[str, str], items: list[str]) -> Rendered:
        """Render every part for one person; raise ``TemplateInvalid`` when a part cannot be filled."""
        context = sandbox.sandbox_context(
            person=person, items=items, incident=self.incident, desk=self.desk, links=self.links, today=self.today
        )
        return Rendered(
            subject=" ".join(self._part("subject", context).split()),
            text=self._part("text", context),
            html=self._part("html", context),
            letter=self._part("letter", context),
        )


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
    renderer = NoticeRenderer(version=version, incident=incident, campaign=campaign, today=today)
    return renderer.render(person=person, items=items)


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
