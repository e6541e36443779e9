"""Match a leaked file against the registry and mark the people found in it affected."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from breachdesk.core.errors import ApplicationError
from breachdesk.registry import matching, services
from breachdesk.registry.importing.encoding import CHOICES
from breachdesk.registry.management.commands._common import StderrProgress, bad_input, incident_or_exit
from breachdesk.registry.models import JobKind


class Command(BaseCommand):
    help = "Match a leaked file. Prints {rows, matched, unmatched, items, unmatched_file}."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--incident", required=True, metavar="CODE")
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--encoding", choices=CHOICES, default="auto")
        parser.add_argument("--sheet", default=None, metavar="NAME")

    def handle(self, *args: Any, **options: Any) -> None:
        incident = incident_or_exit(options["incident"])
        path = Path(options["file"])
        try:
            job = services.import_job_create(
                incident=incident,
                actor="cli",
                kind=JobKind.MATCH,
                path=path.resolve(),
                file_name=path.name,
                encoding=options["encoding"],
                sheet=options["sheet"],
            )
            job = services.import_job_run(job=job, actor="cli", progress=StderrProgress())
        except ApplicationError as exc:
            raise bad_input(exc) from None
        strengths = ", ".join(f"{k}: {v}" for k, v in sorted(job.result.get("strength", {}).items()))
        self.stderr.write(
            f"match-leak: job #{job.pk}; strength of matches: {strengths or 'none'}; report {job.report_path}"
        )
        self.stdout.write(json.dumps(matching.counts_of(job), ensure_ascii=False))
