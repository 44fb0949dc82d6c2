"""The public portal under /jobs/: read-only, no login, no cookies, GET and HEAD only.

Every search state is a URL (``services/search_query.py`` ``PARAMS``), the search form is a
plain GET form, and nothing here needs JavaScript. Pages are public for 60 seconds and carry an
ETag, so a repeated request is answered with 304 Not Modified.

The company page (``/jobs/betriebe/<slug>``) and the offer page
(``/jobs/angebote/<id>-<slug>``) show the published versions through the same partials as the
self-service previews; whether they exist is decided in ``services/public_pages.py``, their
JSON-LD is built in ``services/structured_data.py``. ``/jobs/sitemap.xml`` lists exactly the
pages that exist.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from importlib.resources import files
from urllib.parse import parse_qsl
from xml.sax.saxutils import escape as xml_escape

from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.numbers import format_decimal
from flask import (
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from werkzeug.datastructures import MultiDict

from .. import i18n
from ..i18n import gettext as _
from ..services import features, geocoder, public_pages, structured_data
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
OFFER_ID = "<int(max=2147483647):offer_id>"  # beyond a 32-bit id is a 404, not a database error
BACK_PARAM = "zurueck"
"""An offer or company page opened from a search may carry that search's query string here;
the page's link back to the search then keeps the filters (re-built from the parsed query)."""
OG_LOCALES = {"de": "de_DE", "en": "en_GB"}
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


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


def offer_url(offer_id: int, slug: str, **options) -> str:
    """The public page of an offer: the one place that spells its URL."""
    return url_for("kwis_job_portal.offer", offer_id=offer_id, slug=slug or "angebot", **options)


def company_url(slug: str, **options) -> str:
    """The public page of a company: the one place that spells its URL."""
    return url_for("kwis_job_portal.company", slug=slug, **options)


def search_url(query: SearchQuery | None = None) -> str:
    return url_for("kwis_job_portal.search", **(query.args() if query else {}))


def format_date(value: date) -> str:
    return babel_format_date(value, format="medium", locale=i18n.get_locale())


def format_time(value: datetime) -> str:
    return babel_format_time(value, format="short", locale=i18n.get_locale())


def format_km(value: float) -> str:
    return format_decimal(round(value, 1), format="#,##0.0", locale=i18n.get_locale())


@bp.context_processor
def _portal_globals():
    return {
        "offer_url": offer_url,
        "company_url": company_url,
        "search_url": search_url,
        "format_date": format_date,
        "format_time": format_time,
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
    result = search_service.search(
        session, parsed.query, date.today(), vocab, geocoder.settings_from(current_app.config)
    )
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


# --- company and offer pages ------------------------------------------------------------------


@dataclass(frozen=True)
class PageMeta:
    """What ``base.html`` puts in the ``<head>`` of a page: canonical URL, Open Graph, JSON-LD."""

    title: str
    description: str
    canonical_url: str
    og_type: str = "website"
    image_url: str | None = None
    json_ld: str | None = None

    @property
    def og_locale(self) -> str:
        return OG_LOCALES.get(i18n.get_locale(), OG_LOCALES[i18n.DEFAULT_LOCALE])

    @property
    def og_alternate_locales(self) -> list[str]:
        return [value for value in OG_LOCALES.values() if value != self.og_locale]


def _media_url(media_id: int) -> str:
    return url_for("kwis_job_media.show", media_id=media_id)


def _back_url(session) -> str:
    """The search to go back to: the one in ``?zurueck=`` (parsed, never echoed), else all."""
    raw = request.args.get(BACK_PARAM, "")[:2000]
    if not raw:
        return search_url()
    return search_url(parse_query(session, MultiDict(parse_qsl(raw))).query)


def _moved(url: str):
    """301 to the canonical URL, keeping the query string (the way back to a search)."""
    query = request.query_string.decode("latin-1")
    return redirect(f"{url}?{query}" if query else url, 301)


@route("/betriebe/<slug>")
@access.public
def company(slug: str):
    """A company's page: its published profile, current offers, upcoming events, contact."""
    session = context.db()
    page = public_pages.company_page(session, slug, date.today(), media_url=_media_url)
    if page is None:
        abort(404)
    url = company_url(page.slug, _external=True)
    logo_url = (url_for("kwis_job_media.show", media_id=page.logo_media_id, _external=True)
                if page.logo_media_id else None)
    meta = PageMeta(
        title=page.name,
        description=page.summary or _("Arbeitgeberprofil von %(name)s", name=page.name),
        canonical_url=url,
        image_url=logo_url,
        json_ld=structured_data.to_json(
            structured_data.organization(page, url=url, logo_url=logo_url)
        ),
    )
    return render_template(
        "kwis_job/portal/company.html", page=page, meta=meta, back_url=_back_url(session)
    )


@route(f"/angebote/{OFFER_ID}-<slug>")
@access.public
def offer(offer_id: int, slug: str):
    """An offer's page: all details, the next date, how to apply. An old slug moves (301)."""
    session = context.db()
    page = public_pages.offer_page(session, offer_id, date.today())
    if page is None:
        abort(404)
    if slug != page.slug:
        return _moved(offer_url(page.offer_id, page.slug))
    url = offer_url(page.offer_id, page.slug, _external=True)
    data = structured_data.for_offer(
        page, url=url, company_url=company_url(page.company_slug, _external=True)
    )
    meta = PageMeta(
        title=f"{page.title} – {page.company_name}",
        description=page.summary or page.title,
        canonical_url=url,
        json_ld=structured_data.to_json(data) if data else None,
    )
    return render_template(
        "kwis_job/portal/offer.html", page=page, meta=meta, back_url=_back_url(session)
    )


@route(f"/angebote/{OFFER_ID}")
@access.public
def offer_by_id(offer_id: int):
    """An offer's id alone moves (301) to its page."""
    doc = public_pages.current_doc(context.db(), offer_id, date.today())
    if doc is None:
        abort(404)
    return _moved(offer_url(doc.offer_id, doc.offer_slug))


@route("/sitemap.xml")
@access.public
def sitemap():
    """The front page, the search and every public company and offer page (sitemaps.org)."""
    session = context.db()
    if not features.enabled_region_ids(session, "portal"):
        abort(404)
    entries = public_pages.sitemap_entries(session, date.today())
    newest = max((e.lastmod for e in entries if e.lastmod), default=None)
    urls = [(url_for(".index", _external=True), newest),
            (url_for(".search", _external=True), newest)]
    for entry in entries:
        if entry.kind == "offer":
            urls.append((offer_url(entry.offer_id, entry.slug, _external=True), entry.lastmod))
        else:
            urls.append((company_url(entry.slug, _external=True), entry.lastmod))
    return Response(sitemap_xml(urls), mimetype="application/xml")


def sitemap_xml(urls: list[tuple[str, date | None]]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{SITEMAP_NS}">']
    for loc, lastmod in urls:
        modified = f"<lastmod>{lastmod.isoformat()}</lastmod>" if lastmod else ""
        lines.append(f"  <url><loc>{xml_escape(loc)}</loc>{modified}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


@route("/_ping")
@access.public
def ping():
    """A bare endpoint: the yardstick the benchmarks measure the portal against."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


@route("/assets/<path:filename>")
@access.public
def asset(filename: str):
    return send_from_directory(str(files("kwis_job_plugin") / "static"), filename, max_age=3600)
