"""Prove the scale-out deployment: two web processes and two workers on one PostgreSQL deliver a campaign once."""

from __future__ import annotations

import pytest

from breachdesk.testing.scaleout import scale_out_run

pytestmark = [pytest.mark.postgresql, pytest.mark.smtp]


@pytest.mark.django_db(transaction=True)
def test_two_web_processes_and_two_workers_deliver_each_message_exactly_once() -> None:
    report = scale_out_run(people=300, web=2, workers=2, timeout=120)
    assert report["delivered"] == 300, report
    assert report["distinct_recipients"] == 300, report
    assert report["sent_twice"] == 0, report
    # Both worker processes took part: the campaign was split, not merely served by one of them.
    assert len(report["sent_by_worker_process"]) == 2, report
    assert all(n > 0 for n in report["sent_by_worker_process"].values()), report
    assert report["progress_from_second_web_status"] == 200, report
    assert report["progress_from_second_web_shows_total"], report
