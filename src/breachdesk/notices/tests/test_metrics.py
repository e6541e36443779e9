"""Published notices reach the executive summary."""

from __future__ import annotations

import pytest

from breachdesk.costs.sources import metric
from breachdesk.notices.models import Notice
from breachdesk.testing.fixtures import World


@pytest.mark.django_db
def test_the_summary_lists_each_published_notice_by_number(world: World, published: Notice) -> None:
    rows = metric("notices_published", world.incident)
    assert [row["number"] for row in rows] == [published.number]
    assert rows[0]["title"] == published.title
    assert rows[0]["published_at"] is not None
    assert rows[0]["published_at"].endswith("+09:00")  # local time, so the date matches what readers saw
