"""The public event calendar under /jobs/termine: read-only, no login, no cookies.

Registered on the portal's blueprint (``views.portal.bp``), so the portal's caching, ETags,
security headers and GET/HEAD-only rule apply unchanged; ``views/portal.py`` imports this
module once at its end. Which events are public is decided in ``services/event_pages.py``.

The calendar's filters are plain GET parameters (``region``, ``art``): every state is a link
to share, and the form works without JavaScript. An unknown value is dropped with a note.
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from babel.dates import format_date as babel_format_date
from flask import Response, abort, redirect, render_template, request, url_for

from .. import i18n
from ..i18n import gettext as _
from ..services import event_ics as ics
from ..services import event_pages
from ..services.event_json_ld import event_json_ld
from ..services.structured_data import to_json
from . import access, context, request_input
from .portal import (
    PageMeta,
    bp,
    company_url,
    format_date,
    format_time,
    region_logo_url,
    route,
)

EVENT_ID = "<int(max=2147483647):event_id>"  # beyond a 32-bit id is a 404, not a database error
SLOT_ID = "<int(max=2147483647):slot_id>"
PARAMS = {"region": "region", "kind": "art"}
SLOT_FILTERS = {
    "field_key": event_pages.SLOT_PARAMS["field"],
    "day": event_pages.SLOT_PARAMS["day"],
    "city": event_pages.SLOT_PARAMS["city"],
    "free": event_pages.SLOT_PARAMS["free"],
}
"""``event_pages.slot_list``'s arguments and the GET parameters of the slot filters."""
BERLIN = ZoneInfo("Europe/Berlin")


# --- URLs ------------------------------------------------------------------------------------


def calendar_url(region: str | None = None, kind: str | None = None, **options) -> str:
    """The calendar, filtered: the one place that spells its URL."""
    args = {PARAMS["region"]: region, PARAMS["kind"]: kind}
    return url_for("kwis_job_portal.events", **{k: v for k, v in args.items() if v}, **options)


def event_url(event_id: int, slug: str, **options) -> str:
    return url_for("kwis_job_portal.event", event_id=event_id, slug=slug, **options)


def event_ics_url(event_id: int, slug: str, **options) -> str:
    return url_for("kwis_job_portal.event_ics", event_id=event_id, slug=slug, **options)


def slot_ics_url(event_id: int, slug: str, slot_id: int, **options) -> str:
    return url_for(
        "kwis_job_portal.slot_ics", event_id=event_id, slug=slug, slot_id=slot_id, **options
    )


def format_month(value: date) -> str:
    return babel_format_date(value, format="LLLL yyyy", locale=i18n.get_locale())


def format_days(start: date, end: date) -> str:
    if start == end:
        return format_date(start)
    return _("%(start)s bis %(end)s", start=format_date(start), end=format_date(end))


def format_moment(value: datetime) -> str:
    """A date, with the clock time unless it is midnight (a window that opens "on a day")."""
    if value.hour == value.minute == 0:
        return format_date(value.date())
    return _("%(date)s, %(time)s Uhr", date=format_date(value.date()), time=format_time(value))


@bp.context_processor
def _event_globals():
    return {
        "calendar_url": calendar_url,
        "event_url": event_url,
        "event_ics_url": event_ics_url,
        "slot_ics_url": slot_ics_url,
        "format_month": format_month,
        "format_days": format_days,
        "format_moment": format_moment,
        "kind_label": event_pages.kind_label,
    }


def _moved(url: str):
    """301 to the canonical URL, keeping the query string."""
    query = request.query_string.decode("latin-1")
    return redirect(f"{url}?{query}" if query else url, 301)


def _uid_domain() -> str:
    return urlsplit(request.host_url).hostname or "localhost"


def _calendar_file(body: bytes, filename: str) -> Response:
    response = Response(body, content_type=ics.MEDIA_TYPE)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- pages -----------------------------------------------------------------------------------


@route("/termine")
@access.public
def events():
    """The calendar: public events by start date, grouped by month, filtered by GET."""
    found = event_pages.calendar(
        context.db(), date.today(),
        region=request.args.get(PARAMS["region"]), kind=request.args.get(PARAMS["kind"]),
    )
    if found is None:
        abort(404)
    meta = PageMeta(
        title=_("Termine"),
        description=_("Messen, Tage der offenen Betriebe, Projektwochen und Infotage für "
                      "Schülerinnen, Schüler, Eltern und Lehrkräfte in der Region."),
        canonical_url=calendar_url(found.region, found.kind, _external=True),
    )
    found.notes[:0] = request_input.query_notes()
    return render_template(
        "kwis_job/portal/events.html", calendar=found, meta=meta, params=PARAMS
    )


def _public_page(event_id: int) -> event_pages.EventPage:
    """The event's page, or the answer that it has none: 404, or 410 once it is over."""
    session = context.db()
    found = event_pages.public_event(session, event_id)
    if found is None:
        abort(404)
    today = date.today()
    if event_pages.is_over(found, today):
        abort(410)
    return event_pages.event_page(session, found, today)


@route(f"/termine/{EVENT_ID}-<slug>")
@access.public
def event(event_id: int, slug: str):
    """An event's page: dates, place, description, the companies and their visit slots."""
    page = _public_page(event_id)
    if slug != page.slug:
        return _moved(event_url(page.event_id, page.slug))
    url = event_url(page.event_id, page.slug, _external=True)
    data = event_json_ld(
        page, url=url, company_url=lambda s: company_url(s, _external=True),
        slot_url=lambda slot_id: url_for(
            "kwis_job_registration.form", slot_id=slot_id, _external=True
        ),
        organizer_url=url_for("kwis_job_legal.imprint", slug=page.region_slug, _external=True)
        if page.region_slug else None,
        image_url=region_logo_url(page.region_slug),
        registration_state=page.registration_state(_now_berlin()),
    )
    meta = PageMeta(
        title=page.title,
        description=page.summary or _("%(kind)s: %(title)s, %(days)s", kind=page.kind_label,
                                      title=page.title,
                                      days=format_days(page.starts_on, page.ends_on)),
        canonical_url=url,
        json_ld=to_json(data),
    )
    slots = event_pages.slot_list(
        context.db(), page, **{key: request.args.get(name)
                               for key, name in SLOT_FILTERS.items()},
    )
    slots.notes[:0] = request_input.query_notes()
    return render_template(
        "kwis_job/portal/event.html", page=page, meta=meta, slots=slots,
        slot_params=event_pages.SLOT_PARAMS, now_berlin=_now_berlin(),
    )


def _now_berlin() -> datetime:
    """Slot times and registration windows are wall-clock times in Europe/Berlin."""
    return datetime.now(BERLIN).replace(tzinfo=None)


@route(f"/termine/{EVENT_ID}")
@access.public
def event_by_id(event_id: int):
    """An event's id alone moves (301) to its page."""
    page = _public_page(event_id)
    return _moved(event_url(page.event_id, page.slug))


@route(f"/termine/{EVENT_ID}-<slug>.ics")
@access.public
def event_ics(event_id: int, slug: str):
    """The event for a calendar app (all day, see ``services/event_ics.py``)."""
    page = _public_page(event_id)
    if slug != page.slug:
        return _moved(event_ics_url(page.event_id, page.slug))
    body = ics.event_calendar(
        page, url=event_url(page.event_id, page.slug, _external=True), domain=_uid_domain()
    )
    return _calendar_file(body, f"{page.slug}.ics")


@route(f"/termine/{EVENT_ID}-<slug>/besuch-{SLOT_ID}.ics")
@access.public
def slot_ics(event_id: int, slug: str, slot_id: int):
    """One visit slot for a calendar app, in Europe/Berlin time; only a slot the page shows."""
    page = _public_page(event_id)
    found = page.slot(slot_id)
    if found is None:
        abort(404)
    if slug != page.slug:
        return _moved(slot_ics_url(page.event_id, page.slug, slot_id))
    participant, slot = found
    body = ics.slot_calendar(
        page, participant, slot,
        url=event_url(page.event_id, page.slug, _external=True), domain=_uid_domain(),
    )
    return _calendar_file(body, f"{page.slug}-besuch-{slot_id}.ics")


# --- sitemap ---------------------------------------------------------------------------------


def sitemap_urls(session, today: date) -> list[tuple[str, date | None]]:
    """Every public event page and, while there is one, the calendar (an empty calendar is
    no page worth indexing), for ``views.portal.sitemap``."""
    entries = event_pages.sitemap_entries(session, today)
    if not entries:
        return []
    newest = max((e.lastmod for e in entries if e.lastmod), default=None)
    return [
        (calendar_url(_external=True), newest),
        *((event_url(e.event_id, e.slug, _external=True), e.lastmod) for e in entries),
    ]
