"""When an offer takes place, read alike from the working copy and from a published snapshot.

``Timing`` answers "when next?", "past?", "expired?" and "how many working days?" through
``services.recurrence``; ``time_text`` and ``next_text`` say it in German words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..i18n import gettext as _
from ..models import Offer
from . import recurrence
from .recurrence import Period, Window
from .snapshots import read_date


def window_of(offer: Offer) -> Window | None:
    """The yearly window of a yearly offer (``None`` for other modes or missing parts)."""
    parts = (offer.recur_start_month, offer.recur_start_day, offer.recur_end_month,
             offer.recur_end_day)
    if offer.time_mode != "yearly" or any(p is None for p in parts):
        return None
    return Window(*parts)


@dataclass(frozen=True)
class Timing:
    time_mode: str
    start: date | None
    end: date | None
    fixed_dates: list[date]
    window: Window | None
    valid_until: date | None

    @classmethod
    def of_offer(cls, offer: Offer) -> Timing:
        return cls(
            offer.time_mode, offer.start_date, offer.end_date,
            recurrence.parse_iso_dates(offer.fixed_dates or []), window_of(offer),
            offer.valid_until,
        )

    @classmethod
    def of_snapshot(cls, snapshot: dict[str, Any]) -> Timing:
        parts = snapshot.get("recurrence")
        return cls(
            snapshot.get("time_mode") or "by_arrangement",
            read_date(snapshot.get("start_date")),
            read_date(snapshot.get("end_date")),
            recurrence.parse_iso_dates(snapshot.get("fixed_dates") or []),
            Window(*parts) if parts and None not in parts else None,
            read_date(snapshot.get("valid_until")),
        )

    def next(self, today: date) -> Period | None:
        return recurrence.next_period(
            self.time_mode, today, start=self.start, end=self.end,
            fixed_dates=self.fixed_dates, window=self.window, valid_until=self.valid_until,
        )

    def is_past(self, today: date) -> bool:
        return recurrence.is_past(self.time_mode, today, end=self.end,
                                  fixed_dates=self.fixed_dates)

    def is_expired(self, today: date) -> bool:
        return self.valid_until is not None and self.valid_until < today

    def planned_working_days(self, today: date) -> int:
        """Working days of the entered period (the next occurrence for a yearly window)."""
        if self.time_mode == "range" and self.start and self.end:
            return recurrence.working_days(self.start, self.end)
        if self.time_mode == "fixed":
            return sum(1 for d in self.fixed_dates if d.weekday() < 5)
        if self.time_mode == "yearly" and self.window:
            period = recurrence.next_occurrence(self.window, today)
            return recurrence.working_days(period.start, period.end)
        return 0


def date_text(value: date) -> str:
    """A date as Germans write it: 01.07.2026."""
    return value.strftime("%d.%m.%Y")


def _md(month: int, day: int) -> str:
    return f"{day:02d}.{month:02d}."


def time_text(timing: Timing) -> str:
    """When, in words: "nach Absprache", a range, dates, or the yearly window."""
    if timing.time_mode == "yearly" and timing.window:
        w = timing.window
        return _(
            "jedes Jahr vom %(start)s bis %(end)s",
            start=_md(w.start_month, w.start_day), end=_md(w.end_month, w.end_day),
        )
    if timing.time_mode == "range" and timing.start and timing.end:
        return _("%(start)s bis %(end)s", start=date_text(timing.start), end=date_text(timing.end))
    if timing.time_mode == "fixed" and timing.fixed_dates:
        return ", ".join(date_text(d) for d in timing.fixed_dates)
    return _("nach Absprache")


def next_text(period: Period | None, today: date) -> str | None:
    if period is None:
        return None
    if period.is_ongoing(today):
        return _("Läuft gerade, bis %(end)s", end=date_text(period.end))
    if period.start == period.end:
        return _("Nächster Termin: %(date)s", date=date_text(period.start))
    return _("Nächster Termin: %(start)s bis %(end)s", start=date_text(period.start),
             end=date_text(period.end))
