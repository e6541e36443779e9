"""The ``breachdesk obligations`` contract: one JSON object out, exit status 2 for unknown keys or values."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from breachdesk.obligations.tests.helpers import facts

JP_KEYS = {
    "reportable",
    "categories",
    "notify_individuals",
    "report_to",
    "preliminary_due",
    "final_due",
    "rule_pack",
    "explanation",
}
EU_KEYS = {"notify_authority", "authority_due", "notify_subjects", "report_to", "severity", "rule_pack", "explanation"}


def cli(tmp_path: Path, data: Any) -> dict[str, Any]:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    out = StringIO()
    call_command("obligations", str(path), stdout=out)
    text = out.getvalue()
    assert text.count("\n") <= 1, "one JSON object"
    return json.loads(text)


def test_it_prints_exactly_the_contract_keys(tmp_path: Path) -> None:
    demo_items = ["name", "email", "address", "phone", "birth_date", "order_history"]
    result = cli(tmp_path, facts(cause="unauthorized_access", persons=90_000, suspected=True, items=demo_items))
    assert set(result) == {"JP", "EU"}
    assert set(result["JP"]) == JP_KEYS
    assert set(result["EU"]) == EU_KEYS
    assert set(result["EU"]["severity"]) == {"score", "level"}
    assert isinstance(result["EU"]["severity"]["score"], float)
    assert result["JP"] == {
        **result["JP"],
        "reportable": True,
        "categories": ["malicious", "over_1000"],
        "notify_individuals": True,
        "report_to": "PPC",
        "preliminary_due": "2026-03-07",
        "final_due": "2026-05-01",
        "rule_pack": "jp_appi_2024",
    }
    assert result["EU"]["authority_due"] == "2026-03-05T10:00:00+09:00"
    assert all(isinstance(line, str) for line in result["JP"]["explanation"] + result["EU"]["explanation"])


def test_only_the_jurisdictions_asked_for_appear(tmp_path: Path) -> None:
    assert set(cli(tmp_path, facts(jurisdictions=["JP"]))) == {"JP"}
    assert set(cli(tmp_path, facts(jurisdictions=["EU"]))) == {"EU"}


def test_the_optional_keys_take_their_defaults(tmp_path: Path) -> None:
    minimal = {"aware_at": "2026-03-02T10:00:00+09:00", "jurisdictions": ["JP"], "persons": 1001}
    assert cli(tmp_path, minimal)["JP"]["categories"] == ["over_1000"]
    loss = {**minimal, "event": "loss"}  # backup_exists defaults to true: another copy exists
    assert cli(tmp_path, loss)["JP"]["reportable"] is False


def test_nothing_reportable_gives_null_dates(tmp_path: Path) -> None:
    result = cli(tmp_path, facts())
    assert (result["JP"]["preliminary_due"], result["JP"]["final_due"]) == (None, None)
    assert result["EU"]["authority_due"] is None


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"colour": "red"}, "'colour'"),
        ({"items": ["name", "shoe_size"]}, "'shoe_size'"),
        ({"cause": "aliens"}, "'aliens'"),
        ({"role": "boss"}, "'boss'"),
        ({"event": "spill"}, "'spill'"),
        ({"encryption": "rot13"}, "'rot13'"),
        ({"jurisdictions": ["US"]}, "'US'"),
        ({"persons": -1}, "persons"),
        ({"persons": "many"}, "persons"),
        ({"suspected": "yes"}, "suspected"),
        ({"aware_at": "2026-03-02T10:00:00"}, "offset"),
    ],
)
def test_unknown_keys_or_values_exit_2_naming_them(tmp_path: Path, change: dict[str, Any], named: str) -> None:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(facts(**change)), encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("obligations", str(path), stdout=StringIO())
    assert caught.value.returncode == 2
    assert named in str(caught.value)


def test_it_refuses_input_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("obligations", str(path), stdout=StringIO())
    assert caught.value.returncode == 2


def test_the_real_command_exits_with_status_2_and_names_the_key(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(facts(colour="red")), encoding="utf-8")
    env = {**os.environ, "BREACHDESK_VAR_DIR": str(tmp_path / "var")}
    done = subprocess.run(
        [sys.executable, "-m", "breachdesk", "obligations", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    assert "'colour'" in done.stderr
    assert done.stdout == ""


@pytest.mark.django_db
def test_it_evaluates_a_stored_incident_with_its_registry_and_overrides(world: Any) -> None:
    from breachdesk.obligations.services import fact_override_set

    fact_override_set(incident=world.incident, actor=world.lead, fact="persons", value=1001, reason="Count.")
    out = StringIO()
    call_command("obligations", "--incident", world.incident.code, stdout=out)
    result = json.loads(out.getvalue())
    assert set(result) == {"JP"}
    assert set(result["JP"]) == JP_KEYS
    assert result["JP"]["categories"] == ["malicious", "over_1000"]
    assert result["JP"]["final_due"] == "2026-05-01"


@pytest.mark.django_db
def test_it_refuses_an_unknown_incident_or_both_inputs(tmp_path: Path) -> None:
    with pytest.raises(CommandError) as caught:
        call_command("obligations", "--incident", "no-such", stdout=StringIO())
    assert caught.value.returncode == 2
    with pytest.raises(CommandError) as caught:
        call_command("obligations", str(tmp_path / "f.json"), "--incident", "x", stdout=StringIO())
    assert caught.value.returncode == 2
