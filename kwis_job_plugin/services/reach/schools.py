"""Visits that came through a school's button, counted per school and day, nothing personal.

A school's button links to the portal with its code (``?schule=CODE``, chosen by the agency or
the school in the configurator). A visit is one ``DailyCounter`` row per day, region and code
(metric ``school_visit``, scope the region's slug, subject ``school:<CODE>``), written through
the page-view buffer (``services/page_views``): no cookie, no address, bots, prefetches and
HEAD not counted, exactly as a page view. The code names a school, never a person.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ...models import DailyCounter
from ..page_views import Key

PARAM = "schule"
METRIC = "school_visit"
PREFIX = "school:"
CODE = re.compile(r"[A-Z0-9][A-Z0-9-]{1,31}")
"""2 to 32 letters, digits and hyphens (e.g. a school number ``SN-10234`` or ``GYM-JENA-1``)."""


def normal_code(raw: str | None) -> str | None:
    """The code in canonical form (upper case, trimmed), or ``None`` if it is not one: a bad
    code is not counted and not echoed, the page is served as without it."""
    if not raw:
        return None
    code = raw.strip().upper()
    return code if CODE.fullmatch(code) else None


def key(day: date, region_slug: str, code: str) -> Key:
    return Key(day, METRIC, region_slug, PREFIX + code)


@dataclass(frozen=True)
class SchoolVisits:
    code: str
    visits: int


def visits(session: Session, region_slug: str, start: date, end: date) -> list[SchoolVisits]:
    """Visits per school code in a region from ``start`` to ``end`` (both included), most
    first."""
    rows = session.execute(
        select(DailyCounter.subject, func.sum(DailyCounter.value))
        .where(DailyCounter.metric == METRIC, DailyCounter.scope == region_slug,
               DailyCounter.day >= start, DailyCounter.day <= end)
        .group_by(DailyCounter.subject)
    ).all()
    found = [SchoolVisits(subject[len(PREFIX):], int(total or 0))
             for subject, total in rows if subject.startswith(PREFIX)]
    return sorted(found, key=lambda v: (-v.visits, v.code))
