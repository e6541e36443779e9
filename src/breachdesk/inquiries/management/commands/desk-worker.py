"""``breachdesk desk-worker``: poll the desk mailboxes and send acknowledgments, periodically or once."""

from __future__ import annotations

import json
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = "Poll every desk mailbox (IMAP) and send pending acknowledgments; --once for one round (cron)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="Run one round and exit.")
        parser.add_argument("--interval", type=int, default=20, help="Seconds between rounds (default 20).")

    def handle(self, *args: Any, **options: Any) -> None:
        from breachdesk.inquiries.ack import ack_process
        from breachdesk.inquiries.intake.imap import mailboxes_poll
        from breachdesk.work.heartbeat import beating

        # The heartbeat names this process's claims, so a reaper takes them back only if this process dies.
        with beating():
            while True:
                result: dict[str, int] = mailboxes_poll()
                result.update(ack_process())
                self.stdout.write(json.dumps(result))
                if options["once"]:
                    return
                time.sleep(max(1, options["interval"]))
