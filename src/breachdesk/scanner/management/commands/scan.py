"""Scan files for personal identifiers: ``breachdesk scan PATH... [--jobs N] [--jsonl] [--incident CODE]``."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from breachdesk.incidents.models import Incident
from breachdesk.scanner import engine, services, walker


class Command(BaseCommand):
    # The scan reads files, not the project's configuration: skipping the system checks saves seconds per run.
    requires_system_checks: list[str] = []
    help = (
        "Scan files, logs, spreadsheets and database dumps for personal identifiers (cards, My Numbers, phones, "
        'emails, ...). Prints one JSON summary {"files", "bytes", "seconds", "skipped", "counts"}; with --jsonl, '
        "one line per finding (masked) first. --incident stores the summary on the incident's timeline. "
        "Exit status 0 when the scan ran, 2 for a bad argument or an unreadable root."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH", help="files or directories to scan (recursively)")
        parser.add_argument("--jobs", type=int, default=1, metavar="N", help="number of processes (default 1)")
        parser.add_argument("--jsonl", action="store_true", help="print each finding as a JSON line")
        parser.add_argument("--incident", metavar="CODE", help="store the summary as scan evidence on this incident")

    def handle(self, *args: Any, **options: Any) -> None:
        jobs = options["jobs"]
        if jobs < 1:
            raise CommandError(f"--jobs must be at least 1, not {jobs}.", returncode=2)
        incident = None
        if options["incident"]:
            incident = Incident.objects.filter(code=options["incident"]).first()
            if incident is None:
                raise CommandError(f"No incident with code {options['incident']!r}.", returncode=2)
        paths: list[str] = options["paths"]
        for path in paths:
            try:
                walker.root_check(root=path)
            except walker.RootError as exc:
                raise CommandError(str(exc), returncode=2) from None

        on_finding = None
        if options["jsonl"]:

            def on_finding(finding: engine.Finding) -> None:
                self.stdout.write(json.dumps(finding.as_dict(), ensure_ascii=False))

        summary = engine.scan_paths(paths, jobs=jobs, on_finding=on_finding)
        if incident is not None:
            services.scan_evidence_record(incident=incident, actor="cli", summary=summary, roots=paths)
        self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))
        sys.stderr.write(
            f"scan: {summary.files} files, {summary.bytes} bytes, {summary.total} findings, "
            f"{len(summary.skipped)} skipped, {summary.seconds:.2f}s\n"
        )
