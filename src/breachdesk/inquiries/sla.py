"""Count time in business hours: weekdays 9:00–18:00 in Tokyo, without Japanese public holidays or 12/29–1/3."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

TOKYO = ZoneInfo("Asia/Tokyo")
OPENS = time(9, 0)
CLOSES = time(18, 0)
DAY_HOURS = 9


@lru_cache(maxsize=8)
def _holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("JP", years=year)


def is_business_day(day: date) -> bool:
    """Return whether ``day`` is a working day: a weekday, not a public holiday, not the new-year break."""
    if day.weekday() >= 5 or day in _holidays(day.year):
        return False
    return not ((day.month == 12 and day.day >= 29) or (day.month == 1 and day.day <= 3))


def _next_open(moment: datetime) -> datetime:
    """Return ``moment`` if the desk is open then, else the next opening time."""
    local = moment.astimezone(TOKYO)
    day = local.date()
    if is_business_day(day) and local.time() < CLOSES:
        return max(local, datetime.combine(day, OPENS, tzinfo=TOKYO))
    day += timedelta(days=1)
    while not is_business_day(day):
        day += timedelta(days=1)
    return datetime.combine(day, OPENS, tzinfo=TOKYO)


def add_business_days(start: datetime, days: int) -> datetime:
    """Return the moment ``days`` full business days (of 9 hours) after ``start`` (counted from the next opening)."""
    remaining = timedelta(hours=DAY_HOURS * days)
    current = _next_open(start)
    while True:
        close = datetime.combine(current.date(), CLOSES, tzinfo=TOKYO)
        available = close - current
        if remaining <= available:
            return current + remaining
        remaining -= available
        current = _next_open(close)


def business_hours_between(start: datetime, end: datetime) -> float:
    """Return the business hours between two moments (0 when ``end`` is not after ``start``)."""
    if end <= start:
        return 0.0
    total = timedelta()
    current = _next_open(start)
    end_local = end.astimezone(TOKYO)
    while current < end_local:
        close = datetime.combine(current.date(), CLOSES, tzinfo=TOKYO)
        total += min(close, end_local) - current
        current = _next_open(close)
    return total.total_seconds() / 3600


AGE_BUCKETS: list[tuple[str, float]] = [("<1d", 9.0), ("1–2d", 18.0), ("2–5d", 45.0), (">5d", float("inf"))]


def age_bucket(hours: float) -> str:
    """Return the backlog bucket of an age in business hours."""
    for name, limit in AGE_BUCKETS:
        if hours < limit:
            return name
    return AGE_BUCKETS[-1][0]


def business_cutoff(end: datetime, hours: float) -> datetime:
    """Return the latest moment that lies ``hours`` business hours before ``end``."""
    remaining = timedelta(hours=hours)
    local = end.astimezone(TOKYO)
    day = local.date()
    cursor = local
    for _ in range(3660):
        if is_business_day(day):
            opens = datetime.combine(day, OPENS, tzinfo=TOKYO)
            closes = datetime.combine(day, CLOSES, tzinfo=TOKYO)
            top = min(cursor, closes)
            if top > opens:
                available = top - opens
                if remaining <= available:
                    return top - remaining
                remaining -= available
        day -= timedelta(days=1)
        cursor = datetime.combine(day, CLOSES, tzinfo=TOKYO)
    return cursor
