"""The portal's accessibility pages: the statement (BITV 2.0 § 7) and Leichte Sprache (§ 4).

Read-only pages of their own blueprint under the public prefix, in the portal's look, cookie-free
and cached like portal pages (``portal._public_cache``). Each page exists per region
(``/jobs/regionen/<slug>/barrierefreiheit``) and once without a region
(``/jobs/barrierefreiheit``): that one shows the only region whose portal is on, or lets the
visitor choose when there are several. A region whose portal is off has no such pages (404),
by the same rule as the rest of the portal (``features.regions_with(session, "portal")``).

The statement's content is generated in ``services/accessibility_statement.py`` from the
region's legal data and feature switches; the feedback form it links to is the blueprint in
``views/accessibility_feedback.py`` (a public write, so not here: this blueprint stays GET/HEAD).

Others link here with ``statement_url(region_slug)`` and ``easy_language_url(region_slug)``
(the footer of every portal page).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort, render_template, url_for

from .. import i18n
from ..models import RegionLegal
from ..services import accessibility_statement, features, public_pages
from . import access, context, theme
from .portal import _public_cache, format_date
from .templating import make_blueprint, read_only_routes

bp = make_blueprint("kwis_job_accessibility", __name__)
bp.after_request(_public_cache)
TEMPLATES = "kwis_job/portal/accessibility/"
SLUG = "<string(maxlength=60):slug>"
"""A region's slug (``Region.slug`` is at most 60 characters; longer is a 404 at routing)."""


def route(*rules: str, endpoint: str):
    return read_only_routes(bp, *rules, endpoint=endpoint)


# --- URLs --------------------------------------------------------------------------------------


def statement_url(region_slug: str | None = None, **options) -> str:
    """The accessibility statement of a region (or the portal-wide address without one)."""
    return url_for("kwis_job_accessibility.statement", slug=region_slug, **options)


def easy_language_url(region_slug: str | None = None, **options) -> str:
    """The Leichte Sprache page of a region (or the portal-wide address without one)."""
    return url_for("kwis_job_accessibility.easy_language", slug=region_slug, **options)


def feedback_url(region_slug: str | None = None, **options) -> str:
    """The feedback form for barriers (``views/accessibility_feedback.py``)."""
    return url_for("kwis_job_accessibility_feedback.form", slug=region_slug, **options)


# --- the region of a page ----------------------------------------------------------------------


@dataclass(frozen=True)
class PortalRegion:
    """A region whose portal is on: what these pages need to name and link it."""

    id: int
    slug: str
    name: str


def portal_regions() -> list[PortalRegion]:
    """The regions whose portal is on, by name (one query)."""
    return [PortalRegion(row.id, row.slug, row.name)
            for row in features.regions_with(context.db(), "portal")]


def region_of_page(slug: str | None) -> PortalRegion | list[PortalRegion]:
    """The region a page is about, or the list to choose from.

    With a slug: that region, if its portal is on (else 404, like any portal page of a region
    whose portal is off). Without: the only region whose portal is on; several: the list;
    none: 404 (there is no portal)."""
    shown = portal_regions()
    if slug is not None:
        for region in shown:
            if region.slug == slug:
                return region
        abort(404)
    if not shown:
        abort(404)
    return shown[0] if len(shown) == 1 else shown


def _calendar_link() -> str | None:
    return url_for("kwis_job_portal.events") if public_pages.event_region_ids(
        context.db()) else None


def portal_frame_globals() -> dict:
    """What ``portal/base.html`` asks of a page outside the portal blueprint (its look, the
    header's calendar link); shared with the feedback blueprint."""
    return {
        "kern_installed": theme.kern_installed(),
        "kern_portal_css": theme.kern_portal_css(),
        "portal_theme": theme.portal_theme,
        "calendar_link": _calendar_link,
        "format_date": format_date,
        "statement_url": statement_url,
        "easy_language_url": easy_language_url,
        "feedback_url": feedback_url,
    }


bp.context_processor(portal_frame_globals)


def _choose(regions: list[PortalRegion], endpoint: str, title: str):
    return render_template(TEMPLATES + "choose_region.html", regions=regions,
                           endpoint=endpoint, title=title)


# --- pages -------------------------------------------------------------------------------------


@route("/barrierefreiheit", "/regionen/" + SLUG + "/barrierefreiheit", endpoint="statement")
@access.public
def statement(slug: str | None = None):
    """The accessibility statement of a region, generated from its data and switches."""
    found = region_of_page(slug)
    if isinstance(found, list):
        return _choose(found, "kwis_job_accessibility.statement",
                       i18n.gettext("Erklärung zur Barrierefreiheit"))
    session = context.db()
    text = accessibility_statement.build(session, found.id, today=date.today())
    return render_template(
        TEMPLATES + "statement.html", region=found, statement=text,
        standard=accessibility_statement.STANDARD,
        theme=theme.portal_theme(region=found.slug),
        feedback_href=feedback_url(found.slug),
        easy_language_href=easy_language_url(found.slug),
    )


@route("/leichte-sprache", "/regionen/" + SLUG + "/leichte-sprache", endpoint="easy_language")
@access.public
def easy_language(slug: str | None = None):
    """What the portal offers and how to use it, in Leichte Sprache (German) or plain English,
    and the region's video in German Sign Language if it has one (BITV 2.0 § 4)."""
    found = region_of_page(slug)
    if isinstance(found, list):
        return _choose(found, "kwis_job_accessibility.easy_language",
                       i18n.gettext("Leichte Sprache"))
    session = context.db()
    legal = session.get(RegionLegal, found.id)
    locale = i18n.get_locale()
    return render_template(
        f"{TEMPLATES}easy_language_{locale}.html", region=found,
        theme=theme.portal_theme(region=found.slug),
        sign_language_url=accessibility_statement.web_link(
            legal.sign_language_video_url if legal else None),
        events_on=features.is_enabled(session, "events", found.id),
        feedback_href=feedback_url(found.slug),
        statement_href=statement_url(found.slug),
    )


# --- URLs for the command line -------------------------------------------------------------------


def offline_url_builder(base_url: str, public_prefix: str):
    """``build(endpoint, **values)`` for ``kwis-job accessibility check``: absolute URLs of the
    portal's pages under ``base_url``, built from the blueprints' own URL rules on a small app
    of their own (no host app needed); ``None`` for an endpoint this installation lacks."""
    from flask import Flask
    from werkzeug.routing import BuildError

    from . import accessibility_feedback, portal

    app = Flask("kwis_job_accessibility_links")
    blueprints = [portal.bp, bp, accessibility_feedback.bp]
    try:
        from . import legal_pages
    except ImportError:  # an installation without the legal pages
        legal_pages = None
    if legal_pages is not None:
        blueprints.append(legal_pages.bp)
    for blueprint in blueprints:
        app.register_blueprint(blueprint, url_prefix=public_prefix)

    def build(endpoint: str, **values) -> str | None:
        with app.test_request_context("/", base_url=base_url):
            try:
                return url_for(endpoint, _external=True, **values)
            except BuildError:
                return None

    return build
