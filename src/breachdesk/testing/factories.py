"""Build test data with factory_boy; incidents go through the service so they get keys, leads and tasks."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import factory
from django.contrib.auth import get_user_model

from breachdesk.incidents import services
from breachdesk.incidents.models import Incident

TOKYO = ZoneInfo("Asia/Tokyo")
PASSWORD = "correct-horse-battery-staple"  # noqa: S105 - test-only password


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj: Any, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create:
            obj.save()


def incident_create(*, lead: Any, code: str, **overrides: Any) -> Incident:
    """Open an incident through the service, the way the product does."""
    aware = overrides.pop("aware_at", datetime(2026, 3, 2, 10, 0, tzinfo=TOKYO))
    fields: dict[str, Any] = {
        "title": f"Incident {code}",
        "organisation": "Example K.K.",
        "found_at": aware - timedelta(hours=1),
        "aware_at": aware,
        "cause": "unauthorized_access",
        "jurisdictions": ["JP"],
    }
    fields.update(overrides)
    return services.incident_create(actor=lead, code=code, **fields)


def notice_campaign_approved(*, incident: Incident, lead: Any, legal: Any, throttle: int) -> Any:
    """Return an approved e-mail notice campaign of ``incident``: ``lead`` writes the template, ``legal`` approves."""
    from breachdesk.campaigns import services as campaigns

    template = campaigns.template_create(
        incident=incident,
        actor=lead,
        name="本人通知",
        subject="個人情報流出のお知らせ",
        body_text="{{ person.name }} 様\n\n流出した可能性のある情報：{{ items_text }}\n",
    )
    campaigns.template_approve(template=template, actor=legal, version_number=1)
    campaign = campaigns.campaign_create(
        incident=incident,
        actor=lead,
        name="本人通知 第1回",
        template=template,
        channel="email",
        throttle_per_second=throttle,
    )
    return campaigns.campaign_approve(campaign=campaign, actor=legal)
