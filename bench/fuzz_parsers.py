"""Fuzz the parsers for longer than the suite does: the same strategies and properties, many more examples.

The properties live in the apps' ``tests/test_fuzz.py`` (registry CSV/XLSX reader, mail intake, notice template
sandbox, obligations facts); this script runs the ones that need no database with a large ``max_examples`` and prints
one JSON line per target:

    {"bench": "fuzz", "target": ..., "examples": N, "seconds": s, "failures": 0, "known_bug": K}

``known_bug`` counts examples that hit a bug already reported and pinned by a strict ``xfail`` (damaged XLSX files).
A failure prints the shrunk example on stderr and makes the exit status 1.

    .venv/bin/python bench/fuzz_parsers.py --examples 3000
    .venv/bin/python bench/fuzz_parsers.py --examples 500 --target campaigns.sandbox
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def setup_django(var_dir: str) -> None:
    """Start Django on a private VAR_DIR; no target here touches the database."""
    os.environ.setdefault("BREACHDESK_VAR_DIR", var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "breachdesk.settings")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def targets() -> dict[str, tuple[Any, Callable[..., object], tuple[type[BaseException], ...]]]:
    """Return ``{name: (strategy, check, known-bug exceptions)}``; a strategy of tuples is unpacked into ``check``."""
    from hypothesis import strategies as st

    from breachdesk.campaigns.tests import test_fuzz as campaigns
    from breachdesk.inquiries.tests import test_fuzz as inquiries
    from breachdesk.obligations.models import Fact
    from breachdesk.obligations.tests import test_fuzz as obligations
    from breachdesk.registry.tests import test_fuzz as registry

    return {
        "registry.csv": (registry.text_files(), registry.check_text_file, ()),
        "registry.xlsx": (registry.xlsx_files, registry.check_xlsx, ()),
        "inquiries.mime": (inquiries.built_messages(), inquiries.check_parse, ()),
        "inquiries.bytes": (st.binary(max_size=4000).map(inquiries.Built), inquiries.check_parse, ()),
        "campaigns.sandbox": (
            st.tuples(campaigns.sources(), st.booleans(), st.integers(0, 30)),
            campaigns.check_template,
            (),
        ),
        "obligations.facts": (obligations.fact_objects(), obligations.check_facts, ()),
        "obligations.command": (obligations.facts_files(), obligations.check_facts_file, ()),
        "obligations.form": (
            st.tuples(st.sampled_from(Fact.values), obligations.fact_texts),
            obligations.check_override_text,
            (),
        ),
    }


def run_target(
    name: str, strategy: Any, check: Callable[..., object], known: tuple[type[BaseException], ...], n: int
) -> dict[str, Any]:
    from hypothesis import HealthCheck, given, settings

    counts = {"examples": 0, "known_bug": 0}

    @settings(max_examples=n, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def fuzz(value: Any) -> None:
        counts["examples"] += 1
        try:
            check(*value) if isinstance(value, tuple) else check(value)
        except known:
            counts["known_bug"] += 1

    started = time.monotonic()
    failures = 0
    try:
        fuzz()
    except Exception:
        failures = 1
        traceback.print_exc(limit=-3, file=sys.stderr)
    return {
        "bench": "fuzz",
        "target": name,
        "examples": counts["examples"],
        "seconds": round(time.monotonic() - started, 1),
        "failures": failures,
        "known_bug": counts["known_bug"],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=2000, help="max_examples per target (default 2000)")
    parser.add_argument("--target", action="append", help="run only this target (repeatable)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="fuzz-var-") as var_dir:
        setup_django(var_dir)
        chosen = targets()
        failed = 0
        for name, (strategy, check, known) in chosen.items():
            if args.target and name not in args.target:
                continue
            result = run_target(name, strategy, check, known, args.examples)
            failed += result["failures"]
            print(json.dumps(result), flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
