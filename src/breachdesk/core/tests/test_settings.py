"""Start the real entry point with bad environment values and check that it stops with a clear message."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest

# The child process must see only the variables each test sets, not the suite's own environment.
_STRIPPED = ("DEBUG", "BREACHDESK_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC")


def _check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DEBUG", "BREACHDESK_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC"))
    }
    base.update({"BREACHDESK_VAR_DIR": str(tmp_path), **env})
    return subprocess.run(
        [sys.executable, "-m", "breachdesk", "check"], capture_output=True, text=True, env=base, check=False
    )


def test_a_bad_boolean_stops_start_up_and_names_the_variable(tmp_path: Path) -> None:
    result = _check(tmp_path, DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG='maybe' is not a boolean" in result.stderr


def test_a_bad_integer_names_the_variable(tmp_path: Path) -> None:
    result = _check(tmp_path, EMAIL_PORT="twenty-five")
    assert result.returncode != 0
    assert "EMAIL_PORT='twenty-five' is not an integer" in result.stderr


def test_a_master_key_of_the_wrong_length_is_refused(tmp_path: Path) -> None:
    result = _check(tmp_path, BREACHDESK_MASTER_KEY=base64.b64encode(b"short").decode())
    assert result.returncode != 0
    assert "BREACHDESK_MASTER_KEY must decode to exactly 32 bytes" in result.stderr


def test_a_previous_master_key_that_is_not_base64_is_refused(tmp_path: Path) -> None:
    result = _check(tmp_path, BREACHDESK_MASTER_KEY_PREVIOUS="not base64!")
    assert result.returncode != 0
    assert "BREACHDESK_MASTER_KEY_PREVIOUS is not valid base64" in result.stderr


def test_a_secret_can_come_from_a_file(tmp_path: Path) -> None:
    key_file = tmp_path / "master"
    key_file.write_text(base64.b64encode(os.urandom(32)).decode())
    result = _check(tmp_path, BREACHDESK_MASTER_KEY_FILE=str(key_file))
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "master.key").exists()


def test_a_missing_secret_file_names_the_variable(tmp_path: Path) -> None:
    result = _check(tmp_path, SECRET_KEY_FILE=str(tmp_path / "nope"))
    assert result.returncode != 0
    assert "SECRET_KEY_FILE=" in result.stderr
    assert "cannot be read" in result.stderr


def test_the_embedded_default_creates_a_private_key_file(tmp_path: Path) -> None:
    result = _check(tmp_path)
    assert result.returncode == 0, result.stderr
    key_file = tmp_path / "master.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert str(key_file) in result.stderr
    assert len(base64.b64decode(key_file.read_text())) == 32


@pytest.mark.parametrize("value", ["postgres://", "mysql://u@h/db"])
def test_an_unusable_database_url_is_refused(tmp_path: Path, value: str) -> None:
    result = _check(tmp_path, DATABASE_URL=value)
    assert result.returncode != 0
    assert "DATABASE_URL" in result.stderr


def test_check_deploy_passes_with_the_documented_production_variables(tmp_path: Path) -> None:
    secret = tmp_path / "secret"
    secret.write_text(base64.b64encode(os.urandom(60)).decode())
    master = tmp_path / "master"
    master.write_text(base64.b64encode(os.urandom(32)).decode())
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DEBUG", "BREACHDESK_", "DATABASE_URL", "DJANGO_ALLOW_ASYNC"))
    }
    base.update(
        {
            "BREACHDESK_VAR_DIR": str(tmp_path),
            "SECRET_KEY_FILE": str(secret),
            "BREACHDESK_MASTER_KEY_FILE": str(master),
            "BREACHDESK_HTTPS": "true",
            "ALLOWED_HOSTS": "desk.example.jp",
            "BREACHDESK_TESTING": "false",
        }
    )
    result = subprocess.run(
        [sys.executable, "-m", "breachdesk", "check", "--deploy", "--fail-level", "WARNING"],
        capture_output=True,
        text=True,
        env=base,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_a_trusted_proxy_that_is_not_an_address_stops_start_up(tmp_path: Path) -> None:
    result = _check(tmp_path, BREACHDESK_TRUSTED_PROXIES="10.0.0.0/8, proxy.example.jp")
    assert result.returncode != 0
    assert "BREACHDESK_TRUSTED_PROXIES: 'proxy.example.jp' is not an IP address or network" in result.stderr


def test_the_cache_size_is_checked_against_its_bounds(tmp_path: Path) -> None:
    result = _check(tmp_path, BREACHDESK_CACHE_ENTRIES="10")
    assert result.returncode != 0
    assert "BREACHDESK_CACHE_ENTRIES=10 is below the minimum of 100" in result.stderr


def test_the_cache_keeps_room_for_the_dashboard_panels() -> None:
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    cache = caches["default"]
    assert isinstance(cache, LocMemCache)  # per process: everything in it is keyed by database stamps
    assert cache._max_entries >= 5000


def test_a_public_base_url_that_is_not_an_http_origin_stops_start_up(tmp_path: Path) -> None:
    result = _check(tmp_path, BREACHDESK_PUBLIC_BASE_URL="help.example.jp")
    assert result.returncode != 0
    assert "BREACHDESK_PUBLIC_BASE_URL='help.example.jp' must be an http(s) origin" in result.stderr


def test_the_registry_fork_threshold_is_checked_against_its_bounds(tmp_path: Path) -> None:
    result = _check(tmp_path, BREACHDESK_REGISTRY_FORK_READER_BYTES="-5")
    assert result.returncode != 0
    assert "BREACHDESK_REGISTRY_FORK_READER_BYTES=-5 is below the minimum of -1" in result.stderr
