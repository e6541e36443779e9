"""``breachdesk campaigns``: work, recover, bounce, print and count campaigns from the command line.

    breachdesk campaigns work    --incident CODE --campaign ID [--batch 100]
    breachdesk campaigns recover [--incident CODE] [--stale-minutes 15]
    breachdesk campaigns bounce  --incident CODE --message-id ID [--reason TEXT]
    breachdesk campaigns counts  --incident CODE --campaign ID
    breachdesk campaigns print   --incident CODE --campaign ID --actor USERNAME --out FILE.zip [--limit 500]

JSON goes to stdout (one object); progress to stderr.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from breachdesk.core.errors import ApplicationError


class Command(BaseCommand):
    help = "Work, recover, bounce, count and print notification campaigns."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        work = sub.add_parser("work", help="Send a campaign's email deliveries until none is left.")
        work.add_argument("--incident", required=True)
        work.add_argument("--campaign", type=int, required=True)
        work.add_argument("--batch", type=int, default=100)
        recover = sub.add_parser(
            "recover",
            help="Take back work of dead workers now (db_worker does this by itself); rows of processes without a "
            "heartbeat after --stale-minutes.",
        )
        recover.add_argument("--incident")
        recover.add_argument("--stale-minutes", type=int, default=15)
        bounce = sub.add_parser("bounce", help="Record a bounce by Message-ID.")
        bounce.add_argument("--incident", required=True)
        bounce.add_argument("--message-id", required=True)
        bounce.add_argument("--reason", default="")
        counts = sub.add_parser("counts", help="Print a campaign's delivery counts by state.")
        counts.add_argument("--incident", required=True)
        counts.add_argument("--campaign", type=int, required=True)
        printer = sub.add_parser("print", help="Produce the next print batch (as the lead named by --actor).")
        printer.add_argument("--incident", required=True)
        printer.add_argument("--campaign", type=int, required=True)
        printer.add_argument("--actor", required=True)
        printer.add_argument("--out", required=True)
        printer.add_argument("--limit", type=int, default=500)

    def _incident(self, code: str) -> Any:
        from breachdesk.incidents.models import Incident

        incident = Incident.objects.filter(code=code).first()
        if incident is None:
            raise CommandError(f"No incident {code!r}.")
        return incident

    def _campaign(self, incident: Any, campaign_id: int) -> Any:
        from breachdesk.campaigns import selectors

        try:
            return selectors.campaign_get(incident=incident, campaign_id=campaign_id)
        except ApplicationError as exc:
            raise CommandError(str(exc.message)) from None

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = getattr(self, f"_{options['action']}")(options)
        except ApplicationError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from None
        self.stdout.write(json.dumps(result, ensure_ascii=False, default=str))

    def _work(self, options: dict[str, Any]) -> dict[str, Any]:
        from breachdesk.campaigns import worker
        from breachdesk.work.heartbeat import beating

        campaign = self._campaign(self._incident(options["incident"]), options["campaign"])
        # The heartbeat names this process's claims, so a reaper takes them back only if this process dies.
        with beating() as worker_id:
            report = worker.campaign_work(campaign_id=campaign.pk, worker=worker_id, batch_size=options["batch"])
        return {"campaign": campaign.pk, "outcomes": dict(report.outcomes), "stopped": report.stopped}

    def _recover(self, options: dict[str, Any]) -> dict[str, Any]:
        from breachdesk.campaigns import recovery
        from breachdesk.campaigns.models import Campaign
        from breachdesk.work.reaper import reap

        reap()
        stale = timedelta(minutes=options["stale_minutes"])
        result: dict[int, tuple[int, int]] = {}
        if options["incident"]:
            incident = self._incident(options["incident"])
            for cid in Campaign.objects.filter(incident=incident).values_list("pk", flat=True):
                result.update(recovery.deliveries_recover(now=timezone.now(), stale_after=stale, campaign_id=cid))
        else:
            result = recovery.deliveries_recover(now=timezone.now(), stale_after=stale)
        return {str(k): {"uncertain": v[0], "released": v[1]} for k, v in result.items()}

    def _bounce(self, options: dict[str, Any]) -> dict[str, Any]:
        from breachdesk.campaigns import services

        delivery = services.delivery_bounce(
            incident=self._incident(options["incident"]),
            message_id=options["message_id"],
            actor="cli",
            reason=options["reason"],
        )
        fallback = getattr(delivery, "fallback", None)
        return {
            "delivery": delivery.pk,
            "status": delivery.status,
            "postal_fallback": fallback.pk if fallback else None,
        }

    def _counts(self, options: dict[str, Any]) -> dict[str, Any]:
        from breachdesk.campaigns import selectors

        campaign = self._campaign(self._incident(options["incident"]), options["campaign"])
        return {
            "campaign": campaign.pk,
            "status": campaign.status,
            **selectors.campaign_counts(campaign=campaign).as_event(),
        }

    def _print(self, options: dict[str, Any]) -> dict[str, Any]:
        from breachdesk.campaigns import printing

        campaign = self._campaign(self._incident(options["incident"]), options["campaign"])
        actor = get_user_model().objects.filter(username=options["actor"]).first()
        if actor is None:
            raise CommandError(f"No user {options['actor']!r}.")
        batch, archive = printing.print_batch_create(campaign=campaign, actor=actor, limit=options["limit"])
        Path(options["out"]).write_bytes(archive)
        return {"batch": batch.number, "letters": batch.letters, "failed": batch.failed, "out": options["out"]}
