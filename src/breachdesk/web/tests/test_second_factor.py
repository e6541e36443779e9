from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from breachdesk.incidents.enrolment import enrolment_grant_issue
from breachdesk.testing.factories import PASSWORD
from breachdesk.testing.fixtures import World


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


@pytest.fixture
def require_2fa(settings: Any) -> None:
    settings.BREACHDESK_REQUIRE_2FA = True


@pytest.mark.django_db
@pytest.mark.usefixtures("require_2fa")
def test_a_password_alone_leads_to_the_second_factor_set_up(world: World) -> None:
    client = Client()
    assert client.post("/accounts/login/", {"username": "lead", "password": PASSWORD}).status_code == 302
    response = client.get(f"/incidents/{world.incident.code}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/")
    assert client.get(response["Location"], follow=True).redirect_chain[-1][0].startswith("/accounts/2fa/setup/")


@pytest.mark.django_db
@pytest.mark.usefixtures("require_2fa")
def test_setting_up_and_then_using_a_totp_device_opens_the_desk(world: World) -> None:
    client = Client()
    client.post("/accounts/login/", {"username": "lead", "password": PASSWORD})
    _grant, code = enrolment_grant_issue(user=world.lead)
    assert client.post("/accounts/2fa/setup/", {"enrolment_code": code}).status_code == 302
    page = client.get("/accounts/2fa/setup/").content.decode()
    assert "<svg" in page
    device = TOTPDevice.objects.get(user=world.lead, confirmed=False)
    assert client.post("/accounts/2fa/setup/", {"token": "000000"}).status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # a wrong code is counted against brute force
    device.throttle_reset()
    response = client.post("/accounts/2fa/setup/", {"token": _code(device), "next": "/incidents/"})
    assert response.status_code == 302
    assert client.get(f"/incidents/{world.incident.code}/").status_code == 200
    # A new session must pass the confirmed device.
    fresh = Client()
    fresh.post("/accounts/login/", {"username": "lead", "password": PASSWORD})
    assert fresh.get("/incidents/").status_code == 302
    device.refresh_from_db()
    device.last_t = -1  # allow the same time step again in this test
    device.save()
    assert fresh.post("/accounts/2fa/", {"token": "12345a"}).status_code == 200  # not six digits: refused
    assert fresh.post("/accounts/2fa/", {"token": _code(device)}).status_code == 302
    assert fresh.get("/incidents/").status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("require_2fa")
def test_the_second_factor_page_refuses_an_open_redirect(world: World) -> None:
    client = Client()
    client.post("/accounts/login/", {"username": "lead", "password": PASSWORD})
    response = client.get("/accounts/2fa/?next=https://evil.example/")
    assert "evil.example" not in response.get("Location", "")
