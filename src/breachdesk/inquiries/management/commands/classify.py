"""``breachdesk classify``: label inquiries read as JSON Lines (no database), train the model, or measure it.

- ``classify --jsonl FILE``: one ``{"id", "labels", "evidence", "scores", "model"}`` line per input line.
- ``classify train``: build the committed artefact from the corpus (same corpus, same bytes); ``--check`` only
  verifies that the committed artefact is what the corpus gives.
- ``classify train --incident CODE``: retrain with the incident's staff corrections; the incident switches to the
  new model only if it does not lose macro-F1 on the evaluation set.
- ``classify evaluate``: figures on the evaluation set (95% bootstrap intervals), k-fold CV on the training corpus,
  and the old labelled/held-out sets.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from breachdesk.inquiries.classify import classify


class Command(BaseCommand):
    help = (
        'Classify inquiries. Reads JSON Lines {"id", "subject", "body"} from FILE (- for stdin) and writes one line '
        'per input: {"id", "labels": [sorted keys], "evidence": {label: [{"rule", "start", "end"}]}, "scores", '
        '"model"}. "train" builds the model from the corpus (--incident CODE: with that incident\'s corrections); '
        '"evaluate" (or --evaluate) prints the figures.'
    )
    requires_system_checks: list[str] = []  # works without a database
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", nargs="?", choices=["train", "evaluate"], help="train or evaluate")
        parser.add_argument("--jsonl", metavar="FILE", help="JSON Lines input; - reads stdin")
        parser.add_argument("--evaluate", action="store_true", help="The same as the evaluate action.")
        parser.add_argument("--incident", metavar="CODE", help="train: retrain with this incident's corrections")
        parser.add_argument("--output", metavar="PATH", help="train: write the artefact here (default: committed)")
        parser.add_argument("--check", action="store_true", help="train: fail if the committed artefact differs")
        parser.add_argument(
            "--corpus",
            metavar="FILE",
            action="append",
            help="train: corpus files (default: data/labelled.jsonl and data/training/*.jsonl); repeat for several",
        )
        parser.add_argument("--evaluation", metavar="FILE", help="evaluation set (default data/evaluation.jsonl)")
        parser.add_argument("--no-cv", action="store_true", help="evaluate: skip the k-fold cross-validation")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "train":
            self._train(options)
        elif options["action"] == "evaluate" or options["evaluate"]:
            self._evaluate(options)
        elif options["jsonl"]:
            self._jsonl(options["jsonl"])
        else:
            raise CommandError("Give --jsonl FILE (or - for stdin), or the action train or evaluate.")

    def _jsonl(self, path: str) -> None:
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
                self.stdout.write(json.dumps({"id": row.get("id"), **result.as_dict()}, ensure_ascii=False))
        finally:
            if handle is not sys.stdin:
                handle.close()

    def _train(self, options: dict[str, Any]) -> None:
        from breachdesk.inquiries.classify import model, train

        if options["incident"]:
            self._train_incident(options)
            return
        try:
            rows = train.load_corpus(self._corpus(options))
        except (OSError, ValueError) as exc:
            raise CommandError(f"corpus: {exc}") from None
        trained = train.train(rows)
        blob = trained.model.to_bytes()
        target = Path(options["output"]) if options["output"] else model.DEFAULT_PATH
        summary = {
            "version": trained.model.version,
            "corpus_sha256": trained.model.corpus_sha256,
            "examples": len(rows),
            "features": len(trained.model.keys),
            "bytes": len(blob),
            "thresholds": dict(zip(trained.model.labels, (float(t) for t in trained.model.thresholds), strict=True)),
        }
        if options["check"]:
            same = target.exists() and target.read_bytes() == blob
            summary["committed_matches"] = same
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            if not same:
                raise CommandError(f"{target} is not the artefact the corpus gives: run `breachdesk classify train`.")
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blob)
        summary["path"] = str(target)

        self.stdout.write(json.dumps(summary, ensure_ascii=False))

    @staticmethod
    def _corpus(options: dict[str, Any]) -> list[Path] | None:
        paths = [Path(p) for p in options["corpus"] or []]
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"No corpus file: {', '.join(missing)}")
        return paths or None

    def _train_incident(self, options: dict[str, Any]) -> None:
        from breachdesk.core.errors import ApplicationError
        from breachdesk.incidents.models import Incident
        from breachdesk.inquiries import learning
        from breachdesk.inquiries.classify import evaluate

        incident = Incident.objects.filter(code=options["incident"]).first()
        if incident is None:
            raise CommandError(f"No incident with the code {options['incident']!r}.")
        evaluation = Path(options["evaluation"]) if options["evaluation"] else evaluate.EVALUATION
        try:
            row = learning.classifier_retrain(
                incident=incident, actor="cli", evaluation=evaluation, corpus=self._corpus(options)
            )
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from None
        self.stdout.write(
            json.dumps(
                {
                    "incident": incident.code,
                    "version": row.version,
                    "corrections": row.corrections,
                    "eval_macro_f1": row.eval_macro_f1,
                    "baseline_version": row.baseline_version,
                    "baseline_macro_f1": row.baseline_macro_f1,
                    "switched": row.active,
                }
            )
        )

    def _evaluate(self, options: dict[str, Any]) -> None:
        from breachdesk.inquiries.classify import evaluate, train

        report: dict[str, Any] = {"model": classify(subject="", body="").model}
        evaluation = Path(options["evaluation"]) if options["evaluation"] else evaluate.EVALUATION
        report["evaluation"] = evaluate.evaluate_file(evaluation) if evaluation.exists() else None
        report["evaluation_rules_only"] = (
            evaluate.rules_only(evaluate.load(evaluation)) if evaluation.exists() else None
        )
        if not options["no_cv"]:
            report["cross_validation"] = evaluate.cross_validate(train.load_corpus())
        for name, path in (("labelled", evaluate.DATA), ("heldout", evaluate.HELDOUT), ("dev", evaluate.DEV)):
            report[name] = evaluate.evaluate_file(path) if path.exists() else None
        cv, held = report.get("cross_validation"), report["evaluation"]
        if cv and held:
            report["gap_macro_f1"] = round(cv["macro_f1"] - held["macro_f1"], 4)
        self.stdout.write(json.dumps(report, ensure_ascii=False))
