"""Run an aiosmtpd sink in its own process and log every accepted message as one line: recipients, Message-ID and the
time it was accepted (Unix seconds), separated by tabs. It offers PIPELINING (RFC 2920) as Postfix does, unless
``--no-pipelining``.

    python -m breachdesk.testing.sink_process --port 2525 --out /tmp/sink.log

The crash test and ``bench/campaign_crash.py`` kill workers, never the sink: it must outlive them to count what
really crossed the wire. Each line is flushed when the DATA command is answered, so a reader sees it at once.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import signal
import threading
import time
from pathlib import Path
from typing import Any


def with_pipelining(responses: list[str]) -> list[str]:
    """Return aiosmtpd's EHLO reply lines with PIPELINING offered. aiosmtpd reads one command line at a time and
    answers each in order, which is all RFC 2920 asks of a server; it just does not say so."""
    return [*responses[:-1], "250-PIPELINING", responses[-1]]


class LoggingSink:
    """Accept every message and append ``rcpt,rcpt<TAB>Message-ID<TAB>time`` to the log file."""

    def __init__(self, out: Path, *, pipelining: bool = True) -> None:
        self.handle = out.open("a", encoding="utf-8", buffering=1)
        self.lock = threading.Lock()
        self.pipelining = pipelining

    async def handle_EHLO(
        self, server: Any, session: Any, envelope: Any, hostname: str, responses: list[str]
    ) -> list[str]:
        session.host_name = hostname
        return with_pipelining(responses) if self.pipelining else responses

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        with self.lock:
            self.handle.write(f"{','.join(envelope.rcpt_tos)}\t{parsed.get('Message-ID', '')}\t{time.time():.4f}\n")
        return "250 Message accepted"


def read_log(path: Path) -> list[tuple[str, str]]:
    """Return ``(recipient, message id)`` for every message the sink accepted (one per recipient)."""
    if not path.exists():
        return []
    found: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        rcpts, _tab, rest = line.partition("\t")
        message_id = rest.partition("\t")[0]
        found.extend((rcpt, message_id) for rcpt in rcpts.split(",") if rcpt)
    return found


def read_times(path: Path) -> list[float]:
    """Return when the sink accepted each message (Unix seconds), in the order of the log."""
    if not path.exists():
        return []
    return [float(line.rsplit("\t", 1)[1]) for line in path.read_text(encoding="utf-8").splitlines() if line]


def main() -> None:
    from aiosmtpd.controller import Controller

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--no-pipelining", action="store_true", help="do not offer PIPELINING (offered by default, as Postfix does)"
    )
    args = parser.parse_args()
    sink = LoggingSink(args.out, pipelining=not args.no_pipelining)
    controller = Controller(sink, hostname="127.0.0.1", port=args.port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
