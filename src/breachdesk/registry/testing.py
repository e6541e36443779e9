"""Create the registry's sample objects for the shared ``world`` fixture."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from breachdesk.incidents.models import Incident
from breachdesk.registry import services
from breachdesk.registry.models import ImportJob, JobStatus, Person


def sample_registry(*, incident: Incident, actor: Any) -> tuple[Person, ImportJob]:
    """Return one affected person and one finished import job of ``incident``."""
    person = services.person_create(
        incident=incident,
        actor=actor,
        member_id="W-0001",
        name="見本 花子",
        email="hanako.mihon@example.jp",
        phone="090-0000-1111",
        affected=True,
        items=["name", "email"],
    )
    job = ImportJob.objects.create(
        incident=incident,
        file_name="sample.csv",
        status=JobStatus.DONE,
        rows=1,
        imported=1,
        actor_label=actor.get_username(),
        finished_at=timezone.now(),
    )
    return person, job
