"""The crash test on the production path: ``breachdesk db_worker`` as a subprocess, SIGKILLed 5 times at random
moments of a 2,000-person campaign and restarted, against an aiosmtpd sink in its own process. No manual step."""

from __future__ import annotations

import pytest
from django.test import Client

from breachdesk.testing.crash import campaign_prepare, crash_run

pytestmark = [pytest.mark.smtp]
PEOPLE = 2_000
KILLS = 5


@pytest.mark.django_db(transaction=True)
def test_killed_workers_never_stall_a_campaign_nor_send_twice() -> None:
    made = campaign_prepare(people=PEOPLE)
    report = crash_run(campaign=made["campaign"], lead=made["lead"], people=PEOPLE, kills=KILLS, timeout=900)
    assert report["kills"] == KILLS, report
    # Nobody received two messages, and every delivery is sent or uncertain: the campaign went on by itself.
    assert report["received_twice"] == 0, report
    assert set(report["statuses"]) <= {"sent", "uncertain"}, report
    assert report["lost"] == 0, report
    assert report["uncertain"] <= KILLS, report
    # Each sent row arrived exactly once; each uncertain row once or not at all.
    assert report["sent_not_received_once"] == 0, report
    assert report["uncertain_received_twice"] == 0, report
    assert report["uncertain_received"] + report["uncertain_not_received"] == report["uncertain"], report
    # Finished, or waiting only for a person to settle the uncertain rows.
    assert report["campaign_status"] == ("finished" if report["uncertain"] == 0 else "running"), report
    # The review screen lists every uncertain row with the Message-ID that tells whether it went out.
    client = Client()
    client.force_login(made["lead"])
    campaign = made["campaign"]
    page = client.get(f"/incidents/{made['incident'].code}/campaigns/{campaign.pk}/deliveries/?status=uncertain")
    assert page.status_code == 200
    html = page.content.decode()
    for pk, message_id in report["uncertain_ids"]:
        assert f'id="delivery-{pk}"' in html
        assert message_id.replace("<", "&lt;").replace(">", "&gt;") in html
