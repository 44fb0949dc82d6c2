"""The public portal under /jobs/: read-only, no login, no cookies, GET and HEAD only.

Every search state is a URL (``services/search_query.py`` ``PARAMS``), the search form is a
plain GET form, and nothing here needs JavaScript. Pages are public for 60 seconds and carry an
ETag, so a repeated request is answered with 304 Not Modified.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from importlib.resources import files

from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal
from flask import abort, render_template, request, send_from_directory, url_for

from .. import i18n
from ..i18n import gettext as _
from ..services import features
from ..services import search as search_service
from ..services.search import SearchResult
from ..services.search_query import (
    PARAMS,
    RADIUS_CHOICES,
    SearchQuery,
    Vocabulary,
    filter_labels,
    format_count,
    parse_query,
)
from . import access, context
from .templating import make_blueprint

bp = make_blueprint("kwis_job_portal", __name__)
PUBLIC_MAX_AGE = 60


def route(rule: str, **options):
    """A read-only route: GET (and so HEAD) only; no automatic OPTIONS, so others get 405."""
    return bp.route(rule, methods=["GET"], provide_automatic_options=False, **options)


@bp.after_request
def _public_cache(response):
    """Short public caching, an ETag for conditional GETs, and no cookie ever."""
    response.headers.setdefault("Cache-Control", f"public, max-age={PUBLIC_MAX_AGE}")
    response.vary.add("Accept-Language")
    if (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not response.direct_passthrough
        and response.get_etag() == (None, None)
    ):
        response.add_etag()
        response.make_conditional(request)
    return response


# --- URLs ------------------------------------------------------------------------------------


def offer_url(offer_id: int, slug: str) -> str:
    """The public page of an offer (the page itself comes with a later part of the portal)."""
    return f"{url_for('kwis_job_portal.index')}angebote/{offer_id}-{slug}"


def company_url(slug: str) -> str:
    """The public page of a company (the page itself comes with a later part of the portal)."""
    return f"{url_for('kwis_job_portal.index')}betriebe/{slug}"


def search_url(query: SearchQuery | None = None) -> str:
    return url_for("kwis_job_portal.search", **(query.args() if query else {}))


def format_date(value: date) -> str:
    return babel_format_date(value, format="medium", locale=i18n.get_locale())


def format_km(value: float) -> str:
    return format_decimal(round(value, 1), format="#,##0.0", locale=i18n.get_locale())


@bp.context_processor
def _portal_globals():
    return {
        "offer_url": offer_url,
        "company_url": company_url,
        "search_url": search_url,
        "format_date": format_date,
        "format_km": format_km,
        "format_count": format_count,
    }


# --- the search page -------------------------------------------------------------------------


@dataclass(frozen=True)
class Chip:
    """An active filter, shown as a link that removes it."""

    label: str
    url: str


def _chips(result: SearchResult, vocab: Vocabulary) -> list[Chip]:
    query = result.query
    labels = filter_labels()
    chips = []
    if query.text:
        chips.append(Chip(_("Suchtext: „%(text)s“", text=query.text),
                          search_url(query.without("text"))))
    for attr in ("types", "target_groups", "fields", "occupations", "benefits"):
        names = vocab.of(attr)
        for value in getattr(query, attr):
            chips.append(Chip(f"{labels[attr]}: {names.get(value, value)}",
                              search_url(query.without(attr, value))))
    if query.region:
        chips.append(Chip(f"{labels['region']}: {vocab.of('region').get(query.region)}",
                          search_url(query.without("region"))))
    if query.place:
        if result.place is not None:
            label = _("Umkreis %(km)s km um %(place)s", km=query.radius_km,
                      place=result.place.label)
        else:
            label = _("Ort: „%(place)s“", place=query.place)
        chips.append(Chip(label, search_url(query.without("place"))))
    if query.places_left:
        chips.append(Chip(_("Nur mit freien Plätzen"), search_url(query.without("places_left"))))
    return chips


def _pagination(result: SearchResult) -> list[int | None]:
    """Page numbers to link: first, last and the neighbours of the current page (None = gap)."""
    wanted = {1, result.pages, *range(result.page - 2, result.page + 3)}
    numbers = sorted(n for n in wanted if 1 <= n <= result.pages)
    shown: list[int | None] = []
    for number in numbers:
        if shown and number - shown[-1] > 1:
            shown.append(None)
        shown.append(number)
    return shown


def _facet_groups(result: SearchResult) -> list[dict]:
    """The checkbox groups in the order of the form; long lists start folded."""
    labels = filter_labels()
    groups = []
    for facet, attr, folded in (
        ("type", "types", False),
        ("target_group", "target_groups", False),
        ("field", "fields", True),
        ("occupation", "occupations", True),
        ("benefit", "benefits", True),
    ):
        options = [o for o in result.facets[facet] if o.count or o.selected]
        if options:
            groups.append({
                "id": f"kj-facet-{facet.replace('_', '-')}",
                "legend": labels[attr],
                "param": PARAMS[attr],
                "options": options,
                "folded": folded and not any(o.selected for o in options),
            })
    return groups


def _search_page(template: str):
    session = context.db()
    if not features.enabled_region_ids(session, "portal"):
        abort(404)
    vocab = Vocabulary.load(session)
    parsed = parse_query(session, request.args, vocab)
    result = search_service.search(session, parsed.query, date.today(), vocab)
    query = result.query
    radius_choices = sorted({*RADIUS_CHOICES, query.radius_km})
    return render_template(
        template,
        query=query,
        result=result,
        notes=[*parsed.notes, *result.notes],
        chips=_chips(result, vocab),
        clear_url=search_url(),
        facet_groups=_facet_groups(result),
        regions=list(result.facets["region"]) if len(vocab.regions) > 1 else [],
        radius_choices=radius_choices,
        pagination=_pagination(result),
        page_url=lambda page: search_url(query.with_page(page)),
        suggestion_url=lambda place: search_url(replace(query, place=place, page=1)),
    )


@route("/")
@access.public
def index():
    """The portal's front page: the search form and today's rotation of all offers."""
    return _search_page("kwis_job/portal/index.html")


@route("/suche")
@access.public
def search():
    return _search_page("kwis_job/portal/search.html")


@route("/_ping")
@access.public
def ping():
    """A bare endpoint: the yardstick the benchmarks measure the portal against."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


@route("/assets/<path:filename>")
@access.public
def asset(filename: str):
    return send_from_directory(str(files("kwis_job_plugin") / "static"), filename, max_age=3600)
