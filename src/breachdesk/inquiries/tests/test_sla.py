from __future__ import annotations

from datetime import datetime

from breachdesk.inquiries.sla import TOKYO, add_business_days, business_cutoff, business_hours_between


def test_two_business_days_skip_the_weekend() -> None:
    friday = datetime(2026, 3, 6, 17, 0, tzinfo=TOKYO)
    assert add_business_days(friday, 2) == datetime(2026, 3, 10, 17, 0, tzinfo=TOKYO)


def test_public_holidays_and_the_new_year_break_do_not_count() -> None:
    before_golden_week = datetime(2026, 4, 28, 10, 0, tzinfo=TOKYO)  # 4/29 is 昭和の日
    assert add_business_days(before_golden_week, 1) == datetime(2026, 4, 30, 10, 0, tzinfo=TOKYO)
    year_end = datetime(2026, 12, 28, 12, 0, tzinfo=TOKYO)
    assert add_business_days(year_end, 1) == datetime(2027, 1, 4, 12, 0, tzinfo=TOKYO)


def test_mail_at_night_counts_from_the_next_opening() -> None:
    night = datetime(2026, 3, 2, 23, 0, tzinfo=TOKYO)
    assert add_business_days(night, 1) == datetime(2026, 3, 3, 18, 0, tzinfo=TOKYO)


def test_cutoff_is_the_inverse_of_counting_business_hours() -> None:
    now = datetime(2026, 3, 10, 11, 0, tzinfo=TOKYO)
    for hours in (1, 9, 18, 45):
        assert abs(business_hours_between(business_cutoff(now, hours), now) - hours) < 1e-6
