"""The view side of the page-view counter (``services/page_views.py``): which answers count.

A portal view that shows a company or an offer calls ``count_company(profile_id)`` or
``count_offer(offer_id)`` once it has the page.
Whether that request is a view is decided from the request (GET, not a prefetch, not a bot:
``page_views.is_countable``) and, once the answer is complete, from its status: only a 200
counts. The status is read when the server closes the response, after the portal's own
``after_request`` made a conditional GET a 304 (a revisit served from the browser's cache is
no new view). Counting and any flush it triggers run then, after the page has been sent, in the
process's buffer (one per app: ``recorder``), never in the request's transaction.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date

from flask import Flask, Response, after_this_request, current_app, request
from sqlalchemy.engine import Engine

from ..models import EmployerProfile, Offer, Region
from ..services import page_views
from . import context

EXTENSION_KEY = "kwis_job_page_views"
_CREATE_LOCK = threading.Lock()


@dataclass
class Recorder:
    """One app's buffer and the engine it is flushed into."""

    buffer: page_views.ViewBuffer
    engine: Engine

    def add(self, key: page_views.Key) -> None:
        if self.buffer.add(key):
            page_views.flush(self.buffer, self.engine)

    def flush(self) -> int:
        return page_views.flush(self.buffer, self.engine)


def recorder(app: Flask | None = None) -> Recorder:
    """The app's recorder, made on first use (the settings ``KWIS_JOB_PAGE_VIEWS_FLUSH_SECONDS``
    and ``KWIS_JOB_PAGE_VIEWS_FLUSH_ENTRIES``), flushed at process exit."""
    app = app or current_app._get_current_object()
    found = app.extensions.get(EXTENSION_KEY)
    if found is None:
        with _CREATE_LOCK:
            found = app.extensions.get(EXTENSION_KEY)
            if found is None:
                found = Recorder(
                    page_views.ViewBuffer(
                        max_age=float(app.config.get("KWIS_JOB_PAGE_VIEWS_FLUSH_SECONDS",
                                                     page_views.MAX_AGE_SECONDS)),
                        max_entries=int(app.config.get("KWIS_JOB_PAGE_VIEWS_FLUSH_ENTRIES",
                                                       page_views.MAX_ENTRIES)),
                    ),
                    app.extensions[context.EXTENSION_KEY].host.engine,
                )
                page_views.flush_at_exit(found.buffer, found.engine)
                app.extensions[EXTENSION_KEY] = found
    return found


def count(kind: str, object_id: int) -> None:
    """Count this request as a view of the company (``profile``) or offer page ``object_id``
    if it turns out to be one (see the module docstring)."""
    count_key(lambda: page_views.Key.of_page(date.today(), kind, object_id,
                                             _scope(kind, object_id)))


def count_key(make_key) -> None:
    """Count this request under the counter ``make_key()`` makes (asked after the view ran),
    if it turns out to be a view: the rule of ``count`` for other counters (a school's
    visits, ``services/reach/schools``)."""
    if not page_views.is_countable(request.method, request.headers):
        return

    @after_this_request
    def _when_sent(response: Response) -> Response:
        key = make_key()
        target = recorder()

        def _closed() -> None:
            if response.status_code == 200:
                target.add(key)

        response.call_on_close(_closed)
        return response


def count_offer(offer_id: int) -> None:
    count(page_views.OFFER, offer_id)


def count_company(profile_id: int) -> None:
    count(page_views.PROFILE, profile_id)


def _scope(kind: str, object_id: int) -> str:
    """The page's region slug (the page's rows are in the session's identity map already)."""
    session = context.db()
    if kind == page_views.OFFER:
        offer = session.get(Offer, object_id)
        profile = offer.profile if offer is not None else None
    else:
        profile = session.get(EmployerProfile, object_id)
    region = session.get(Region, profile.region_id) if profile and profile.region_id else None
    return region.slug if region is not None else ""
