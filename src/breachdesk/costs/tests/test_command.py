"""Check the `breachdesk estimate` contract, including the path that needs no database."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from breachdesk.costs.tests.helpers import add_people
from breachdesk.testing.fixtures import World


def run(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("estimate", *args, stdout=out)
    return json.loads(out.getvalue())


def test_items_print_the_factors_and_the_per_person_estimate() -> None:
    assert run("--items", "name,address,card_number") == {
        "items": ["name", "address", "card_number"],
        "sensitivity": 26,
        "identifiability": 6,
        "base_yen": 500,
        "factors": {"social_responsibility": 1, "response_evaluation": 1},
        "per_person_yen": 78_000,
    }


def test_items_take_the_doubling_factors() -> None:
    result = run("--items", "name,email", "--social", "2", "--response", "2")
    assert result["factors"] == {"social_responsibility": 2, "response_evaluation": 2}
    assert result["per_person_yen"] == 12_000


def test_an_unknown_item_exits_2_and_names_the_key() -> None:
    with pytest.raises(CommandError, match="shoe_size") as caught:
        call_command("estimate", "--items", "name,shoe_size")
    assert caught.value.returncode == 2


def test_the_items_path_runs_without_any_database(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "BREACHDESK_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite:///{tmp_path}/no-such-dir/missing.sqlite3",
    }
    done = subprocess.run(
        [sys.executable, "-m", "breachdesk", "estimate", "--items", "card_number,name"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["per_person_yen"] == 39_000
    assert not (tmp_path / "no-such-dir").exists()
    bad = subprocess.run(
        [sys.executable, "-m", "breachdesk", "estimate", "--items", "name,shoe_size"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert bad.returncode == 2
    assert "shoe_size" in bad.stderr


@pytest.mark.django_db
def test_an_incident_prints_the_contract(world: World) -> None:
    add_people(world.incident, [(["card_number", "name", "address"], 2)])
    result = run("--incident", world.incident.code)
    assert result["persons"] == 3  # the world's sample person (name, email) and the two added
    assert result["total_yen"] == 2 * 78_000 + 3_000
    assert result["by_items"][0] == {
        "items": ["name", "address", "card_number"],
        "persons": 2,
        "per_person_yen": 78_000,
    }


@pytest.mark.django_db
def test_an_unknown_incident_exits_2() -> None:
    with pytest.raises(CommandError) as caught:
        call_command("estimate", "--incident", "no-such-incident")
    assert caught.value.returncode == 2
