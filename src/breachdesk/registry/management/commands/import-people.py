"""Import a member master or an affected list (CSV, TSV or XLSX) into an incident's registry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from breachdesk.core.errors import ApplicationError
from breachdesk.registry import items as vocabulary
from breachdesk.registry import services
from breachdesk.registry.importing import pipeline
from breachdesk.registry.importing.encoding import CHOICES
from breachdesk.registry.importing.mapping import parse_overrides
from breachdesk.registry.management.commands._common import StderrProgress, bad_input, incident_or_exit
from breachdesk.registry.models import ImportJob, Source


class Command(BaseCommand):
    help = (
        "Import people into the registry. Prints {rows, imported, updated, duplicates, rejected, errors_file}. "
        "Resume an interrupted job with --resume JOB, or undo a job with --rollback JOB."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--incident", required=True, metavar="CODE")
        parser.add_argument("file", nargs="?", metavar="FILE")
        parser.add_argument("--source", choices=[Source.MASTER, Source.AFFECTED_LIST], default=Source.MASTER)
        parser.add_argument("--encoding", choices=CHOICES, default="auto")
        parser.add_argument("--map", action="append", default=[], metavar="HEADER=key")
        parser.add_argument("--items", default="", metavar="k1,k2,...", help="The leaked items of every row.")
        parser.add_argument("--sheet", default=None, metavar="NAME", help="The sheet of an XLSX workbook.")
        parser.add_argument("--resume", type=int, metavar="JOB", help="Resume an interrupted import job.")
        parser.add_argument("--rollback", type=int, metavar="JOB", help="Undo an import job.")

    def handle(self, *args: Any, **options: Any) -> None:
        incident = incident_or_exit(options["incident"])
        try:
            if options["rollback"] or options["resume"]:
                job_id = options["rollback"] or options["resume"]
                job = ImportJob.objects.filter(incident=incident, pk=job_id).first()
                if job is None:
                    raise CommandError(f"No job #{job_id} in {incident.code}.", returncode=2)
                if options["rollback"]:
                    job = services.import_job_rollback(job=job, actor="cli")
                    self.stdout.write(json.dumps({"job": job.pk, "status": job.status}))
                    return
            else:
                if not options["file"]:
                    raise CommandError("Name the FILE to import.", returncode=2)
                path = Path(options["file"])
                try:
                    items = vocabulary.parse_item_list(options["items"]) if options["items"] else []
                except ValueError as exc:
                    raise CommandError(f"--items: {exc} is not a data-item key.", returncode=2) from None
                job = services.import_job_create(
                    incident=incident,
                    actor="cli",
                    path=path.resolve(),
                    file_name=path.name,
                    source=options["source"],
                    encoding=options["encoding"],
                    mapping=parse_overrides(options["map"]),
                    items=items,
                    sheet=options["sheet"],
                )
            self.stderr.write(f"import: job #{job.pk} for {job.file_name}")
            job = services.import_job_run(job=job, actor="cli", progress=StderrProgress())
        except ApplicationError as exc:
            raise bad_input(exc) from None
        self.stdout.write(json.dumps(pipeline.counts_of(job), ensure_ascii=False))
