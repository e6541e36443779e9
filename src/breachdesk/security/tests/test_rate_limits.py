"""Stop guessing and flooding: login lockout (django-axes), the public inquiry form and the self-check limits."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from breachdesk import settings as settings_module
from breachdesk.inquiries.models import Inquiry
from breachdesk.security.tests.conftest import csrf_post
from breachdesk.testing.fixtures import World

pytestmark = pytest.mark.django_db
LOGIN = "/accounts/login/"


def _login(client: Client, username: str, password: str, ip: str) -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_repeated_failed_logins_lock_the_username_from_that_address(world: World, settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    world.lead.set_password("correct horse battery")
    world.lead.save()
    client = Client()
    statuses = [_login(client, "lead", f"wrong-{n}", "198.51.100.7").status_code for n in range(3)]
    assert statuses[:2] == [200, 200]
    assert statuses[2] == 429
    # Locked: even the right password is refused from that address, and nothing is signed in.
    locked = _login(client, "lead", "correct horse battery", "198.51.100.7")
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # The lock is per username and address: the owner signs in from elsewhere.
    elsewhere = _login(Client(), "lead", "correct horse battery", "198.51.100.8")
    assert elsewhere.status_code == 302


def test_the_lockout_page_speaks_japanese_and_english(world: World, settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 1
    japanese = _login(Client(HTTP_ACCEPT_LANGUAGE="ja"), "someone", "wrong", "198.51.100.20")
    english = _login(Client(HTTP_ACCEPT_LANGUAGE="en"), "someone", "wrong", "198.51.100.20")
    assert japanese.status_code == english.status_code == 429
    assert "Login locked" in english.content.decode()
    assert 'id="lockout"' in japanese.content.decode()
    assert japanese["Content-Security-Policy"]


def test_a_lockout_is_logged_without_the_username(world: World, settings: Any, caplog: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 1
    with caplog.at_level("WARNING", logger="breachdesk.security"):
        _login(Client(), "lead", "wrong", "198.51.100.30")
    lines = [r.getMessage() for r in caplog.records if r.name == "breachdesk.security"]
    assert lines == ["login locked out after repeated failures (see the admin's access attempts)"]


def test_login_throttle_settings_are_parsed_strictly(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BREACHDESK_LOGIN_FAILURE_LIMIT", "five")
    with pytest.raises(ImproperlyConfigured, match="BREACHDESK_LOGIN_FAILURE_LIMIT"):
        settings_module.envint("BREACHDESK_LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=100)
    monkeypatch.setenv("BREACHDESK_LOGIN_FAILURE_LIMIT", "0")
    with pytest.raises(ImproperlyConfigured, match="minimum"):
        settings_module.envint("BREACHDESK_LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=100)


def _inquiry(n: int) -> dict[str, str]:
    return {
        "name": "山田 花子",
        "email": f"hanako{n}@example.jp",
        "subject": "問い合わせ",
        "body": "私の情報は漏れましたか。",
        "website": "",
    }


def test_the_public_inquiry_form_answers_429_past_its_limit(world: World) -> None:
    from breachdesk.inquiries.intake.form import FORM_LIMIT

    path = f"/p/{world.incident.code}/contact/"
    before = Inquiry.objects.count()
    statuses = [csrf_post(path, _inquiry(n), ip="203.0.113.5").status_code for n in range(FORM_LIMIT + 1)]
    assert statuses == [200] * FORM_LIMIT + [429]
    assert Inquiry.objects.count() == before + FORM_LIMIT
    # Another address is not affected.
    assert csrf_post(path, _inquiry(99), ip="203.0.113.6").status_code == 200


def test_the_self_check_answers_429_past_its_limit(world: World, published: Any, settings: Any) -> None:
    settings.BREACHDESK_SELFCHECK_PER_IP_HOUR = 2
    path = f"/p/{world.incident.code}/check/"
    responses = [csrf_post(path, {"email": f"p{n}@example.jp"}, ip="203.0.113.40") for n in range(3)]
    assert [r.status_code for r in responses] == [302, 302, 429]
    assert responses[2]["Retry-After"] == "3600"
