"""``breachdesk demo`` creates users with published passwords, so it refuses to run with DEBUG off unless forced."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from breachdesk.incidents.models import Incident


@pytest.mark.django_db
def test_the_demo_refuses_with_debug_off_and_changes_nothing(settings: object) -> None:
    settings.DEBUG = False  # type: ignore[attr-defined]
    with pytest.raises(CommandError, match="DEBUG off"):
        call_command("demo")
    assert not Incident.objects.exists()
    with pytest.raises(SystemExit) as exit_info:
        call_command("demo", "--check")  # read-only options still work
    assert exit_info.value.code == 1


def test_make_run_forces_the_demo_it_serves_on_loopback() -> None:
    makefile = (Path(__file__).resolve().parents[4] / "Makefile").read_text()
    assert "$(BD) demo --force" in makefile
