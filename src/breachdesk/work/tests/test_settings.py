"""The healing bounds are parsed strictly: a wrong value stops the process with the variable's name."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"BREACHDESK_WORKER_DEAD_AFTER": "soon"}, "BREACHDESK_WORKER_DEAD_AFTER='soon' is not an integer"),
        ({"BREACHDESK_WORKER_DEAD_AFTER": "600"}, "BREACHDESK_WORKER_DEAD_AFTER=600 is above the maximum of 110"),
        (
            {"BREACHDESK_WORKER_BEAT_SECONDS": "10", "BREACHDESK_WORKER_DEAD_AFTER": "20"},
            "must be at least three heartbeats",
        ),
        ({"BREACHDESK_STALL_AFTER": "5"}, "BREACHDESK_STALL_AFTER=5 is below the minimum of 30"),
        ({"BREACHDESK_TASK_RUNNING_LIMIT": "-1"}, "BREACHDESK_TASK_RUNNING_LIMIT=-1 is below the minimum"),
    ],
)
def test_a_wrong_bound_stops_the_settings_with_its_name(env: dict[str, str], message: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", "import breachdesk.settings"],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert message in done.stderr
