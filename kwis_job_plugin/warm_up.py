"""Load a worker's search replica and settings before it takes requests (a gunicorn hook).

Without it the first search a new worker answers loads the replica while a visitor waits
(issue #12). ``post_worker_init`` runs in each worker after the app is loaded and before it
accepts connections; in the gunicorn configuration file::

    from kwis_job_plugin.warm_up import post_worker_init  # noqa: F401

From a snapshot (``services/search_snapshot.py``) this takes a fraction of a second even at
100,000 offers. When there was no usable snapshot, the worker that loaded from the documents
stores one, so the next worker starts from it; ``kwis-job search snapshot`` from cron keeps it
close to the present.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, url_for
from sqlalchemy.exc import SQLAlchemyError

from .services import search_settings, search_snapshot, search_sync, search_versions
from .views import context

log = logging.getLogger(__name__)


def warm(app: Flask, *, store_snapshot: bool = True) -> dict:
    """Bring this process's replica and settings up to date; returns what it did."""
    started = time.perf_counter()
    with app.app_context():
        session = context.db()
        versions = search_versions.read(session)
        snapshot = search_snapshot.seq(session)
        usable = snapshot is not None and search_sync.reaches(snapshot, versions.newest,
                                                              versions.oldest)
        with search_sync.current(session) as replica:
            found = {"seq": replica.version, "documents": len(replica.alive),
                     "from_snapshot": usable}
        search_settings.current(session)
        session.rollback()
        if store_snapshot and not usable:
            try:
                search_sync.write_snapshot(session)
                session.commit()
                found["stored_snapshot"] = True
            except SQLAlchemyError:  # another worker stored one at the same moment
                session.rollback()
                log.warning("search snapshot not stored", exc_info=True)
    # one search page through the app: the day's ranks and the compiled templates, which
    # would otherwise make the first visitor wait too (a public page: nothing is counted)
    with app.test_request_context():
        path = url_for("kwis_job_portal.search")
    found["first_page"] = app.test_client().get(path).status_code
    found["seconds"] = round(time.perf_counter() - started, 3)
    log.info("search replica ready: %s", found)
    return found


def post_worker_init(worker) -> None:
    """gunicorn's hook: ``worker.wsgi`` is the app (a Flask app or a middleware around one)."""
    app = worker.wsgi
    while not isinstance(app, Flask) and hasattr(app, "app"):  # e.g. werkzeug's ProxyFix
        app = app.app
    if not isinstance(app, Flask):
        log.warning("no Flask app in this worker, search replica not loaded in advance")
        return
    warm(app)
