"""Share the registry commands' argument handling, progress output and exit statuses (0 ok, 2 bad input, 1 bug)."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import CommandError

from breachdesk.core.errors import ApplicationError, KeyDestroyed
from breachdesk.incidents.models import Incident
from breachdesk.registry.models import ImportJob


def incident_or_exit(code: str) -> Incident:
    incident = Incident.objects.filter(code=code).first()
    if incident is None:
        raise CommandError(f"No incident with code {code!r}.", returncode=2)
    return incident


def bad_input(exc: ApplicationError) -> CommandError:
    """Return the CommandError for an application error: 2 for bad input, 1 for a destroyed key or a bug."""
    return CommandError(str(exc.message), returncode=1 if isinstance(exc, KeyDestroyed) else 2)


class StderrProgress:
    """Print progress to stderr at most twice a second."""

    def __init__(self, stream: Any = None) -> None:
        self.stream = stream or sys.stderr
        self.last = 0.0

    def __call__(self, job: ImportJob) -> None:
        now = time.monotonic()
        if now - self.last < 0.5:
            return
        self.last = now
        done = job.rows if job.kind == "import" else job.matched + job.unmatched
        self.stream.write(f"{job.kind} #{job.pk}: {done} rows, {job.progress_percent}%\n")
        self.stream.flush()
