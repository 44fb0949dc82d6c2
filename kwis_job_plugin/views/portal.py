"""The public portal under /jobs/: read-only, no login, no cookies, GET and HEAD only."""

from __future__ import annotations

from datetime import date
from importlib.resources import files

from flask import abort, render_template, send_from_directory

from ..services import features, public
from . import access, context
from .templating import make_blueprint

bp = make_blueprint("kwis_job_portal", __name__)
PUBLIC_MAX_AGE = 60


def route(rule: str, **options):
    """A read-only route: GET (and so HEAD) only; no automatic OPTIONS, so others get 405."""
    return bp.route(rule, methods=["GET"], provide_automatic_options=False, **options)


@bp.after_request
def _public_cache(response):
    response.headers.setdefault("Cache-Control", f"public, max-age={PUBLIC_MAX_AGE}")
    return response


@route("/")
@access.public
def index():
    session = context.db()
    region_ids = features.enabled_region_ids(session, "portal")
    if not region_ids:
        abort(404)
    return render_template(
        "kwis_job/portal/index.html",
        profiles=public.published_profiles(session, region_ids, date.today()),
    )


@route("/_ping")
@access.public
def ping():
    """A bare endpoint: the yardstick the benchmarks measure the portal against."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


@route("/assets/<path:filename>")
@access.public
def asset(filename: str):
    return send_from_directory(str(files("kwis_job_plugin") / "static"), filename, max_age=3600)
