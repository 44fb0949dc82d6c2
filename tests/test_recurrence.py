"""Recurrence math: yearly windows across year ends and leap years, ranges, fixed dates, "past"."""

from __future__ import annotations

from datetime import date

import pytest

from kwis_job_plugin.services import recurrence
from kwis_job_plugin.services.recurrence import Period, Window

D = date
SUMMER = Window(7, 1, 8, 31)
CHRISTMAS = Window(12, 20, 1, 6)
LEAP_DAY = Window(2, 29, 3, 3)
UNTIL_LEAP_DAY = Window(2, 20, 2, 29)
NEW_YEARS_EVE = Window(12, 31, 12, 31)
WHOLE_YEAR_FROM_JULY = Window(7, 1, 6, 30)


@pytest.mark.parametrize(
    ("window", "today", "expected"),
    [
        # a summer window: before, on the first day, during, on the last day, after
        (SUMMER, D(2026, 3, 15), Period(D(2026, 7, 1), D(2026, 8, 31))),
        (SUMMER, D(2026, 7, 1), Period(D(2026, 7, 1), D(2026, 8, 31))),
        (SUMMER, D(2026, 8, 10), Period(D(2026, 7, 1), D(2026, 8, 31))),
        (SUMMER, D(2026, 8, 31), Period(D(2026, 7, 1), D(2026, 8, 31))),
        (SUMMER, D(2026, 9, 1), Period(D(2027, 7, 1), D(2027, 8, 31))),
        (SUMMER, D(2026, 12, 31), Period(D(2027, 7, 1), D(2027, 8, 31))),
        # across the year end: 20 Dec to 6 Jan
        (CHRISTMAS, D(2026, 11, 30), Period(D(2026, 12, 20), D(2027, 1, 6))),
        (CHRISTMAS, D(2026, 12, 20), Period(D(2026, 12, 20), D(2027, 1, 6))),
        (CHRISTMAS, D(2026, 12, 31), Period(D(2026, 12, 20), D(2027, 1, 6))),
        (CHRISTMAS, D(2027, 1, 1), Period(D(2026, 12, 20), D(2027, 1, 6))),
        (CHRISTMAS, D(2027, 1, 6), Period(D(2026, 12, 20), D(2027, 1, 6))),
        (CHRISTMAS, D(2027, 1, 7), Period(D(2027, 12, 20), D(2028, 1, 6))),
        (CHRISTMAS, D(2027, 6, 1), Period(D(2027, 12, 20), D(2028, 1, 6))),
        # a window starting on 29 February: 28 February in common years
        (LEAP_DAY, D(2027, 1, 10), Period(D(2027, 2, 28), D(2027, 3, 3))),
        (LEAP_DAY, D(2027, 3, 4), Period(D(2028, 2, 29), D(2028, 3, 3))),
        (LEAP_DAY, D(2028, 2, 29), Period(D(2028, 2, 29), D(2028, 3, 3))),
        (LEAP_DAY, D(2028, 3, 4), Period(D(2029, 2, 28), D(2029, 3, 3))),
        # a window ending on 29 February
        (UNTIL_LEAP_DAY, D(2026, 2, 28), Period(D(2026, 2, 20), D(2026, 2, 28))),
        (UNTIL_LEAP_DAY, D(2026, 3, 1), Period(D(2027, 2, 20), D(2027, 2, 28))),
        (UNTIL_LEAP_DAY, D(2028, 2, 29), Period(D(2028, 2, 20), D(2028, 2, 29))),
        # one day a year, on the last day of the year
        (NEW_YEARS_EVE, D(2026, 12, 31), Period(D(2026, 12, 31), D(2026, 12, 31))),
        (NEW_YEARS_EVE, D(2027, 1, 1), Period(D(2027, 12, 31), D(2027, 12, 31))),
        # almost a whole year across the year end
        (WHOLE_YEAR_FROM_JULY, D(2026, 6, 30), Period(D(2025, 7, 1), D(2026, 6, 30))),
        (WHOLE_YEAR_FROM_JULY, D(2026, 7, 1), Period(D(2026, 7, 1), D(2027, 6, 30))),
    ],
)
def test_next_occurrence(window, today, expected):
    period = recurrence.next_occurrence(window, today)
    assert period == expected
    assert period.end >= today, "the next occurrence never lies in the past"


def test_ongoing_and_length_of_a_period():
    period = recurrence.next_occurrence(CHRISTMAS, D(2027, 1, 2))
    assert period.is_ongoing(D(2027, 1, 2))
    assert not period.is_ongoing(D(2027, 1, 7))
    assert period.days == 18


@pytest.mark.parametrize(
    ("month", "day", "valid"),
    [(2, 29, True), (2, 30, False), (4, 31, False), (12, 31, True), (13, 1, False),
     (0, 10, False), (1, 0, False)],
)
def test_valid_month_days(month, day, valid):
    assert recurrence.is_valid_month_day(month, day) is valid


@pytest.mark.parametrize(
    ("mode", "kwargs", "today", "expected"),
    [
        ("range", {"start": D(2026, 7, 1), "end": D(2026, 7, 31)}, D(2026, 6, 1),
         Period(D(2026, 7, 1), D(2026, 7, 31))),
        ("range", {"start": D(2026, 7, 1), "end": D(2026, 7, 31)}, D(2026, 7, 31),
         Period(D(2026, 7, 1), D(2026, 7, 31))),
        ("range", {"start": D(2026, 7, 1), "end": D(2026, 7, 31)}, D(2026, 8, 1), None),
        ("fixed", {"fixed_dates": [D(2026, 3, 12), D(2026, 3, 19)]}, D(2026, 3, 13),
         Period(D(2026, 3, 19), D(2026, 3, 19))),
        ("fixed", {"fixed_dates": [D(2026, 12, 30), D(2027, 1, 2)]}, D(2026, 12, 31),
         Period(D(2027, 1, 2), D(2027, 1, 2))),
        ("fixed", {"fixed_dates": [D(2026, 3, 12)]}, D(2026, 3, 13), None),
        ("by_arrangement", {}, D(2026, 3, 13), None),
        ("yearly", {"window": CHRISTMAS}, D(2027, 1, 3), Period(D(2026, 12, 20), D(2027, 1, 6))),
        # valid-until cuts off an occurrence that would start later
        ("yearly", {"window": SUMMER, "valid_until": D(2026, 12, 31)}, D(2026, 9, 1), None),
        ("yearly", {"window": SUMMER, "valid_until": D(2027, 7, 1)}, D(2026, 9, 1),
         Period(D(2027, 7, 1), D(2027, 8, 31))),
    ],
)
def test_next_period_per_time_mode(mode, kwargs, today, expected):
    assert recurrence.next_period(mode, today, **kwargs) == expected


@pytest.mark.parametrize(
    ("mode", "kwargs", "past"),
    [
        ("range", {"end": D(2026, 11, 20)}, True),
        ("range", {"end": D(2026, 11, 21)}, False),
        ("fixed", {"fixed_dates": [D(2026, 1, 1), D(2026, 11, 20)]}, True),
        ("fixed", {"fixed_dates": [D(2026, 1, 1), D(2026, 12, 24)]}, False),
        ("yearly", {}, False),
        ("by_arrangement", {}, False),
    ],
)
def test_is_past(mode, kwargs, past):
    assert recurrence.is_past(mode, D(2026, 11, 21), **kwargs) is past


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (D(2026, 7, 6), D(2026, 7, 10), 5),   # Monday to Friday
        (D(2026, 7, 4), D(2026, 7, 5), 0),    # a weekend
        (D(2026, 7, 6), D(2026, 7, 31), 20),  # four weeks
        (D(2026, 7, 6), D(2026, 8, 3), 21),   # four weeks and a Monday
        (D(2026, 7, 1), D(2026, 8, 31), 44),
        (D(2026, 12, 28), D(2027, 1, 8), 10),  # across the year end
        (D(2026, 7, 10), D(2026, 7, 6), 0),   # reversed
    ],
)
def test_working_days(start, end, days):
    assert recurrence.working_days(start, end) == days


@pytest.mark.parametrize(
    ("start", "end", "window"),
    [
        (D(2025, 7, 1), D(2025, 8, 31), Window(7, 1, 8, 31)),
        (D(2025, 12, 20), D(2026, 1, 6), Window(12, 20, 1, 6)),
        (D(2025, 7, 1), D(2026, 6, 30), Window(7, 1, 6, 30)),
        (D(2025, 7, 1), D(2026, 7, 1), None),  # a whole year cannot recur yearly
        (D(2025, 8, 1), D(2028, 7, 31), None),
    ],
)
def test_window_from_a_one_off_period(start, end, window):
    assert recurrence.window_from_period(start, end) == window


def test_a_window_is_read_back_from_its_own_occurrence():
    for window in (SUMMER, CHRISTMAS, NEW_YEARS_EVE, WHOLE_YEAR_FROM_JULY):
        period = recurrence.occurrence(window, 2026)
        assert recurrence.window_from_period(period.start, period.end) == window
