"""The API's limit per token: shared counters (core/ratelimit.py), 429 with Retry-After past the limit."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.test import Client

from breachdesk.api import auth
from breachdesk.api.services import api_token_create
from breachdesk.testing.fixtures import World


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.django_db
def test_a_token_past_its_limit_gets_429_with_retry_after_and_others_do_not(
    world: World, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.BREACHDESK_API_RATE_PER_MINUTE = 3  # type: ignore[attr-defined]
    monkeypatch.setattr(auth, "now", lambda: 1_800_000_015.0)  # 15 s into a minute
    _row, token = api_token_create(user=world.lead, name="busy", incidents=[world.incident])
    _row2, other = api_token_create(user=world.lead, name="quiet", incidents=[world.incident])
    client = Client()
    url = f"/api/v1/incidents/{world.incident.code}/tasks"
    assert [client.get(url, headers=bearer(token)).status_code for _ in range(3)] == [200, 200, 200]
    response = client.get(url, headers=bearer(token))
    assert response.status_code == 429
    assert response["Retry-After"] == "45"
    assert response.json()["error"] == "rate_limited"
    assert client.get(url, headers=bearer(other)).status_code == 200
    # The next minute starts a new window.
    monkeypatch.setattr(auth, "now", lambda: 1_800_000_060.0)
    assert client.get(url, headers=bearer(token)).status_code == 200


@pytest.mark.django_db
def test_an_unknown_token_is_refused_before_it_is_counted(world: World, settings: object) -> None:
    from breachdesk.core.models import RateCounter

    settings.BREACHDESK_API_RATE_PER_MINUTE = 1  # type: ignore[attr-defined]
    for _ in range(3):
        assert Client().get("/api/v1/incidents", headers=bearer("bd_nope_nope")).status_code == 401
    assert not RateCounter.objects.exists()


def test_the_api_rate_setting_is_parsed_strictly() -> None:
    env = {**os.environ, "BREACHDESK_API_RATE_PER_MINUTE": "many"}
    result = subprocess.run(
        [sys.executable, "-c", "import breachdesk.settings"], env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "BREACHDESK_API_RATE_PER_MINUTE" in result.stderr
