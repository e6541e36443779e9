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


def test_many_usernames_from_one_address_lock_that_address_and_no_other(world: World, settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    settings.BREACHDESK_LOGIN_IP_FAILURE_LIMIT = 6
    world.lead.set_password("correct horse battery")
    world.lead.save()
    guesser = "198.51.100.40"
    # Two failures per username stay under the per-username limit; the sixth failure from the address locks it.
    statuses = [_login(Client(), f"user{n // 2}", f"wrong-{n}", guesser).status_code for n in range(6)]
    assert statuses == [200] * 5 + [429]
    # Locked for every username there, the right password included, and a fresh username too.
    assert _login(Client(), "lead", "correct horse battery", guesser).status_code == 429
    assert _login(Client(), "someone-new", "x", guesser).status_code == 429
    # Another address is unaffected: the owner signs in.
    client = Client()
    assert _login(client, "lead", "correct horse battery", "198.51.100.41").status_code == 302
    assert "_auth_user_id" in client.session


def test_signing_in_does_not_wipe_the_count_of_the_address(world: World, settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    settings.BREACHDESK_LOGIN_IP_FAILURE_LIMIT = 5
    world.responder.set_password("my own password")
    world.responder.save()
    guesser = "198.51.100.50"
    for n in range(4):
        assert _login(Client(), f"victim{n}", "guess", guesser).status_code == 200
    # The guesser signs in to an account of their own: its failures reset, the address's other failures stay.
    assert _login(Client(), "responder", "my own password", guesser).status_code == 302
    assert _login(Client(), "victim9", "guess", guesser).status_code == 429


def test_the_per_address_limit_is_parsed_strictly() -> None:
    import os
    import subprocess
    import sys

    for value, message in (("lots", "BREACHDESK_LOGIN_IP_FAILURE_LIMIT"), ("2", "must be at least")):
        env = {**os.environ, "BREACHDESK_LOGIN_IP_FAILURE_LIMIT": value, "BREACHDESK_LOGIN_FAILURE_LIMIT": "5"}
        result = subprocess.run(
            [sys.executable, "-c", "import breachdesk.settings"], env=env, capture_output=True, text=True, check=False
        )
        assert result.returncode != 0
        assert message in result.stderr


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


def test_the_public_inquiry_form_answers_429_past_its_limit(world: World, published: Any) -> None:
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


# --- Behind a reverse proxy (``core.client_address``) ------------------------------------------------------------


def _via(forwarded_for: str) -> Client:
    """Return a browser-like client whose requests carry ``X-Forwarded-For`` (``csrf_post`` sets the peer)."""
    return Client(enforce_csrf_checks=True, HTTP_X_FORWARDED_FOR=forwarded_for)


@pytest.mark.parametrize(
    ("peer", "forwarded_for", "expected"),
    [
        ("10.0.0.2", "203.0.113.9", "203.0.113.9"),  # one trusted proxy
        ("10.0.0.2", "203.0.113.9, 10.0.0.7", "203.0.113.9"),  # two trusted hops
        ("10.0.0.2", "198.51.100.1, 203.0.113.9", "203.0.113.9"),  # the client's own claim left of it is not used
        ("10.0.0.2", "[2001:db8::5]:443", "2001:db8::5"),
        ("10.0.0.2", "203.0.113.9:5123", "203.0.113.9"),
        ("10.0.0.2", "not-an-address", "10.0.0.2"),  # unreadable: do not guess past it
        ("10.0.0.2", "10.0.0.9", "10.0.0.2"),  # only our proxies: an inside health check
        ("198.51.100.9", "203.0.113.9", "198.51.100.9"),  # not a trusted peer: the header is ignored
        ("10.0.0.2", "", "10.0.0.2"),
    ],
)
def test_the_visitor_address_is_read_only_through_trusted_proxies(peer: str, forwarded_for: str, expected: str) -> None:
    from breachdesk.core.client_address import client_address, trusted_networks

    trusted = trusted_networks(["10.0.0.0/8"])
    assert client_address(peer=peer, forwarded_for=forwarded_for, trusted=trusted) == expected


def test_behind_a_trusted_proxy_each_visitor_has_their_own_self_check_limit(
    world: World, published: Any, settings: Any
) -> None:
    settings.BREACHDESK_SELFCHECK_PER_IP_HOUR = 2
    settings.BREACHDESK_TRUSTED_PROXIES = ["10.0.0.0/8"]
    path = f"/p/{world.incident.code}/check/"
    first = [
        csrf_post(path, {"email": f"a{n}@example.jp"}, ip="10.0.0.2", client=_via("203.0.113.60")) for n in range(3)
    ]
    assert [r.status_code for r in first] == [302, 302, 429]
    # Another visitor behind the same proxy is not locked out by the first one.
    other = csrf_post(path, {"email": "b@example.jp"}, ip="10.0.0.2", client=_via("203.0.113.61"))
    assert other.status_code == 302


def test_a_forged_forwarded_header_from_elsewhere_does_not_dodge_the_limit(
    world: World, published: Any, settings: Any
) -> None:
    settings.BREACHDESK_SELFCHECK_PER_IP_HOUR = 2
    settings.BREACHDESK_TRUSTED_PROXIES = ["10.0.0.0/8"]
    path = f"/p/{world.incident.code}/check/"
    responses = [
        csrf_post(path, {"email": f"c{n}@example.jp"}, ip="198.51.100.9", client=_via(f"203.0.113.{70 + n}"))
        for n in range(3)
    ]
    assert [r.status_code for r in responses] == [302, 302, 429]


def test_behind_a_trusted_proxy_the_login_lockout_is_per_visitor(world: World, settings: Any) -> None:
    settings.AXES_FAILURE_LIMIT = 3
    settings.BREACHDESK_TRUSTED_PROXIES = ["10.0.0.0/8"]
    world.lead.set_password("correct horse battery")
    world.lead.save()
    attacker = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.80")
    statuses = [attacker.post(LOGIN, {"username": "lead", "password": f"x{n}"}).status_code for n in range(3)]
    assert statuses == [200, 200, 429]
    owner = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.81")
    assert owner.post(LOGIN, {"username": "lead", "password": "correct horse battery"}).status_code == 302
