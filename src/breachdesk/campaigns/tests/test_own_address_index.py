"""``not_own_address`` compares the recipient with the person's blind index, not the decrypted value with itself."""

from __future__ import annotations

from typing import Any

import pytest

from breachdesk.campaigns import worker
from breachdesk.campaigns.models import Delivery
from breachdesk.campaigns.models import DeliveryStatus as S
from breachdesk.campaigns.tests.conftest import FakeClock, Team, affected_only_new
from breachdesk.campaigns.tests.test_worker import started
from breachdesk.core.crypto import cipher_for
from breachdesk.registry.models import Person
from breachdesk.testing.smtp import SmtpSink


@pytest.mark.django_db
def test_an_address_moved_into_a_persons_encrypted_column_is_blocked(
    team: Team, add_person: Any, smtp_sink: SmtpSink, clock: FakeClock
) -> None:
    affected_only_new(team.world)
    victim = add_person(email="victim@example.jp")
    # A restored backup or a bad migration puts someone else's address into this person's encrypted column; the
    # decrypted value agrees with itself, but not with the index computed from the person's own address.
    planted = cipher_for(victim.incident_id).encrypt(
        "email", "someone.else@example.jp", table="registry.person", row=victim.aad_id
    )
    Person.objects.filter(pk=victim.pk).update(email_enc=planted)
    campaign = started(team)
    report = worker.campaign_work(campaign_id=campaign.pk, clock=clock)
    assert report.blocked == 1
    assert [env[1] for env in smtp_sink.envelopes] == []
    blocked = Delivery.objects.get(campaign=campaign, person=victim)
    assert blocked.status == S.FAILED_PERMANENT
    assert "guard.not_own_address" in blocked.last_error
