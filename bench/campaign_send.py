"""Benchmark the campaign send loop against bare smtplib, and the throttle across workers. Print one JSON line.

Fill a registry with affected people (inserted directly, encrypted with the incident's key), start an approved
campaign (the fan-out of its delivery rows is timed too), then:

- **baseline**: the same messages, rendered beforehand, sent with bare ``smtplib`` over one connection;
- **measured**: the real worker (sandboxed render, both mis-send guards, Django's SMTP backend, two committed
  transitions per message) for the same number of messages: in this process for ``--workers 1``, else that many
  ``breachdesk db_worker`` processes (PostgreSQL);
- **throttle** (``--throttle R``): a second campaign limited to R messages/s, worked by ``--workers`` processes; the
  rate the sink saw over ``--throttle-seconds`` (after 5 s of warm-up) against R.

Both runs send to one aiosmtpd sink in its own process, which offers PIPELINING (RFC 2920) as Postfix does, unless
``--relay-without-pipelining``: the worker then sends MAIL, RCPT and DATA in one write, while bare smtplib never
pipelines. ``ratio`` is ``baseline_seconds / seconds`` (1.0: as fast as bare smtplib).

    .venv/bin/python bench/campaign_send.py --messages 2000
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python bench/campaign_send.py --workers 4
    .venv/bin/python bench/campaign_send.py --messages 500 --throttle 20 --throttle-seconds 60 --workers 2
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import smtplib
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OPEN_WORK = ("pending", "claimed", "sending", "failed_temporary")


def setup_django(var_dir: str) -> None:
    os.environ.setdefault("BREACHDESK_VAR_DIR", var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "breachdesk.settings")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def wait_for(condition: Any, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


def campaign_new(incident: Any, pr: Any, legal: Any, *, name: str, throttle: int) -> Any:
    from breachdesk.campaigns import services

    template = services.template_create(
        incident=incident,
        actor=pr,
        name=name,
        subject="個人情報漏えいに関するお知らせ",
        body_text="{{ person.name }} 様\n漏えいした情報：{{ items_text }}\n原因：{{ incident.cause }}\n"
        "お問い合わせ：{{ desk.email }}\n",
    )
    services.template_approve(template=template, actor=legal, version_number=1)
    campaign = services.campaign_create(
        incident=incident,
        actor=pr,
        name=name,
        template=template,
        throttle_per_second=throttle,
        desk_email="desk@bench.example.jp",
    )
    return services.campaign_approve(campaign=campaign, actor=legal)


def baseline(campaign: Any, n: int, port: int) -> float:
    """Render the next ``n`` messages the worker will send beforehand, then time bare smtplib sending them over one
    connection (the same messages the measured run sends next)."""
    from breachdesk.campaigns.models import Delivery
    from breachdesk.campaigns.transports.base import Outcome
    from breachdesk.campaigns.transports.email import EmailTransport
    from breachdesk.campaigns.worker import message_id_for

    transport = EmailTransport(campaign=campaign)
    prepared = []
    queue = Delivery.objects.filter(campaign=campaign, status="pending").select_related("person").order_by("id")
    for delivery in queue[:n]:
        delivery.campaign = campaign
        delivery.message_id = message_id_for(delivery)
        built = transport.build(delivery)
        if isinstance(built, Outcome):
            raise RuntimeError(f"delivery {delivery.pk} cannot be built: {built.code}")
        email = built[0]
        prepared.append((email.from_email, email.to, email.message().as_bytes()))
    started = time.perf_counter()
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        for sender, to, data in prepared:
            smtp.sendmail(sender, to, data)
    return time.perf_counter() - started


def workers_start(k: int, env: dict[str, str], logs: Path) -> list[subprocess.Popen[bytes]]:
    bin_dir = Path(sys.executable).parent
    return [
        subprocess.Popen(
            [str(bin_dir / "breachdesk"), "db_worker", "--interval", "0.2", "--no-startup-delay"],
            env=env,
            stdout=(logs / f"worker{i}.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        for i in range(k)
    ]


def workers_stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=2_000, help="messages sent by each side")
    parser.add_argument("--deliveries", type=int, default=0, help="fan-out size (default: --messages)")
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="with one worker: alternate baseline and measured runs this many times and report the medians",
    )
    parser.add_argument(
        "--relay-without-pipelining",
        action="store_true",
        help="the sink does not offer PIPELINING (it does by default, as Postfix does); bare smtplib never uses it",
    )
    parser.add_argument("--throttle", type=int, default=0, help="messages/s of the throttle measurement (0: skip)")
    parser.add_argument("--throttle-seconds", type=float, default=60.0)
    args = parser.parse_args()
    rounds = max(1, args.rounds) if args.workers == 1 else 1
    deliveries = max(args.deliveries, args.messages * rounds)
    with tempfile.TemporaryDirectory(prefix="bench-campaign-") as tmp:
        setup_django(tmp)
        from django.conf import settings
        from django.contrib.auth import get_user_model
        from django.db import connection

        from breachdesk.campaigns import services, worker
        from breachdesk.campaigns.models import Delivery
        from breachdesk.campaigns.selectors import campaign_counts
        from breachdesk.core.roles import Role
        from breachdesk.incidents import services as incidents
        from breachdesk.testing.crash import people_insert
        from breachdesk.testing.scaleout import _free_port, _wait_for_port
        from breachdesk.testing.sink_process import read_log
        from breachdesk.work.models import WorkerBeat

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
        people_insert(incident, deliveries, domain="example.jp")

        port = _free_port()
        sink_log = Path(tmp) / "sink.log"
        env = {
            **os.environ,
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(port),
            "SECRET_KEY": settings.SECRET_KEY,
            "BREACHDESK_VAR_DIR": tmp,
        }
        sink_command = [sys.executable, "-m", "breachdesk.testing.sink_process", "--port", str(port)]
        sink_command += ["--out", str(sink_log)] + (["--no-pipelining"] if args.relay_without_pipelining else [])
        sink = subprocess.Popen(sink_command, env=env)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
        result: dict[str, Any] = {}
        processes: list[subprocess.Popen[bytes]] = []
        try:
            _wait_for_port(port, sink)
            campaign = campaign_new(incident, pr, legal, name="bench", throttle=1_000_000)
            started = time.perf_counter()
            campaign = services.campaign_start(campaign=campaign, actor=lead)
            fanout = time.perf_counter() - started
            assert Delivery.objects.filter(campaign=campaign).count() == deliveries

            if args.workers == 1:
                # Alternate: each round times bare smtplib on the next messages, then the worker on the same ones.
                # The medians keep one noisy round on a busy machine from deciding the figure.
                round_baselines, round_seconds, sent = [], [], 0
                before = len(read_log(sink_log))
                for _ in range(rounds):
                    round_baselines.append(baseline(campaign, args.messages, port))
                    started = time.perf_counter()
                    report = worker.campaign_work(
                        campaign_id=campaign.pk, batch_size=args.batch, max_deliveries=args.messages
                    )
                    round_seconds.append(time.perf_counter() - started)
                    sent += report.outcomes.get("sent", 0)
                baseline_seconds = statistics.median(round_baselines)
                seconds = statistics.median(round_seconds)
                expected = (args.messages + args.messages) * rounds
                wait_for(lambda: len(read_log(sink_log)) - before >= expected, 30)
                received = len(read_log(sink_log)) - before - args.messages * rounds
            else:
                baseline_seconds = baseline(campaign, args.messages, port)
                round_baselines, round_seconds = [baseline_seconds], []
                wait_for(lambda: len(read_log(sink_log)) >= args.messages, 30)
                before = len(read_log(sink_log))
                # Start the workers idle (pause the campaign), wait for their heartbeats, then time the send.
                services.campaign_pause(campaign=campaign, actor=lead)
                if deliveries > args.messages:
                    raise SystemExit("--workers > 1 sends the whole campaign: leave --deliveries at --messages")
                connection.close()
                processes = workers_start(args.workers, env, Path(tmp))
                wait_for(lambda: WorkerBeat.objects.count() >= args.workers, 120)
                started = time.perf_counter()
                services.campaign_resume(campaign=campaign, actor=lead)
                open_rows = Delivery.objects.filter(campaign=campaign, status__in=OPEN_WORK)
                if not wait_for(lambda: not open_rows.exists(), 3600):
                    raise SystemExit(f"the workers left {open_rows.count()} deliveries open after an hour")
                seconds = time.perf_counter() - started
                round_seconds = [seconds]
                sent = Delivery.objects.filter(campaign=campaign, status="sent").count()
                wait_for(lambda: len(read_log(sink_log)) - before >= sent, 30)
                received = len(read_log(sink_log)) - before
            counts = campaign_counts(campaign=campaign)
            result = {
                "bench": "campaign_send",
                "messages": args.messages,
                "seconds": round(seconds, 3),
                "baseline_seconds": round(baseline_seconds, 3),
                "ratio": round(baseline_seconds / seconds, 3),
                "database": connection.vendor,
                "workers": args.workers,
                "messages_per_second": round(args.messages / seconds, 1),
                "baseline_messages_per_second": round(args.messages / baseline_seconds, 1),
                "rounds": len(round_seconds),
                "round_ratios": [round(b / m, 3) for b, m in zip(round_baselines, round_seconds, strict=False)],
                "sent": sent,
                "received_by_sink": received,
                "deliveries": deliveries,
                "fanout_seconds": round(fanout, 3),
                "fanout_per_second": round(deliveries / fanout),
                "counts_add_up": counts.adds_up,
                "guards": "outbound_guard_enforce + campaign_guard_check on every message",
                "relay_pipelining": not args.relay_without_pipelining,
            }
            if args.throttle:
                result.update(throttle_measure(args, incident, pr, legal, lead, sink_log, env, tmp, processes))
        finally:
            workers_stop(processes)
            sink.send_signal(signal.SIGTERM)
            sink.wait(timeout=10)
        print(json.dumps(result))


def throttle_measure(
    args: Any,
    incident: Any,
    pr: Any,
    legal: Any,
    lead: Any,
    sink_log: Path,
    env: dict[str, str],
    tmp: str,
    processes: list[subprocess.Popen[bytes]],
) -> dict[str, Any]:
    """Run a campaign throttled to ``--throttle`` messages/s with ``--workers`` processes; compare the sink's rate."""
    from breachdesk.campaigns import services
    from breachdesk.registry.models import Person
    from breachdesk.testing.crash import people_insert
    from breachdesk.testing.sink_process import read_times
    from breachdesk.work.models import WorkerBeat

    warmup = 5.0
    wanted = int(args.throttle * (args.throttle_seconds + warmup + 5))
    have = Person.objects.filter(incident=incident, affected=True).count()
    if wanted > have:
        people_insert(incident, wanted - have, domain=f"t{int(time.time())}.example.jp")
    if not processes:
        processes.extend(workers_start(args.workers, env, Path(tmp)))
    wait_for(lambda: WorkerBeat.objects.count() >= args.workers, 120)
    campaign = campaign_new(incident, pr, legal, name="throttle", throttle=args.throttle)
    start_line = len(read_times(sink_log))
    services.campaign_start(campaign=campaign, actor=lead)
    wait_for(lambda: False, warmup + args.throttle_seconds + 2)
    services.campaign_pause(campaign=campaign, actor=lead, reason="bench over")
    times = read_times(sink_log)[start_line:]
    if not times:
        return {"throttle_per_second": args.throttle, "throttle_measured_per_second": 0.0}
    window_start = times[0] + warmup
    window_end = window_start + args.throttle_seconds
    in_window = sum(1 for t in times if window_start <= t < window_end)
    rate = in_window / args.throttle_seconds
    return {
        "throttle_per_second": args.throttle,
        "throttle_workers": args.workers,
        "throttle_window_seconds": args.throttle_seconds,
        "throttle_measured_per_second": round(rate, 2),
        "throttle_error": round((rate - args.throttle) / args.throttle, 4),
        "throttle_within_5_percent": abs(rate - args.throttle) <= 0.05 * args.throttle,
    }


if __name__ == "__main__":
    main()
