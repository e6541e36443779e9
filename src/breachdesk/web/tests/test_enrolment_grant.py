"""A TOTP device is set up only with a one-time enrolment code issued by a superuser (command) or the lead."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from breachdesk.core.models import TimelineEvent
from breachdesk.incidents.enrolment import enrolment_grant_issue
from breachdesk.incidents.models import EnrolmentGrant, Membership
from breachdesk.testing.factories import PASSWORD
from breachdesk.testing.fixtures import World, client_for

SETUP = "/accounts/2fa/setup/"


def _code(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


def _signed_in(username: str, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    assert client.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def _enrol(client: Client, user: Any, enrolment_code: str) -> Any:
    """Enter the enrolment code, then confirm the device with its first code; return the last response."""
    response = client.post(SETUP, {"enrolment_code": enrolment_code})
    if response.status_code != 302:
        return response
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    return client.post(SETUP, {"token": _code(device), "next": "/incidents/"})


@pytest.fixture
def require_2fa(settings: Any) -> None:
    settings.BREACHDESK_REQUIRE_2FA = True


@pytest.mark.django_db
@pytest.mark.usefixtures("require_2fa")
def test_a_password_alone_cannot_set_up_a_device(world: World) -> None:
    client = _signed_in("responder")
    page = client.get(SETUP)
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="enrolment-code"' in text
    assert "a password alone cannot set up a second factor" in text
    assert "<svg" not in text
    assert not TOTPDevice.objects.filter(user=world.responder).exists()  # no secret exists before a grant
    refused = client.post(SETUP, {"enrolment_code": "AAAA-BBBB-CCCC-DDDD"})
    assert refused.status_code == 200
    assert "This enrolment code is not valid" in refused.content.decode()
    # A TOTP code posted without a grant sets nothing up either.
    assert client.post(SETUP, {"token": "123456"}).status_code == 200
    assert not TOTPDevice.objects.filter(user=world.responder).exists()
    assert client.get("/incidents/").status_code == 302


@pytest.mark.django_db
def test_the_page_speaks_japanese(world: World) -> None:
    client = _signed_in("responder", language="ja")
    assert "1回限りの登録コード" in client.get(SETUP).content.decode()
    assert "この登録コードは無効" in client.post(SETUP, {"enrolment_code": "nope"}).content.decode()


@pytest.mark.django_db
@pytest.mark.usefixtures("require_2fa")
def test_a_command_issued_code_enrols_once_and_only_its_digest_is_stored(world: World) -> None:
    out = StringIO()
    call_command("otp-grant", "--user", "responder", "--hours", "2", stdout=out)
    issued = json.loads(out.getvalue())
    code = issued["code"]
    assert issued["user"] == "responder"
    grant = EnrolmentGrant.objects.get(user=world.responder)
    stored = str(EnrolmentGrant.objects.filter(pk=grant.pk).values().get()).upper()
    assert code.replace("-", "") not in stored.replace("-", "")
    # Typed in lower case and without dashes, it still works.
    client = _signed_in("responder")
    assert _enrol(client, world.responder, code.replace("-", "").lower()).status_code == 302
    assert client.get("/incidents/").status_code == 200
    grant.refresh_from_db()
    assert grant.used_at is not None
    # Used up: with the device removed, the same code opens nothing.
    TOTPDevice.objects.filter(user=world.responder).delete()
    again = _signed_in("responder").post(SETUP, {"enrolment_code": code})
    assert again.status_code == 200
    assert "already used" in again.content.decode()


@pytest.mark.django_db
def test_an_expired_or_replaced_code_is_refused(world: World) -> None:
    _old_grant, old = enrolment_grant_issue(user=world.responder)
    _new_grant, new = enrolment_grant_issue(user=world.responder)
    client = _signed_in("responder")
    assert client.post(SETUP, {"enrolment_code": old}).status_code == 200  # ended by the new one
    EnrolmentGrant.objects.filter(user=world.responder).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.post(SETUP, {"enrolment_code": new}).status_code == 200
    assert not TOTPDevice.objects.filter(user=world.responder).exists()
    # Another user's code does not work for this one.
    _g, theirs = enrolment_grant_issue(user=world.reviewer_client)
    assert client.post(SETUP, {"enrolment_code": theirs}).status_code == 200


@pytest.mark.django_db
def test_a_lead_issues_a_code_for_a_member_who_then_enrols(world: World, settings: Any) -> None:
    membership = Membership.objects.get(incident=world.incident, user=world.responder)
    lead = client_for(world.lead, language="en")
    members = lead.get(f"/incidents/{world.incident.code}/members/").content.decode()
    assert f"/members/{membership.pk}/enrolment/" in members
    page = lead.post(f"/incidents/{world.incident.code}/members/{membership.pk}/enrolment/")
    assert page.status_code == 200
    text = page.content.decode()
    code = text.split('id="enrolment-code">', 1)[1].split("<", 1)[0]
    assert len(code) == 19
    event = TimelineEvent.objects.filter(incident=world.incident, kind="member.enrolment_issued").get()
    assert event.data["user"] == "responder"
    assert code not in json.dumps(event.data)
    settings.BREACHDESK_REQUIRE_2FA = True
    client = _signed_in("responder")
    assert client.get(f"/incidents/{world.incident.code}/").status_code == 302
    assert _enrol(client, world.responder, code).status_code == 302
    assert client.get(f"/incidents/{world.incident.code}/").status_code == 200


@pytest.mark.django_db
def test_only_the_lead_issues_and_never_for_staff_or_a_member_with_a_device(world: World) -> None:
    base = f"/incidents/{world.incident.code}/members"
    responder_member = Membership.objects.get(incident=world.incident, user=world.responder)
    lead_member = Membership.objects.get(incident=world.incident, user=world.lead)
    # A responder cannot issue (the refused form's redirect), and nothing is issued.
    response = client_for(world.responder).post(f"{base}/{responder_member.pk}/enrolment/")
    assert response.status_code in (302, 403)
    # The lead cannot issue for site staff (the lead is staff here) nor for a member who has a device.
    lead = client_for(world.lead, language="en")
    assert lead.post(f"{base}/{lead_member.pk}/enrolment/").status_code == 302
    TOTPDevice.objects.create(user=world.responder, name="phone", confirmed=True)
    assert lead.post(f"{base}/{responder_member.pk}/enrolment/").status_code == 302
    assert not EnrolmentGrant.objects.exists()
    # An outsider learns nothing.
    assert client_for(world.outsider).post(f"{base}/{responder_member.pk}/enrolment/").status_code == 404
