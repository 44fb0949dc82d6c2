"""Date math for offers: yearly windows, date ranges, fixed dates. Pure functions, no database.

A yearly window is given by month/day bounds (e.g. 1 July to 31 August, or 20 December to
6 January across the year end). Its occurrence in a year starts in that year; a window whose end
lies before its start ends in the following year. 29 February falls back to 28 February in years
without it, so a window never silently disappears.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

TIME_MODES = ("fixed", "range", "by_arrangement", "yearly")


@dataclass(frozen=True)
class Window:
    """A yearly recurring period by month and day, both bounds inclusive."""

    start_month: int
    start_day: int
    end_month: int
    end_day: int

    @property
    def crosses_year_end(self) -> bool:
        return (self.end_month, self.end_day) < (self.start_month, self.start_day)


@dataclass(frozen=True)
class Period:
    """A concrete period, both bounds inclusive."""

    start: date
    end: date

    def is_ongoing(self, today: date) -> bool:
        return self.start <= today <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def is_valid_month_day(month: int, day: int) -> bool:
    """Whether month/day exists in some year (29 February counts)."""
    if not 1 <= month <= 12:
        return False
    return 1 <= day <= calendar.monthrange(2000, month)[1]


def day_in_year(year: int, month: int, day: int) -> date:
    """The date ``day.month.year``; 29 February becomes 28 February in a common year."""
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(day, last))


def occurrence(window: Window, year: int) -> Period:
    """The occurrence of ``window`` that starts in ``year``."""
    start = day_in_year(year, window.start_month, window.start_day)
    end_year = year + 1 if window.crosses_year_end else year
    return Period(start, day_in_year(end_year, window.end_month, window.end_day))


def next_occurrence(window: Window, today: date) -> Period:
    """The occurrence running on ``today``, else the next one to come.

    A window across the year end that started last year (20 Dec–6 Jan seen on 2 January) is
    still running, so the previous year's occurrence is checked first.
    """
    for year in (today.year - 1, today.year, today.year + 1):
        period = occurrence(window, year)
        if period.end >= today:
            return period
    raise AssertionError("unreachable: next year's occurrence always ends after today")


def parse_iso_dates(values: Iterable[str]) -> list[date]:
    """ISO date strings (as stored in ``Offer.fixed_dates``) to sorted, unique dates."""
    return sorted({date.fromisoformat(v) for v in values if v})


def next_fixed_date(dates: Sequence[date], today: date) -> Period | None:
    """The first of ``dates`` on or after ``today`` as a one-day period, else ``None``."""
    upcoming = [d for d in dates if d >= today]
    if not upcoming:
        return None
    first = min(upcoming)
    return Period(first, first)


def next_range(start: date | None, end: date | None, today: date) -> Period | None:
    """The range itself while it has not ended, else ``None``."""
    if start is None or end is None or end < today:
        return None
    return Period(start, end)


def next_period(
    time_mode: str,
    today: date,
    *,
    start: date | None = None,
    end: date | None = None,
    fixed_dates: Sequence[date] = (),
    window: Window | None = None,
    valid_until: date | None = None,
) -> Period | None:
    """The next concrete period of an offer (running or to come), or ``None``.

    ``None`` for "nach Absprache", for dates that are all past, and for a period that would
    start after ``valid_until``.
    """
    if time_mode == "yearly" and window is not None:
        period = next_occurrence(window, today)
    elif time_mode == "range":
        period = next_range(start, end, today)
    elif time_mode == "fixed":
        period = next_fixed_date(fixed_dates, today)
    else:
        return None
    if period is not None and valid_until is not None and period.start > valid_until:
        return None
    return period


def last_date(
    time_mode: str, *, end: date | None = None, fixed_dates: Sequence[date] = ()
) -> date | None:
    """The last day of a one-off offer (range or fixed dates); ``None`` for the other modes."""
    if time_mode == "range":
        return end
    if time_mode == "fixed":
        return max(fixed_dates) if fixed_dates else None
    return None


def is_past(
    time_mode: str,
    today: date,
    *,
    end: date | None = None,
    fixed_dates: Sequence[date] = (),
) -> bool:
    """Whether a one-off offer lies entirely before ``today``.

    Yearly offers and offers "nach Absprache" never are: they have a next time by definition.
    """
    last = last_date(time_mode, end=end, fixed_dates=fixed_dates)
    return last is not None and last < today


def working_days(start: date, end: date) -> int:
    """Monday to Friday between ``start`` and ``end``, both inclusive (public holidays count)."""
    if end < start:
        return 0
    weeks, rest = divmod((end - start).days + 1, 7)
    count = weeks * 5
    for offset in range(rest):
        if (start + timedelta(days=weeks * 7 + offset)).weekday() < 5:
            count += 1
    return count


def window_from_period(start: date, end: date) -> Window | None:
    """The yearly window with the month/day bounds of a one-off period.

    ``None`` when the period is a year or longer: that cannot recur once a year.
    """
    if end < start or end >= day_in_year(start.year + 1, start.month, start.day):
        return None
    return Window(start.month, start.day, end.month, end.day)
