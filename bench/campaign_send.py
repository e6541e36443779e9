"""Benchmark a campaign: the fan-out of N deliveries (raw driver) and the send loop against a local SMTP sink.

Fill a registry with N affected people (the registry's own bulk import path is not measured here: people are
inserted directly, encrypted with the incident's key), start an approved campaign (which fans out N delivery rows),
then run the real worker (sandboxed render, both mis-send guards, Django's SMTP backend) against an aiosmtpd sink on
127.0.0.1 for ``--send`` deliveries (default 2,000; sending is the slow half). Print one JSON line.

    .venv/bin/python bench/campaign_send.py --deliveries 100000 --send 2000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python bench/campaign_send.py
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def setup_django(var_dir: str) -> None:
    os.environ.setdefault("BREACHDESK_VAR_DIR", var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "breachdesk.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Sink:
    """Accept every message and count it (aiosmtpd handler)."""

    def __init__(self) -> None:
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            self.count += 1
        return "250 Message accepted"


def people_insert(incident: Any, n: int) -> None:
    """Insert N affected people with encrypted contact data and blind indexes, through the raw driver."""
    from django.db import connection, transaction
    from django.utils import timezone

    from breachdesk.campaigns.bulk import _insert, db_time
    from breachdesk.core.crypto import cipher_for
    from breachdesk.registry import items

    cipher = cipher_for(incident.pk)
    stamp = db_time(timezone.now())
    mask = items.mask_of(["name", "email", "address", "phone"])
    columns = (
        "incident_id",
        "member_id",
        "bidx_email",
        "name_enc",
        "email_enc",
        "postal_code_enc",
        "address_enc",
        "affected",
        "items",
        "source",
        "created_at",
        "updated_at",
    )

    def rows() -> Any:
        for i in range(n):
            email = f"user{i}@example.jp"
            yield (
                incident.pk,
                f"B{i:09d}",
                cipher.blind_index("email", email),
                cipher.encrypt("name", f"山田 太郎{i}"),
                cipher.encrypt("email", email),
                cipher.encrypt("postal_code", "150-0001"),
                cipher.encrypt("address", f"東京都渋谷区神宮前{i % 9 + 1}-1-1"),
                True,
                mask,
                "master",
                stamp,
                stamp,
            )

    with transaction.atomic():
        _insert("registry_person", columns, rows())
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--deliveries", type=int, default=100_000)
    parser.add_argument("--send", type=int, default=2_000, help="how many deliveries the send loop works")
    parser.add_argument("--batch", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-campaign-") as tmp:
        setup_django(tmp)
        from aiosmtpd.controller import Controller
        from django.conf import settings
        from django.contrib.auth import get_user_model

        from breachdesk.campaigns import services, worker
        from breachdesk.campaigns.models import Delivery
        from breachdesk.campaigns.selectors import campaign_counts
        from breachdesk.core.roles import Role
        from breachdesk.incidents import services as incidents
        from breachdesk.incidents.models import Incident

        code = f"bench-campaign-{int(time.time())}"
        users = get_user_model().objects
        lead, _ = users.get_or_create(username=f"{code}-lead")
        pr, _ = users.get_or_create(username=f"{code}-pr")
        legal, _ = users.get_or_create(username=f"{code}-legal")
        at = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
        incident = incidents.incident_create(
            actor=lead, code=code, title="bench", organisation="ベンチ株式会社", found_at=at, aware_at=at
        )
        incidents.membership_add(incident=incident, actor=lead, user=pr, role=Role.PR)
        incidents.membership_add(incident=incident, actor=lead, user=legal, role=Role.REVIEWER)
        people_insert(incident, args.deliveries)

        sink = Sink()
        port = free_port()
        controller = Controller(sink, hostname="127.0.0.1", port=port)
        controller.start()
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        try:
            template = services.template_create(
                incident=incident,
                actor=pr,
                name="bench",
                subject="個人情報漏えいに関するお知らせ",
                body_text="{{ person.name }} 様\n漏えいした情報：{{ items_text }}\n原因：{{ incident.cause }}\n"
                "お問い合わせ：{{ desk.email }}\n",
            )
            services.template_approve(template=template, actor=legal, version_number=1)
            campaign = services.campaign_create(
                incident=incident,
                actor=pr,
                name="bench",
                template=template,
                throttle_per_second=1_000_000,
                desk_email="desk@bench.example.jp",
            )
            campaign = services.campaign_approve(campaign=campaign, actor=legal)
            started = time.perf_counter()
            campaign = services.campaign_start(campaign=campaign, actor=lead)
            fanout = time.perf_counter() - started
            assert Delivery.objects.filter(campaign=campaign).count() == args.deliveries

            started = time.perf_counter()
            report = worker.campaign_work(campaign_id=campaign.pk, batch_size=args.batch, max_deliveries=args.send)
            send_seconds = time.perf_counter() - started
            counts = campaign_counts(campaign=campaign)
        finally:
            controller.stop()
        print(
            json.dumps(
                {
                    "bench": "campaign_send",
                    "database": os.environ.get("DATABASE_URL", "sqlite").split("://")[0],
                    "deliveries": args.deliveries,
                    "fanout_seconds": round(fanout, 3),
                    "fanout_per_second": round(args.deliveries / fanout),
                    "sent": report.outcomes.get("sent", 0),
                    "received_by_sink": sink.count,
                    "send_seconds": round(send_seconds, 3),
                    "send_per_second": round(report.total / send_seconds, 1),
                    "counts_add_up": counts.adds_up,
                    "guard": "outbound_guard_enforce + campaign_guard_check on every message",
                }
            )
        )
        Incident.objects.filter(pk=incident.pk).exists()


if __name__ == "__main__":
    main()
