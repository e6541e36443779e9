"""Fuzz the scanner's readers for longer than the test suite does, and print one JSON line.

Runs the checks of ``breachdesk.scanner.tests.fuzz_inputs`` (arbitrary bytes, malformed CSV, broken workbooks and
gzip streams, SQL-dump fragments, text in several encodings, and lines through the prefilter compared with a full
scan) with hypothesis, ``--examples`` per kind (default 2000), and prints
{"bench": "fuzz_scanner", "examples": N, "seconds": s, "failures": F}. A failure (an exception escaping the scanner,
a refusal without a proper reason, byte ranges disagreeing with a whole read, a line the prefilter dropped) is
printed to stderr with the smallest input hypothesis found.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

from hypothesis import HealthCheck, Phase, given, settings

from breachdesk.scanner.tests import fuzz_inputs

# Lines of text through the prefilter, compared with a line-by-line full scan (no file involved).
PREFILTER = "prefilter"
KINDS = (*sorted(fuzz_inputs.STRATEGIES), PREFILTER)


def kind_fuzz(*, kind: str, examples: int, seed: int) -> tuple[int, str | None]:
    """Run ``examples`` examples of one kind; return how many ran and the failure (``None`` when all passed)."""
    ran = 0
    last: list[tuple[str, bytes]] = []

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=False,
        phases=[Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(fuzz_inputs.LINES.map(lambda text: ("", text.encode("utf-8", "surrogatepass"))) if kind == PREFILTER
           else fuzz_inputs.STRATEGIES[kind])  # fmt: skip
    def check(named: tuple[str, bytes]) -> None:
        nonlocal ran
        ran += 1
        last[:] = [named]
        if kind == PREFILTER:
            fuzz_inputs.prefilter_check(text=named[1].decode("utf-8", "surrogatepass"))
            return
        with tempfile.TemporaryDirectory() as directory:
            fuzz_inputs.file_check(root=Path(directory), name=named[0], content=named[1])

    check._hypothesis_internal_use_seed = seed  # type: ignore[attr-defined]
    try:
        check()
    except Exception as exc:  # report and go on with the other kinds
        smallest = f"{last[0][0]!r} {last[0][1]!r}"[:4000] if last else "(none)"
        return ran, f"{kind}: {type(exc).__name__}: {exc}\n  smallest input: {smallest}"
    return ran, None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--examples", type=int, default=2000, help="examples per kind (default 2000)")
    parser.add_argument("--seed", type=int, default=int(time.time()), help="random seed (default: the time)")
    parser.add_argument("--kinds", default=",".join(KINDS), help=f"comma-separated, among {', '.join(KINDS)}")
    options = parser.parse_args()
    kinds = [kind for kind in options.kinds.split(",") if kind]
    if set(kinds) - set(KINDS) or options.examples < 1:
        parser.error(f"--examples must be positive and --kinds among {', '.join(KINDS)}")

    started = time.perf_counter()
    total = 0
    failures = 0
    for kind in kinds:
        ran, failure = kind_fuzz(kind=kind, examples=options.examples, seed=options.seed)
        total += ran
        if failure is not None:
            failures += 1
            sys.stderr.write(failure + "\n")
        sys.stderr.write(f"{kind}: {ran} examples, {'FAILED' if failure else 'ok'}\n")
    seconds = time.perf_counter() - started
    sys.stderr.write(f"seed {options.seed}\n")
    print(json.dumps({"bench": "fuzz_scanner", "examples": total, "seconds": round(seconds, 1), "failures": failures}))


if __name__ == "__main__":
    main()
