"""``breachdesk classify --jsonl FILE``: label inquiries read as JSON Lines; no database, no incident."""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from breachdesk.inquiries.classify import classify


class Command(BaseCommand):
    help = (
        'Classify inquiries. Reads JSON Lines {"id", "subject", "body"} from FILE (- for stdin) and writes one line '
        'per input: {"id", "labels": [sorted keys], "evidence": {label: [phrases]}}. With --evaluate, print the '
        "cross-validated macro-F1 on the labelled set instead."
    )
    requires_system_checks: list[str] = []  # works without a database
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--jsonl", metavar="FILE", help="JSON Lines input; - reads stdin")
        parser.add_argument("--evaluate", action="store_true", help="Print the figures on the labelled sets.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["evaluate"]:
            from breachdesk.inquiries.classify import evaluate

            report = evaluate.cross_validate(evaluate.load())
            heldout = evaluate.score(evaluate.load(evaluate.DATA.parent / "heldout.jsonl"))
            report["heldout_macro_f1"] = round(evaluate.macro_f1(heldout), 4)
            self.stdout.write(json.dumps(report, ensure_ascii=False))
            return
        if not options["jsonl"]:
            raise CommandError("Give --jsonl FILE (or - for stdin).")
        path = options["jsonl"]
        handle = sys.stdin if path == "-" else open(path, encoding="utf-8")  # noqa: SIM115 - closed below
        try:
            for number, line in enumerate(handle, 1):
                if not line.strip():
                    continue
                try:
                    row = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise CommandError(f"line {number}: not JSON ({exc.msg})") from None
                if not isinstance(row, dict):
                    raise CommandError(f"line {number}: expected an object")
                result = classify(subject=str(row.get("subject") or ""), body=str(row.get("body") or ""))
                out = {"id": row.get("id"), "labels": result.labels, "evidence": result.evidence}
                self.stdout.write(json.dumps(out, ensure_ascii=False))
        finally:
            if handle is not sys.stdin:
                handle.close()
