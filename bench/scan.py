"""Benchmark ``breachdesk scan --jobs 2`` on a generated log against ``grep -cE`` as the floor.

Writes a log of ``--bytes`` bytes (default 1 GB) to a temporary directory: access and application log lines,
Japanese messages, long order numbers, epoch milliseconds and about 2% lines with emails, phones, cards and My
Numbers. Then times the scan API that ``breachdesk scan`` runs (``engine.scan_paths``, with --jobs processes,
splitting the file into byte ranges) and ``grep -cE`` with unvalidated
card and email patterns over the same file, and prints one JSON line:
{"bench": "scan", "bytes": N, "seconds": s, "grep_seconds": g, "ratio": g/s}. The directory is removed afterwards.

grep runs with LC_ALL=C, its fastest mode (in a UTF-8 locale it is about 20 times slower on this pattern). With
--repeat N (default 3) grep and the scan run N times each, alternately, and the best time of each is reported: on a
shared machine a single run mostly measures the neighbours. The load average before and after goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from breachdesk.scanner import engine

GREP_PATTERN = r"[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{1,7}|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"
_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64)",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X)",
    "curl/8.5.0",
)
_PATHS = ("/api/v1/orders", "/api/v1/items", "/login", "/static/app.js", "/cart", "/checkout/confirm")


def _luhn_card(rng: random.Random) -> str:
    body = "4" + "".join(rng.choice("0123456789") for _ in range(14))
    for digit in "0123456789":
        number = body + digit
        total = sum(int(ch) for ch in number[-1::-2])
        total += sum((2 * int(ch)) // 10 + (2 * int(ch)) % 10 for ch in number[-2::-2])
        if total % 10 == 0:
            return number
    raise AssertionError("unreachable")


def _line(rng: random.Random) -> str:
    clock = f"{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d}"
    ts = f"2026-11-21T{clock}.{rng.randrange(1000):03d}+09:00"
    ip = f"{rng.randrange(1, 255)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"
    roll = rng.random()
    if roll < 0.30:
        return (
            f"{ip} - - [21/Nov/2026:{rng.randrange(24):02d}:{rng.randrange(60):02d}:{rng.randrange(60):02d} +0900] "
            f'"GET {rng.choice(_PATHS)}/{rng.randrange(10**6)} HTTP/1.1" {rng.choice((200, 200, 200, 304, 404))} '
            f'{rng.randrange(100, 99999)} "-" "{rng.choice(_AGENTS)}"'
        )
    if roll < 0.55:
        return (
            f"{ts} INFO app.request request_id={rng.getrandbits(64):016x} user_id={rng.randrange(10**7)} "
            f"status=200 latency_ms={rng.randrange(1, 2000)} version=5.2.{rng.randrange(30)}"
        )
    if roll < 0.68:
        order = rng.randrange(10**16, 10**19)
        return f"{ts} INFO worker-{rng.randrange(8)} order_id={order} settled in {rng.random():.3f}s"
    if roll < 0.78:
        return f"{ts} DEBUG cache epoch_ms={1763700000000 + rng.randrange(10**9)} hit_ratio={rng.random():.2f}"
    if roll < 0.90:
        return f"{ts} INFO 注文を受け付けました 会員番号={rng.randrange(10**6)} 店舗=渋谷店 件数={rng.randrange(1, 9)}"
    if roll < 0.98:
        port = rng.randrange(1024, 65535)
        return (
            f"{ts} WARN sshd[{rng.randrange(99999)}]: Failed password for invalid user admin from {ip} port {port} ssh2"
        )
    kind = rng.randrange(4)
    if kind == 0:
        return f"{ts} INFO signup email=user{rng.randrange(10**6)}@example.jp plan=basic"
    if kind == 1:
        return f"{ts} INFO contact tel=090-{rng.randrange(1000, 9999)}-{rng.randrange(1000, 9999)}"
    if kind == 2:
        return f"{ts} ERROR payment failed card={_luhn_card(rng)} reason=declined"
    return f"{ts} INFO kyc 個人番号 受付 ref={rng.randrange(10**11, 10**12)}"


def log_write(*, path: Path, size: int, seed: int = 1) -> int:
    """Write a log of at least ``size`` bytes to ``path`` from a pool of generated lines; return its size."""
    rng = random.Random(seed)
    pool = [(_line(rng) + "\n").encode() for _ in range(200_000)]
    written = 0
    with path.open("wb") as handle:
        while written < size:
            block = b"".join(rng.choices(pool, k=50_000))
            handle.write(block)
            written += len(block)
    return written


def _cpu_seconds() -> float:
    """Return the CPU time used so far by this process and its finished children (grep, the scan's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _grep_time(log: Path) -> float:
    """Return how long ``grep -cE`` (LC_ALL=C) with the unvalidated card and email patterns takes over ``log``."""
    started = time.perf_counter()
    grep = subprocess.run(
        ["grep", "-cE", GREP_PATTERN, str(log)],
        env={**os.environ, "LC_ALL": "C"},
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if grep.returncode > 1:  # 1 only means no line matched
        raise SystemExit(f"grep failed: {grep.stderr.strip()}")
    return elapsed


def _scan_time(log: Path, jobs: int) -> float:
    """Return how long the scan API (what the command runs after Django has started) takes over ``log``."""
    started = time.perf_counter()
    summary = engine.scan_paths([str(log)], jobs=jobs)
    elapsed = time.perf_counter() - started
    if summary.files != 1:
        raise SystemExit(f"scan did not read the log: {summary.as_dict()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bytes", type=int, default=1024**3, help="size of the generated log (default 1 GB)")
    parser.add_argument("--jobs", type=int, default=2, help="processes for the scan (default 2)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each, the best one counts (default 3)")
    options = parser.parse_args()
    if options.bytes < 1 or options.jobs < 1 or options.repeat < 1:
        parser.error("--bytes, --jobs and --repeat must be positive")
    sys.stderr.write("load average before: {:.2f} {:.2f} {:.2f}\n".format(*os.getloadavg()))

    directory = Path(tempfile.mkdtemp(prefix="breachdesk-bench-"))
    try:
        log = directory / "app.log"
        size = log_write(path=log, size=options.bytes)
        # Both runs read the file from the page cache: read it once before timing either.
        subprocess.run(["cat", str(log)], stdout=subprocess.DEVNULL, check=True)

        grep_seconds = seconds = grep_cpu = scan_cpu = float("inf")
        for _ in range(options.repeat):
            cpu = _cpu_seconds()
            grep_seconds = min(grep_seconds, _grep_time(log))
            grep_cpu = min(grep_cpu, _cpu_seconds() - cpu)
            cpu = _cpu_seconds()
            seconds = min(seconds, _scan_time(log, options.jobs))
            scan_cpu = min(scan_cpu, _cpu_seconds() - cpu)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    sys.stderr.write("load average after: {:.2f} {:.2f} {:.2f}\n".format(*os.getloadavg()))
    # CPU time does not depend on the neighbours as much as wall time: what the ratio would be on an idle machine
    # with --jobs cores, if the work spread evenly over them.
    sys.stderr.write(
        f"cpu seconds: grep {grep_cpu:.3f}, scan {scan_cpu:.3f} (all processes); "
        f"idle estimate of the ratio {grep_cpu / (scan_cpu / options.jobs):.3f}\n"
    )
    print(
        json.dumps(
            {
                "bench": "scan",
                "bytes": size,
                "seconds": round(seconds, 3),
                "grep_seconds": round(grep_seconds, 3),
                "ratio": round(grep_seconds / seconds, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
