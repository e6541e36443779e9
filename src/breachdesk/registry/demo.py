"""Fill the OCO demo registry: 140,000 synthetic members (Faker ja_JP, fixed seed), 90,000 of them affected.

The data goes through the real import path (a CP932 member master, then an affected list), so the demo also shows
two jobs in the import history and their timeline events.
"""

from __future__ import annotations

import csv
import random
import tempfile
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from faker import Faker

from breachdesk.registry import services
from breachdesk.registry.models import ImportJob, Source

ORDER = 10
SEED = 20260302
MEMBERS = 140_000
AFFECTED = 90_000
AFFECTED_ITEMS = ["name", "email", "address", "phone", "birth_date", "order_history"]
POOL = 400
DOMAINS = ("example.jp", "example.com", "example.net", "example.org")


def _pools(faker: Faker) -> dict[str, list[tuple[str, str]] | list[str]]:
    """Return name and address pools; composing members from pools is ~50x faster than calling Faker per member."""
    last = [(faker.last_name(), faker.last_kana_name()) for _ in range(POOL)]
    first = [(faker.first_name(), faker.first_kana_name()) for _ in range(POOL)]
    addresses = [f"{faker.prefecture()}{faker.city()}{faker.town()}{faker.chome()}{faker.ban()}" for _ in range(POOL)]
    return {"last": last, "first": first, "addresses": addresses}


def write_files(directory: Path, *, members: int | None = None, affected: int | None = None) -> tuple[Path, Path]:
    """Write the member master (CP932, as a Japanese EC system exports it) and the affected list.

    The sizes default to the module's ``MEMBERS`` and ``AFFECTED`` (read at call time, so a test can shrink them).
    """
    members = MEMBERS if members is None else members
    affected = AFFECTED if affected is None else affected
    faker = Faker("ja_JP")
    faker.seed_instance(SEED)
    rng = random.Random(SEED)  # noqa: S311 - reproducible synthetic data, not secrets
    pools = _pools(faker)
    master = directory / "oco-members.csv"
    affected_list = directory / "oco-affected.csv"
    born_from = date(1950, 1, 1)
    with master.open("w", encoding="cp932", errors="replace", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["会員番号", "氏名", "フリガナ", "メールアドレス", "電話番号", "郵便番号", "住所", "生年月日"])
        for number in range(1, members + 1):
            last, last_kana = rng.choice(pools["last"])
            first, first_kana = rng.choice(pools["first"])
            born = born_from + timedelta(days=rng.randrange(0, 365 * 55))
            writer.writerow(
                [
                    f"OCO{number:07d}",
                    f"{last} {first}",
                    f"{last_kana} {first_kana}",
                    f"member{number:07d}@{DOMAINS[number % len(DOMAINS)]}",
                    f"0{rng.choice('789')}0-{rng.randrange(10000):04d}-{number % 10000:04d}",
                    f"{rng.randrange(100, 999)}-{rng.randrange(10000):04d}",
                    rng.choice(pools["addresses"]),
                    born.isoformat(),
                ]
            )
    chosen = sorted(rng.sample(range(1, members + 1), affected))
    with affected_list.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(["会員番号"])
        writer.writerows([f"OCO{number:07d}"] for number in chosen)
    return master, affected_list


def build(*, log: Callable[[str], None]) -> None:
    """Import the demo members into the OCO incident unless its registry is already filled."""
    from breachdesk.incidents.demo import DEMO_CODE
    from breachdesk.incidents.models import Incident

    incident = Incident.objects.filter(code=DEMO_CODE).first()
    if incident is None:
        log("demo: registry skipped, the OCO incident does not exist")
        return
    if ImportJob.objects.filter(incident=incident).exists():
        log("demo: the registry is already loaded")
        return
    lead = incident.memberships.filter(role="lead").select_related("user").first()
    actor = lead.user if lead else "demo"
    with tempfile.TemporaryDirectory(prefix="breachdesk-demo-") as tmp:
        master, affected_list = write_files(Path(tmp))
        for path, source, items in (
            (master, Source.MASTER, []),
            (affected_list, Source.AFFECTED_LIST, AFFECTED_ITEMS),
        ):
            job = services.import_job_create(
                incident=incident, actor=actor, path=path, source=source, items=items, file_name=path.name
            )
            job = services.import_job_run(job=job, actor=actor)
            log(f"demo: {path.name}: {job.rows} rows, {job.imported} new, {job.updated} updated")
