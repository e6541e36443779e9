"""The stakeholder list page: the lead adds and briefs, a responder reads, an outsider sees nothing."""

from __future__ import annotations

import pytest

from breachdesk.incidents.models import Stakeholder, StakeholderStatus
from breachdesk.testing.fixtures import World, client_for

pytestmark = pytest.mark.django_db


def test_the_lead_adds_a_stakeholder_and_the_list_shows_it(world: World) -> None:
    url = f"/incidents/{world.incident.code}/stakeholders/"
    response = client_for(world.lead).post(url, {"kind": "card_company", "name": "さくらカード株式会社"})
    assert response.status_code == 302
    assert response["Location"] == url
    assert Stakeholder.objects.filter(incident=world.incident, name="さくらカード株式会社").exists()
    page = client_for(world.responder).get(url).content.decode()
    assert "さくらカード株式会社" in page
    assert "Metropolitan Police" in page


def test_the_lead_briefs_a_stakeholder_from_the_list(world: World) -> None:
    url = f"/incidents/{world.incident.code}/stakeholders/{world.stakeholder.pk}/status/"
    response = client_for(world.lead).post(url, {"status": StakeholderStatus.BRIEFED})
    assert response.status_code == 302
    world.stakeholder.refresh_from_db()
    assert world.stakeholder.status == StakeholderStatus.BRIEFED
    assert world.stakeholder.briefed_at is not None


def test_a_responder_reads_the_list_but_cannot_change_it(world: World) -> None:
    client = client_for(world.responder)
    base = f"/incidents/{world.incident.code}/stakeholders/"
    assert 'name="status"' not in client.get(base).content.decode()
    client.post(base, {"kind": "partner", "name": "Should not exist"})
    client.post(f"{base}{world.stakeholder.pk}/status/", {"status": StakeholderStatus.BRIEFED})
    assert not Stakeholder.objects.filter(name="Should not exist").exists()
    world.stakeholder.refresh_from_db()
    assert world.stakeholder.status == StakeholderStatus.NOT_CONTACTED


def test_it_rejects_outsider(world: World) -> None:
    client = client_for(world.outsider)
    base = f"/incidents/{world.incident.code}/stakeholders/"
    assert client.get(base).status_code == 404
    assert client.post(f"{base}{world.stakeholder.pk}/status/", {"status": "briefed"}).status_code == 404
    world.stakeholder.refresh_from_db()
    assert world.stakeholder.status == StakeholderStatus.NOT_CONTACTED
