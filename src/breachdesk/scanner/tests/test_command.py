"""Test the ``scan`` command's contract, the incident link and the dashboard panel."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from breachdesk.core import timeline
from breachdesk.core.models import TimelineEvent
from breachdesk.incidents.models import Incident
from breachdesk.scanner.detectors import TYPES

CARD = "4111111111111111"


def _tree(root: Path) -> None:
    (root / "logs").mkdir()
    (root / "logs/app.log").write_text(f"ok\ncard={CARD} mail=yamada@example.jp\n", encoding="utf-8")
    (root / "logs/none.log").write_text("nothing\n", encoding="utf-8")


def _scan(*args: str) -> list[dict[str, Any]]:
    out = StringIO()
    call_command("scan", *args, stdout=out)
    return [json.loads(line) for line in out.getvalue().splitlines()]


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "breachdesk", "scan", *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_it_prints_one_summary_with_every_type(tmp_path: Path) -> None:
    _tree(tmp_path)
    (summary,) = _scan(str(tmp_path))
    assert list(summary) == ["files", "bytes", "seconds", "skipped", "counts"]
    assert summary["files"] == 2
    assert summary["counts"] == {**dict.fromkeys(TYPES, 0), "credit_card": 1, "email": 1}


def test_jsonl_prints_findings_then_the_summary_last(tmp_path: Path) -> None:
    _tree(tmp_path)
    *findings, summary = _scan(str(tmp_path), "--jsonl", "--jobs", "2")
    assert [set(f) for f in findings] == [{"path", "line", "column", "type", "confidence", "masked"}] * 2
    assert [(f["line"], f["column"], f["type"], f["masked"]) for f in findings] == [
        (2, 6, "credit_card", "4***********1111"), (2, 28, "email", "ya***@example.jp"),
    ]  # fmt: skip
    assert summary["counts"]["credit_card"] == 1


def test_the_command_line_exits_0_and_never_prints_a_full_value(tmp_path: Path) -> None:
    _tree(tmp_path)
    result = _cli(str(tmp_path), "--jsonl")
    assert result.returncode == 0, result.stderr
    assert CARD not in result.stdout + result.stderr
    assert "yamada@" not in result.stdout + result.stderr
    assert json.loads(result.stdout.splitlines()[-1])["files"] == 2


@pytest.mark.parametrize(
    "args", [["/nonexistent/breachdesk-scan"], ["{root}", "--jobs", "0"], ["{root}", "--jobs", "x"], []]
)
def test_the_command_line_exits_2_for_bad_arguments_and_unreadable_roots(tmp_path: Path, args: list[str]) -> None:
    result = _cli(*[arg.format(root=tmp_path) for arg in args])
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr


@pytest.mark.django_db
def test_it_rejects_an_unknown_incident(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No incident") as caught:
        _scan(str(tmp_path), "--incident", "no-such-case")
    assert caught.value.returncode == 2


@pytest.mark.django_db
def test_it_stores_masked_evidence_on_the_incident_timeline(tmp_path: Path) -> None:
    _tree(tmp_path)
    now = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    incident = Incident.objects.create(code="t-inc", title="t", organisation="o", found_at=now, aware_at=now)
    _scan(str(tmp_path), "--incident", "t-inc")
    event = TimelineEvent.objects.get(incident=incident, kind="scan.summary")
    assert event.actor_label == "cli"
    assert event.data["counts"]["credit_card"] == 1
    assert event.data["paths"] == [
        {
            "path": str(tmp_path / "logs/app.log"),
            "counts": {"credit_card": 1, "email": 1},
            "samples": [
                {"type": "credit_card", "line": 2, "masked": "4***********1111"},
                {"type": "email", "line": 2, "masked": "ya***@example.jp"},
            ],
        }
    ]
    assert CARD not in json.dumps(event.data)
    assert timeline.verify(incident=incident).ok


@pytest.mark.django_db
def test_the_incident_dashboard_shows_the_scan_summary(tmp_path: Path, world: Any, lead_client: Any) -> None:
    _tree(tmp_path)
    _scan(str(tmp_path), "--incident", world.incident.code)
    page = lead_client.get(reverse("web:incident_dashboard", kwargs={"code": world.incident.code}))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="panel-scanner"' in html
    assert "4***********1111" in html
    assert str(tmp_path / "logs/app.log") in html
    assert CARD not in html


@pytest.mark.django_db
def test_an_outsider_cannot_see_the_scan_summary(tmp_path: Path, world: Any, outsider_client: Any) -> None:
    _tree(tmp_path)
    _scan(str(tmp_path), "--incident", world.incident.code)
    page = outsider_client.get(reverse("web:incident_dashboard", kwargs={"code": world.incident.code}))
    assert page.status_code == 404
    assert b"4***********1111" not in page.content
