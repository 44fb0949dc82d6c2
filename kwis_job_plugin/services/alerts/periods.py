"""Which digest period a moment falls in, per frequency.

A subscriber gets at most one digest per period, and none in the period they confirmed in (the
first digest comes with the next period, reporting everything since the confirmation)."""

from __future__ import annotations

from datetime import datetime

FREQUENCIES = ("monthly", "quarterly", "halfyearly", "yearly")


def period_of(frequency: str, when: datetime) -> str:
    """``2027-03`` (monthly), ``2027-Q1``, ``2027-H1``, ``2027`` (yearly)."""
    if frequency == "monthly":
        return f"{when.year}-{when.month:02d}"
    if frequency == "quarterly":
        return f"{when.year}-Q{(when.month - 1) // 3 + 1}"
    if frequency == "halfyearly":
        return f"{when.year}-H{1 if when.month <= 6 else 2}"
    if frequency == "yearly":
        return str(when.year)
    raise ValueError(f"unknown frequency {frequency!r}")


def is_due(frequency: str, last: datetime, now: datetime) -> bool:
    """Whether ``now`` is in a later period than ``last`` (the last digest or the
    confirmation)."""
    return period_of(frequency, now) != period_of(frequency, last) and now > last
