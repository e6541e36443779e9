"""Prove that ``breachdesk check --deploy`` is clean with production settings, and that the cookies are locked down."""

from __future__ import annotations

import base64
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings

from breachdesk.testing.fixtures import World

# Every silenced check, with the reason it is silenced (mirrors the comment in settings.py).
DOCUMENTED_SILENCES = {
    "security.W021": "HSTS preload binds every subdomain of the owner's domain; BREACHDESK_HSTS_PRELOAD opts in.",
}


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR")}
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "breachdesk.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "BREACHDESK_MASTER_KEY": base64.b64encode(secrets.token_bytes(32)).decode(),
        "ALLOWED_HOSTS": "desk.example.jp",
        "CSRF_TRUSTED_ORIGINS": "https://desk.example.jp",
        "BREACHDESK_HTTPS": "true",
        "BREACHDESK_VAR_DIR": str(tmp_path),
        "BREACHDESK_TESTING": "false",
        **extra,
    }


def _check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "breachdesk", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_in_production(tmp_path: Path) -> None:
    result = _check(_production_env(tmp_path))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_check_deploy_fails_without_https(tmp_path: Path) -> None:
    """The same check fails when HTTPS is off, so the clean run above means something."""
    result = _check(_production_env(tmp_path, BREACHDESK_HTTPS="false"))
    assert result.returncode != 0
    assert "security.W012" in result.stdout + result.stderr  # SESSION_COOKIE_SECURE


def test_only_documented_checks_are_silenced() -> None:
    assert set(django_settings.SILENCED_SYSTEM_CHECKS) == set(DOCUMENTED_SILENCES)


def test_cookies_are_http_only_same_site_and_sessions_expire() -> None:
    assert django_settings.SESSION_COOKIE_HTTPONLY is True
    assert django_settings.CSRF_COOKIE_HTTPONLY is True
    assert django_settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert django_settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert 300 <= django_settings.SESSION_COOKIE_AGE <= 12 * 3600


@pytest.mark.django_db
def test_the_session_cookie_is_sent_with_its_flags(world: World, settings: Any) -> None:
    from django.test import Client

    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    client = Client()
    lead = world.lead
    lead.set_password("correct horse battery")
    lead.save()
    response = client.post("/accounts/login/", {"username": "lead", "password": "correct horse battery"})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] is True
    assert cookie["secure"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == ""  # a browser-session cookie: closing the browser signs out
