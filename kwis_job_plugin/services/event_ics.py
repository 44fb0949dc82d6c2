"""iCalendar files (RFC 5545) of a public event and of one of its visit slots.

The event has dates only, so it is an all-day entry (``DTSTART``/``DTEND`` as DATE values,
``DTEND`` the day after the last day, as the RFC wants) and marked free time, so a week of open
companies does not block a calendar. A visit slot has clock times: they are written with
``TZID=Europe/Berlin`` and the matching VTIMEZONE, so a calendar set to another zone, or a slot
after a change to summer time, still shows the hour the company means.

UIDs are made from the ids and the portal's host name, so a second download updates the entry
instead of adding another. ``DTSTAMP`` is the last change, not the time of the download: the
same file comes out until the event changes, and conditional GET works on it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import icalendar

from ..i18n import gettext as _
from .event_pages import kind_label

if TYPE_CHECKING:
    from .event_pages import EventPage, Participant, SlotView

BERLIN = ZoneInfo("Europe/Berlin")
PRODID = "-//KWIS.job//Termine//DE"
MEDIA_TYPE = "text/calendar; charset=utf-8"


def event_uid(event_id: int, domain: str) -> str:
    return f"kwis-job-event-{event_id}@{domain}"


def slot_uid(slot_id: int, domain: str) -> str:
    return f"kwis-job-slot-{slot_id}@{domain}"


def _calendar() -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    return cal


def _utc(stamp: datetime) -> datetime:
    """Stored stamps are naive UTC (``models.base.utcnow``)."""
    return stamp.replace(tzinfo=UTC) if stamp.tzinfo is None else stamp.astimezone(UTC)


def _location(page: EventPage) -> str:
    return ", ".join(part for part in (page.venue, page.address.line) if part)


def _common(entry: icalendar.Event, page: EventPage, url: str) -> None:
    changed = _utc(page.changed_at)
    entry.add("dtstamp", changed)
    entry.add("last-modified", changed)
    entry.add("url", url)


def event_calendar(page: EventPage, *, url: str, domain: str) -> bytes:
    """The event as one all-day entry."""
    cal = _calendar()
    entry = icalendar.Event()
    entry.add("uid", event_uid(page.event_id, domain))
    entry.add("summary", page.title)
    entry.add("dtstart", page.starts_on)
    entry.add("dtend", page.ends_on + timedelta(days=1))
    entry.add("transp", "TRANSPARENT")
    entry.add("status", "CONFIRMED")
    entry.add("categories", [kind_label(page.kind)])
    if location := _location(page):
        entry.add("location", location)
    if page.address.lat is not None and page.address.lon is not None:
        entry.add("geo", (page.address.lat, page.address.lon))
    entry.add("description", "\n\n".join(part for part in (page.summary, url) if part))
    _common(entry, page, url)
    cal.add_component(entry)
    return cal.to_ical()


def slot_calendar(
    page: EventPage, participant: Participant, slot: SlotView, *, url: str, domain: str
) -> bytes:
    """One visit slot with its clock times in Europe/Berlin."""
    cal = _calendar()
    entry = icalendar.Event()
    entry.add("uid", slot_uid(slot.slot_id, domain))
    entry.add("summary", f"{slot.title} – {participant.name}")
    entry.add("dtstart", slot.starts_at.replace(tzinfo=BERLIN))
    entry.add("dtend", slot.ends_at.replace(tzinfo=BERLIN))
    entry.add("status", "CONFIRMED")
    location = ", ".join(part for part in (slot.place, participant.name) if part)
    entry.add("location", location or _location(page))
    entry.add("description", "\n\n".join((
        _("Besuchstermin bei %(name)s im Rahmen von „%(event)s“.", name=participant.name,
          event=page.title),
        _("Vormerken ist keine Anmeldung."),
        url,
    )))
    entry.add("related-to", event_uid(page.event_id, domain))
    _common(entry, page, url)
    cal.add_component(entry)
    year = slot.starts_at.year
    cal.add_missing_timezones(date(year - 1, 1, 1), date(year + 2, 1, 1))
    return cal.to_ical()
