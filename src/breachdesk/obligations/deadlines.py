"""Compute the legal deadlines and the state of a deadline clock. Pure: every "now" is passed in.

Dates of the APPI deadlines are calendar dates in the offset of ``aware_at``. The EU deadline is an instant.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from enum import StrEnum
from functools import cache

import holidays

PRELIMINARY_DAYS = 5
PRELIMINARY_GUIDELINE_DAYS = (3, 5)
FINAL_DAYS = 30
FINAL_DAYS_MALICIOUS = 60
EU_AUTHORITY_HOURS = 72
AMBER_WITHIN = timedelta(hours=24)


def local_date(moment: datetime) -> date:
    """Return the calendar date of ``moment`` in its own offset."""
    if moment.tzinfo is None:
        raise ValueError("a deadline needs a timezone-aware moment")
    return moment.date()


def jp_preliminary_due(aware_at: datetime) -> date:
    """Return the 速報 due date: the aware date + 5 days (the later end of the guideline's 3–5 days)."""
    return local_date(aware_at) + timedelta(days=PRELIMINARY_DAYS)


def jp_preliminary_window(aware_at: datetime) -> tuple[date, date]:
    """Return the guideline's window for the 速報: the aware date + 3 to + 5 days."""
    start, end = PRELIMINARY_GUIDELINE_DAYS
    aware = local_date(aware_at)
    return aware + timedelta(days=start), aware + timedelta(days=end)


def jp_final_due(aware_at: datetime, *, malicious: bool) -> date:
    """Return the 確報 due date: 30 days (60 for Rule 7(3)) after the aware date; the first day is not counted."""
    days = FINAL_DAYS_MALICIOUS if malicious else FINAL_DAYS
    return local_date(aware_at) + timedelta(days=days)


@cache
def _jp_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("JP", years=year)


def ppc_closed(day: date) -> bool:
    """Return whether the PPC is closed on ``day``: weekend, national holiday or 12/29–1/3."""
    if day.weekday() >= 5 or day in _jp_holidays(day.year):
        return True
    return (day.month, day.day) >= (12, 29) or (day.month, day.day) <= (1, 3)


def ppc_next_open_day(day: date) -> date:
    """Return ``day``, or the next day the PPC is open (guidance only: we keep the earlier date as the deadline)."""
    while ppc_closed(day):
        day += timedelta(days=1)
    return day


def eu_authority_due(aware_at: datetime) -> datetime:
    """Return aware_at + 72 hours of elapsed time, expressed in the offset of ``aware_at``."""
    if aware_at.tzinfo is None:
        raise ValueError("a deadline needs a timezone-aware moment")
    # Add in UTC, so a daylight-saving change inside the 72 hours does not move the instant.
    return (aware_at.astimezone(UTC) + timedelta(hours=EU_AUTHORITY_HOURS)).astimezone(aware_at.tzinfo)


def end_of_day(day: date, tz: tzinfo) -> datetime:
    """Return the last instant of ``day`` in ``tz``: a date deadline is met until then."""
    return datetime.combine(day, time.max, tzinfo=tz)


class ClockState(StrEnum):
    OK = "ok"
    AMBER = "amber"
    RED = "red"
    DONE = "done"


@dataclass(frozen=True)
class ClockReading:
    """Say where a deadline stands at ``now``."""

    due: datetime
    state: ClockState
    left: timedelta  # negative when overdue

    @property
    def left_text(self) -> str:
        """Return the time left (or overdue) as ``2d 03h 15m``."""
        total = int(abs(self.left).total_seconds()) // 60
        days, rest = divmod(total, 24 * 60)
        hours, minutes = divmod(rest, 60)
        text = f"{days}d {hours:02d}h {minutes:02d}m" if days else f"{hours}h {minutes:02d}m"
        return text if self.left >= timedelta(0) else f"-{text}"

    @property
    def left_words(self) -> str:
        """Return the time left (or overdue, without a sign) in the reader's language: 「2日 03時間15分」."""
        from django.utils.translation import gettext

        total = int(abs(self.left).total_seconds()) // 60
        days, rest = divmod(total, 24 * 60)
        hours, minutes = divmod(rest, 60)
        values = {"days": days, "hours": f"{hours:02d}", "minutes": f"{minutes:02d}"}
        if days:
            return gettext("%(days)s d %(hours)s h %(minutes)s min") % values
        return gettext("%(hours)s h %(minutes)s min") % values


def clock_read(*, due: datetime, now: datetime, submitted: bool = False) -> ClockReading:
    """Return the clock for ``due`` at ``now``: amber within 24 hours, red when overdue, done once submitted."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    left = due - now
    if submitted:
        state = ClockState.DONE
    elif left < timedelta(0):
        state = ClockState.RED
    elif left <= AMBER_WITHIN:
        state = ClockState.AMBER
    else:
        state = ClockState.OK
    return ClockReading(due=due, state=state, left=left)
