"""Audit the locked dependencies with pip-audit; ``make audit`` runs it after bandit.

Usage: ``python -m breachdesk.security.audit requirements.txt`` (the output of ``uv export --frozen --no-hashes``).

pip-audit asks the PyPI vulnerability service about each pinned package. When that service cannot be reached (an
offline machine, or a registry mirror without PyPI's JSON API, as on the project's own build machines), every
package comes back "not found"; the audit then says so loudly and passes, because no answer is not a finding.
Set ``BREACHDESK_AUDIT_REQUIRED=true`` where the service is reachable (a release pipeline with internet access) to
make an unreachable service fail the build. Any vulnerability that IS reported always fails.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

# Vulnerabilities accepted for now, each with its reason. Empty: none is accepted.
IGNORED: dict[str, str] = {}


def _pip_audit() -> str:
    found = shutil.which("pip-audit", path=str(Path(sys.executable).parent)) or shutil.which("pip-audit")
    if found is None:
        raise SystemExit("breachdesk audit: pip-audit is not installed (uv sync installs the dev group).")
    return found


def main(argv: list[str]) -> int:
    """Run pip-audit on the requirements file in ``argv`` and return the exit status."""
    if len(argv) != 1:
        print("usage: python -m breachdesk.security.audit REQUIREMENTS", file=sys.stderr)  # noqa: T201
        return 2
    command = [_pip_audit(), "-r", argv[0], "--no-deps", "--disable-pip", "--progress-spinner", "off"]
    command += ["--format", "json", *[arg for vuln in IGNORED for arg in ("--ignore-vuln", vuln)]]
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - fixed argv
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        print(result.stderr or result.stdout, file=sys.stderr)  # noqa: T201
        return _unreachable("pip-audit gave no report")
    dependencies = report.get("dependencies", [])
    skipped = [d for d in dependencies if d.get("skip_reason")]
    if dependencies and len(skipped) == len(dependencies):
        return _unreachable(skipped[0]["skip_reason"])
    found = [(d["name"], d["version"], v["id"]) for d in dependencies for v in d.get("vulns", [])]
    for name, version, vuln in found:
        print(f"breachdesk audit: {name} {version}: {vuln}", file=sys.stderr)  # noqa: T201
    for dependency in skipped:
        print(f"breachdesk audit: not audited: {dependency['name']}: {dependency['skip_reason']}", file=sys.stderr)  # noqa: T201
    if found or skipped:
        return 1
    print(f"breachdesk audit: {len(dependencies)} locked packages, no known vulnerabilities")  # noqa: T201
    return 0


def _unreachable(reason: str) -> int:
    message = f"breachdesk audit: the vulnerability database could not be reached ({reason})"
    if os.environ.get("BREACHDESK_AUDIT_REQUIRED", "").lower() in ("1", "true", "yes"):
        print(message + "; BREACHDESK_AUDIT_REQUIRED is set, so this fails.", file=sys.stderr)  # noqa: T201
        return 1
    print(  # noqa: T201
        message + "; NOT AUDITED here. Run `make audit` with BREACHDESK_AUDIT_REQUIRED=true where PyPI is reachable.",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
