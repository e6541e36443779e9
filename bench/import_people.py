"""Benchmark the registry import against bare inserts of the same, already prepared rows.

Generate an N-row CP932 CSV (``--rows``, default 1,000,000), import it through the real path (streaming reader,
validation, dedup lookups, AES-GCM, HMAC, batched raw inserts), then insert the rows the import stored, already
prepared, into an identical table (same columns, indexes and foreign keys) with bare ``sqlite3.executemany``
(``COPY`` on PostgreSQL when ``DATABASE_URL`` is set). Print one JSON line.

    .venv/bin/python bench/import_people.py --rows 200000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def setup_django(var_dir: str) -> None:
    """Start Django on a private VAR_DIR (a fresh SQLite file unless DATABASE_URL names PostgreSQL) and migrate."""
    os.environ.setdefault("BREACHDESK_VAR_DIR", var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "breachdesk.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def make_incident(code: str) -> Any:
    """Create (or recreate empty) the bench incident."""
    from datetime import UTC, datetime

    from django.contrib.auth import get_user_model

    from breachdesk.incidents import services
    from breachdesk.incidents.models import Incident

    existing = Incident.objects.filter(code=code).first()
    if existing is not None:
        return existing
    user, _ = get_user_model().objects.get_or_create(username="bench")
    at = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    return services.incident_create(
        actor=user, code=code, title="bench", organisation="bench", found_at=at, aware_at=at
    )


def write_csv(path: Path, rows: int, *, start: int = 0) -> None:
    """Write a CP932 member master with realistic Japanese values, streaming."""
    family = ["山田", "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "中村", "小林", "加藤"]
    given = ["太郎", "花子", "一郎", "美咲", "翔太", "陽菜", "大輔", "彩", "誠", "由美"]
    kana_f = [
        "ヤマダ",
        "サトウ",
        "スズキ",
        "タカハシ",
        "タナカ",
        "イトウ",
        "ワタナベ",
        "ナカムラ",
        "コバヤシ",
        "カトウ",
    ]
    kana_g = ["タロウ", "ハナコ", "イチロウ", "ミサキ", "ショウタ", "ヒナ", "ダイスケ", "アヤ", "マコト", "ユミ"]
    with path.open("w", encoding="cp932", newline="") as out:
        out.write("会員番号,氏名,フリガナ,メールアドレス,電話番号,郵便番号,住所,生年月日\r\n")
        lines = []
        for n in range(start, start + rows):
            a, b = n % 10, (n // 10) % 10
            lines.append(
                f"B{n:09d},{family[a]} {given[b]},{kana_f[a]} {kana_g[b]},user{n}@example.jp,"
                f"090-{n // 10000 % 10000:04d}-{n % 10000:04d},{100 + n % 900}-{n % 10000:04d},"
                f"東京都千代田区千代田{n % 9 + 1}-{n % 20 + 1}-{n % 30 + 1},"
                f"19{50 + n % 50}-{n % 12 + 1:02d}-{n % 28 + 1:02d}\r\n"
            )
            if len(lines) >= 10000:
                out.write("".join(lines))
                lines = []
        out.write("".join(lines))


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def baseline(incident_id: int) -> float:
    """Insert the stored rows again, prepared, into an identical table with the bare driver; return seconds."""
    from django.db import connection

    from breachdesk.registry.importing.bulk import CACHE_KIB, INSERT_COLUMNS

    connection.ensure_connection()
    columns = ", ".join(INSERT_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM registry_person WHERE incident_id = %s ORDER BY id", [incident_id])
        rows = [tuple(bytes(v) if isinstance(v, memoryview) else v for v in row) for row in cursor.fetchall()]
    if connection.vendor == "sqlite":
        import sqlite3

        raw = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
        raw.execute("PRAGMA journal_mode=WAL")
        raw.execute("PRAGMA foreign_keys = ON")  # as on Django's connection: the same table, the same checks
        raw.execute(f"PRAGMA cache_size = -{CACHE_KIB}")  # the same page cache the import uses, to be fair
        ddl = [
            r[0]
            for r in raw.execute("SELECT sql FROM sqlite_master WHERE tbl_name='registry_person' AND sql IS NOT NULL")
        ]
        raw.execute("DROP TABLE IF EXISTS bench_baseline")
        for statement in ddl:
            raw.execute(
                statement.replace('"registry_person"', '"bench_baseline"').replace(
                    "registry_person_", "bench_baseline_"
                )
            )
        placeholders = ",".join("?" * len(INSERT_COLUMNS))
        started = time.perf_counter()
        raw.execute("BEGIN")
        raw.executemany(f"INSERT INTO bench_baseline ({columns}) VALUES ({placeholders})", rows)
        raw.execute("COMMIT")
        seconds = time.perf_counter() - started
        raw.execute("DROP TABLE bench_baseline")
        raw.close()
        return seconds
    import psycopg

    with psycopg.connect(_pg_dsn(connection.settings_dict)) as pg:
        pg.execute("DROP TABLE IF EXISTS bench_baseline")
        pg.execute("CREATE TABLE bench_baseline (LIKE registry_person INCLUDING ALL)")
        # LIKE copies columns and indexes but not foreign keys; add them, so both tables check the same things.
        for (definition,) in pg.execute(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = 'registry_person'::regclass AND contype = 'f'"
        ).fetchall():
            pg.execute(f"ALTER TABLE bench_baseline ADD {definition}")
        pg.commit()
        started = time.perf_counter()
        with pg.cursor() as cur, cur.copy(f"COPY bench_baseline ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        pg.commit()
        seconds = time.perf_counter() - started
        pg.execute("DROP TABLE bench_baseline")
        pg.commit()
        return seconds


def _pg_dsn(settings_dict: dict[str, Any]) -> str:
    parts = {
        "dbname": settings_dict["NAME"],
        "user": settings_dict.get("USER"),
        "host": settings_dict.get("HOST"),
        "port": settings_dict.get("PORT"),
        "password": settings_dict.get("PASSWORD"),
    }
    return " ".join(f"{k}={v}" for k, v in parts.items() if v)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--no-baseline", action="store_true", help="Measure only the import (for the 10M memory run).")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as tmp:
        setup_django(tmp)
        from breachdesk.registry import services
        from breachdesk.registry.models import Person

        incident = make_incident(f"bench-import-{os.getpid()}")
        path = Path(tmp) / "members.csv"
        write_csv(path, args.rows)
        job = services.import_job_create(incident=incident, actor="bench", path=path)
        started = time.perf_counter()
        job = services.import_job_run(job=job, actor="bench")
        seconds = time.perf_counter() - started
        rss = peak_rss_mb()
        assert job.imported == args.rows, job.imported
        base = 0.0 if args.no_baseline else baseline(incident.pk)
        from django.db import connection

        if connection.vendor == "postgresql":  # the SQLite file goes with the temporary directory
            # One statement: the ORM's cascade collector would bind every id of the incident.
            people = Person.objects.filter(incident=incident)
            people._raw_delete(people.db)
        print(
            json.dumps(
                {
                    "bench": "import_people",
                    "rows": args.rows,
                    "seconds": round(seconds, 2),
                    "baseline_seconds": round(base, 2),
                    "ratio": round(base / seconds, 3) if base else None,
                    "peak_rss_mb": round(rss, 1),
                }
            )
        )


if __name__ == "__main__":
    main()
