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
