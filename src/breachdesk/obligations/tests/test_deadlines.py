"""Deadline arithmetic and the clock states, with an explicit ``now``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from breachdesk.obligations import deadlines
from breachdesk.obligations.deadlines import ClockState, clock_read

TOKYO = ZoneInfo("Asia/Tokyo")
BERLIN = ZoneInfo("Europe/Berlin")


def test_the_check_dates_of_the_rules() -> None:
    aware = datetime(2026, 3, 2, 23, 59, tzinfo=TOKYO)
    assert deadlines.jp_preliminary_due(aware) == date(2026, 3, 7)
    assert deadlines.jp_preliminary_window(aware) == (date(2026, 3, 5), date(2026, 3, 7))
    assert deadlines.jp_final_due(aware, malicious=False) == date(2026, 4, 1)
    assert deadlines.jp_final_due(aware, malicious=True) == date(2026, 5, 1)


def test_72_hours_are_elapsed_time_across_a_daylight_saving_change() -> None:
    aware = datetime(2026, 3, 28, 12, 0, tzinfo=BERLIN)  # clocks go forward on 2026-03-29
    due = deadlines.eu_authority_due(aware)
    assert due.astimezone(UTC) - aware.astimezone(UTC) == timedelta(hours=72)
    assert due.astimezone(BERLIN).hour == 13


def test_the_ppc_is_closed_on_weekends_holidays_and_at_the_year_end() -> None:
    assert deadlines.ppc_closed(date(2026, 5, 3))  # Constitution Day
    assert deadlines.ppc_closed(date(2026, 3, 7))  # Saturday
    assert deadlines.ppc_closed(date(2026, 12, 29))
    assert not deadlines.ppc_closed(date(2026, 4, 1))
    assert deadlines.ppc_next_open_day(date(2026, 12, 29)) == date(2027, 1, 4)


def test_a_clock_is_ok_then_amber_within_24_hours_then_red() -> None:
    due = datetime(2026, 3, 7, 23, 59, 59, tzinfo=TOKYO)
    assert clock_read(due=due, now=due - timedelta(hours=25)).state == ClockState.OK
    assert clock_read(due=due, now=due - timedelta(hours=24)).state == ClockState.AMBER
    assert clock_read(due=due, now=due - timedelta(minutes=1)).state == ClockState.AMBER
    late = clock_read(due=due, now=due + timedelta(minutes=1))
    assert late.state == ClockState.RED
    assert late.left_text == "-0h 01m"


def test_a_submitted_report_stops_its_clock_even_when_late() -> None:
    due = datetime(2026, 3, 7, 23, 59, 59, tzinfo=TOKYO)
    assert clock_read(due=due, now=due + timedelta(days=3), submitted=True).state == ClockState.DONE


def test_the_time_left_reads_in_days_hours_and_minutes() -> None:
    due = datetime(2026, 3, 7, 23, 59, 59, tzinfo=TOKYO)
    now = due - timedelta(days=2, hours=3, minutes=15, seconds=30)
    assert clock_read(due=due, now=now).left_text == "2d 03h 15m"
