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

import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from urllib.parse import parse_qsl, quote, urlencode
from xml.sax.saxutils import escape as xml_escape

from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from babel.numbers import format_decimal
from flask import (
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from markupsafe import Markup, escape
from werkzeug.datastructures import MultiDict

from .. import i18n
from ..i18n import gettext as _
from ..services import (
    features,
    geocoder,
    public_pages,
    region_theme,
    response_cache,
    search_settings,
    search_versions,
    structured_data,
)
from ..services import search as search_service
from ..services.reach import schools
from ..services.search import FacetOption, SearchResult
from ..services.search_query import (
    PARAMS,
    RADIUS_CHOICES,
    SearchQuery,
    Vocabulary,
    filter_labels,
    format_count,
    parse_query,
)
from . import access, assets, context, page_views, request_input, theme
from .security import CSP
from .templating import make_blueprint

bp = make_blueprint("kwis_job_portal", __name__)
assets.register(bp)  # url_for(...asset) gives hashed names
theme.register(bp)  # KERN UX and the regions' looks: /jobs/regionen/<slug>/stil.css and /logo
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


PLAIN_SLUG = re.compile(r"[a-z0-9-]{1,200}")


def _portal_root() -> str:
    """``/jobs/`` as ``url_for`` builds it (script root and prefix included), once a request.

    Result cards need two links each; joining strings onto this is ~20x cheaper than
    ``url_for`` and gives the same URL for the plain slugs that ``slugs.slugify`` makes."""
    root = g.get("kwis_job_root")
    if root is None:
        root = g.kwis_job_root = url_for("kwis_job_portal.index")
    return root


def offer_url(offer_id: int, slug: str, **options) -> str:
    """The public page of an offer: the one place that spells its URL."""
    slug = slug or "angebot"
    if options or not PLAIN_SLUG.fullmatch(slug):
        return url_for("kwis_job_portal.offer", offer_id=offer_id, slug=slug, **options)
    return f"{_portal_root()}angebote/{int(offer_id)}-{slug}"


def company_url(slug: str, **options) -> str:
    """The public page of a company: the one place that spells its URL."""
    if options or not PLAIN_SLUG.fullmatch(slug or ""):
        return url_for("kwis_job_portal.company", slug=slug, **options)
    return f"{_portal_root()}betriebe/{slug}"


def search_url(query: SearchQuery | None = None) -> str:
    return url_for("kwis_job_portal.search", **(query.args() if query else {}))


def format_date(value: date) -> str:
    return _formatted_date(value, i18n.get_locale())


@lru_cache(maxsize=4096)
def _formatted_date(value: date, locale: str) -> str:
    """Babel's date formatting costs ~0.1 ms a call and a result page shows 20 dates, mostly
    the same few: each (date, locale) is formatted once per process."""
    return babel_format_date(value, format="medium", locale=locale)


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
        "back_param": back_param,
        "back_qs_here": _back_qs,
        "calendar_link": _calendar_link,
        "events_feed_url": events_feed_url,
    }


def events_feed_url(region: str | None = None, profile_id: int | None = None) -> str | None:
    """The iCalendar file to subscribe to (views/api.py ``events_ics``) of a region's events
    or of a company's, if the API and the calendar are on there; else ``None``."""
    from ..models import EmployerProfile

    settings = search_settings.current(context.db())
    shown = settings.api_region_ids & settings.event_region_ids
    if profile_id is not None:
        profile = context.db().get(EmployerProfile, profile_id)
        if profile is None or profile.region_id not in shown:
            return None
        return url_for("kwis_job_api.events_ics", company=profile.slug)
    if region is not None:
        found = next((row for row in settings.portal_regions if row.slug == region), None)
        if found is None or found.id not in shown:
            return None
        return url_for("kwis_job_api.events_ics", region=region)
    return url_for("kwis_job_api.events_ics") if shown else None


def _calendar_link() -> str | None:
    """The event calendar's URL for the page header, if events are on in a portal region (asked
    only when a template shows the link; from the settings the search read already, the same
    rule as ``public_pages.event_region_ids``)."""
    shown = search_settings.current(context.db()).event_region_ids
    return url_for("kwis_job_portal.events") if shown else None


# --- the search page -------------------------------------------------------------------------


@dataclass(frozen=True)
class Chip:
    """An active filter, shown as a link that removes it."""

    label: str
    url: str
    term: str | None = None
    """A taxonomy term (German data, marked ``lang="de"`` on other pages) after ``label``."""

    @property
    def text(self) -> str:
        return f"{self.label}: {self.term}" if self.term else self.label


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
            chips.append(Chip(labels[attr], search_url(query.without(attr, value)),
                              names.get(value, value)))
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


CHECKBOX = "kern-form-check__checkbox"
RADIO = "kern-form-check__radio"


@lru_cache(maxsize=4096)
def _option_parts(input_class: str, group_id: str, param: str, key: str,
                  label: str, lang: str) -> tuple[str, str]:
    """The fixed parts of one filter option's markup, escaped once per process. ``lang``: the
    attribute that marks a German taxonomy term on a page in another language, or ""."""
    ident = escape(f"{group_id}-{key}")
    kind = "radio" if input_class == RADIO else "checkbox"
    head = (f'<li class="kj-check kern-form-check"><input class="{input_class}" type="{kind}"'
            f' id="{ident}" name="{escape(param)}" value="{escape(key)}"')
    return head, f'><label for="{ident}"{lang}>{escape(label)} <span class="kj-count">('


def options_html(options: list[FacetOption], group_id: str, param: str,
                 input_class: str = CHECKBOX) -> Markup:
    """The ``<li>`` of each filter option (checkbox or radio, label, count), as one string.

    A search page shows about a hundred options; written by Jinja each costs nine escapes and
    ~300 bytes of indentation, together a third of the page's rendering time (issue #12). Here
    the parts that only depend on the taxonomy are escaped once per process
    (``_option_parts``) and a page joins them with the counts: one escape per group."""
    lines = []
    lang = "" if i18n.get_locale() == i18n.DEFAULT_LOCALE else f' lang="{i18n.DEFAULT_LOCALE}"'
    for option in options:
        head, tail = _option_parts(input_class, group_id, param, option.key, option.label, lang)
        count = option.count
        lines.append(f'{head}{" checked" if option.selected else ""}{tail}'
                     f'{count if count < 1000 else format_count(count)})</span></label></li>')
    return Markup("\n".join(lines))


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
            group_id = f"kj-facet-{facet.replace('_', '-')}"
            groups.append({
                "id": group_id,
                "legend": labels[attr],
                "param": PARAMS[attr],
                "options": options,
                "options_html": options_html(options, group_id, PARAMS[attr]),
                "folded": folded and not any(o.selected for o in options),
            })
    return groups


def _feed_url(settings: search_settings.Settings, vocab: Vocabulary,
              query: SearchQuery) -> str | None:
    """The Atom feed of this search (views/api.py ``offers_feed``), if the API is on where
    the search looks: in its region, or in any region for a search of all."""
    if query.region:
        found = vocab.regions.get(query.region)
        if found is None or found[0] not in settings.api_region_ids:
            return None
    elif not settings.api_region_ids:
        return None
    args = {k: v for k, v in query.args().items() if k != PARAMS["page"]}
    return url_for("kwis_job_api.offers_feed", **args)


def _count_school_visit(session, vocab: Vocabulary, query: SearchQuery) -> None:
    """A visit through a school's button (``?schule=CODE``), counted per day and school in the
    search's region (``services/reach/schools``), while the region has the button on."""
    code = schools.normal_code(request.args.get(schools.PARAM, "")[:64])
    if code is None:
        return
    embed = search_settings.current(session).embed_region_ids
    region = query.region if query.region in vocab.regions else None
    if region is not None and vocab.regions[region][0] not in embed:
        return
    if region is None and not embed:
        return
    page_views.count_key(lambda: schools.key(date.today(), region or "", code))


_CACHE_KEY = "kwis_job_response_cache"


def _page_store() -> response_cache.Store | None:
    """This app's store of finished pages (``services/response_cache.py``), made at first use."""
    found = current_app.extensions.get(_CACHE_KEY, False)
    if found is False:
        found = current_app.extensions[_CACHE_KEY] = response_cache.store_for(
            int(current_app.config.get("KWIS_JOB_RESPONSE_CACHE_SIZE") or 0),
            current_app.config.get("KWIS_JOB_RESPONSE_CACHE_URL"),
        )
    return found


def _cached_search_page(template: str, **extra):
    """The search page from the cache of finished pages when nothing it shows has changed.

    The key holds every version the page depends on, read in the request's one version
    statement, so a hit costs that statement and a lookup. The ETag is the page's own, kept
    with it, so a conditional request is answered 304 as before. A visit through a school's
    button (``?schule=``) is never answered from the cache: it must be counted."""
    store = _page_store()
    if store is None or schools.PARAM in request.args:
        return _search_page(template, **extra)[0]
    versions = search_versions.read(context.db())
    key = response_cache.key(template, request.url, context.request_locale(),
                             date.today().isoformat(), versions.newest, versions.settings)
    found = store.get(key)
    if found is not None:
        etag, body = response_cache.unpack(found)
        response = current_app.response_class(body, mimetype="text/html")
        response.set_etag(etag)
        return response.make_conditional(request)
    html, cacheable = _search_page(template, **extra)
    response = current_app.response_class(html, mimetype="text/html")
    if cacheable:
        response.add_etag()
        store.set(key, response_cache.pack(response.get_etag()[0], response.get_data()))
        response.make_conditional(request)
    return response


def _search_page(template: str, **extra) -> tuple[str, bool]:
    """The page, and whether it may be kept (not when the search has notes, e.g. a place the
    geocoder could not reach now). ``extra`` goes to the template as it is: it must depend only
    on what the settings version covers, since the cache key holds that version, not ``extra``."""
    session = context.db()
    settings = search_settings.current(session)
    vocab = Vocabulary.load(session)
    if not vocab.regions:  # the portal is off in every region
        abort(404)
    parsed = parse_query(session, request.args, vocab)
    result = search_service.search(
        session, parsed.query, date.today(), vocab, geocoder.settings_from(current_app.config)
    )
    query = result.query
    _count_school_visit(session, vocab, query)
    radius_choices = sorted({*RADIUS_CHOICES, query.radius_km})
    chips = _chips(result, vocab)
    notes = [*request_input.query_notes(), *parsed.notes, *result.notes]
    return render_template(
        template,
        meta=_search_meta(result, chips, request.endpoint),
        query=query,
        result=result,
        notes=notes,
        chips=chips,
        clear_url=search_url(),
        facet_groups=_facet_groups(result),
        regions=list(result.facets["region"]) if len(vocab.regions) > 1 else [],
        regions_html=options_html(result.facets["region"], "kj-region", "region", RADIO)
        if len(vocab.regions) > 1 else "",
        radius_choices=radius_choices,
        pagination=_pagination(result),
        search_theme=settings.themes.get(query.region) if query.region else None,
        feed_url=_feed_url(settings, vocab, query),
        page_url=lambda page: search_url(query.with_page(page)),
        suggestion_url=lambda place: search_url(replace(query, place=place, page=1)),
        **extra,
    ), not result.notes


def _search_meta(result: SearchResult, chips: list[Chip], endpoint: str) -> PageMeta:
    """Description and canonical URL of a search: the search's normalised URL (``args``: known
    filters only, defaults left out), so tracking parameters, ``zurueck`` and spellings of
    the same search all name one page."""
    query = result.query
    description = (
        _("Ferienjobs, Praktika, Schnuppertage und Ausbildungsplätze bei Arbeitgebern in "
          "der Region, für Schülerinnen und Schüler, Studierende und alle, die einen Einstieg "
          "suchen.")
        if not query.is_filtered else
        _("Suchergebnisse: Angebote von Arbeitgebern in der Region (%(filters)s).",
          filters=", ".join(chip.text for chip in chips) or query.text)
    )
    return PageMeta(
        title=_("Angebote suchen") if not query.is_filtered else _("Suchergebnisse"),
        description=description,
        canonical_url=url_for(endpoint, **query.args(), _external=True),
    )


@route("/")
@access.public
def index():
    """The portal's front page: the search form and today's rotation of all offers, and the
    alert subscription's link when a region has alerts on (``views/alerts.py``)."""
    settings = search_settings.current(context.db())
    alerts_href = url_for("kwis_job_alerts.subscribe") if settings.alert_region_ids else None
    return _cached_search_page("kwis_job/portal/index.html", alerts_href=alerts_href)


@route("/suche")
@access.public
def search():
    return _cached_search_page("kwis_job/portal/search.html")


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


def region_logo_url(found: region_theme.Theme | str | None) -> str | None:
    """The absolute URL of a region's logo (a theme, or a region's slug), if it has one."""
    if isinstance(found, str):
        found = theme.portal_theme(found) if found else None
    if found is None or found.logo is None:
        return None
    return url_for("kwis_job_portal.region_logo", slug=found.slug, v=found.logo.sha256[:10],
                   _external=True)


def _media_url(media_id: int) -> str:
    return url_for("kwis_job_media.show", media_id=media_id)


def back_param(query: SearchQuery | None) -> str:
    """``?zurueck=<the search's query string>`` for links from a search to offer and company
    pages, so their "back to the search" link returns to the same filters and page."""
    args = query.args() if query is not None else {}
    if not args:
        return Markup("")
    # Markup: percent-encoded with nothing left unencoded, so it is HTML-safe as it stands,
    # and the cards print it twenty times without escaping it each time.
    return Markup(f"?{BACK_PARAM}={quote(urlencode(args, doseq=True), safe='')}")


def _back_search(raw: str) -> str | None:
    """The query string in a ``zurueck`` value, or ``None`` if it is not one of ours.

    Accepted: a bare query string (what ``back_param`` writes) or a same-site relative path to
    the portal's search or front page with one. Whatever it is, only the parsed filters are
    used and the link is rebuilt by ``search_url``, so nothing in it is echoed and it can never
    lead to another site (no open redirect)."""
    if raw.startswith("/"):
        path, _sep, query = raw.partition("?")
        return query if path in (url_for(".search"), url_for(".index")) else None
    return None if "://" in raw or raw.startswith("\\") else raw


def _back_query(session) -> SearchQuery | None:
    """The search a page was opened from (``?zurueck=``), parsed once per request."""
    if "kwis_job_back" not in g:
        raw = request.args.get(BACK_PARAM, "")[:2000]
        found = _back_search(raw) if raw else None
        g.kwis_job_back = (
            parse_query(session, MultiDict(parse_qsl(found))).query if found else None
        )
    return g.kwis_job_back


def _back_url(session) -> str:
    """The search to go back to: the one in ``?zurueck=`` (parsed, never echoed), else all."""
    return search_url(_back_query(session))


def _back_qs() -> str:
    """``back_param`` of the page's own ``?zurueck=``: company and offer pages pass it on."""
    return back_param(_back_query(context.db()))


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
    page_views.count_company(page.profile_id)
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
    page_views.count_offer(page.offer_id)
    url = offer_url(page.offer_id, page.slug, _external=True)
    logo_url = (url_for("kwis_job_media.show", media_id=page.logo_media_id, _external=True)
                if page.logo_media_id else None)
    data = structured_data.for_offer(
        page, url=url, company_url=company_url(page.company_slug, _external=True),
        logo_url=logo_url,
        image_url=logo_url or region_logo_url(theme.portal_theme(offer_id=page.offer_id)),
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
    urls += portal_events.sitemap_urls(session, date.today())
    return Response(sitemap_xml(urls), mimetype="application/xml")


def robots_lines() -> list[str]:
    """``robots.txt`` lines for the host (hook ``kwis_robots_txt``): the sitemap, while the
    portal is on in some region (else the sitemap is a 404)."""
    if not features.enabled_region_ids(context.db(), "portal"):
        return []
    return [f"Sitemap: {url_for('kwis_job_portal.sitemap', _external=True)}"]


def sitemap_xml(urls: list[tuple[str, date | None]]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', f'<urlset xmlns="{SITEMAP_NS}">']
    for loc, lastmod in urls:
        modified = f"<lastmod>{lastmod.isoformat()}</lastmod>" if lastmod else ""
        lines.append(f"  <url><loc>{xml_escape(loc)}</loc>{modified}</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


# --- error pages (the host asks through ``kwis_error_page``) ------------------------------------


ERROR_CACHE_CONTROL = "no-store"
"""An error page is not kept: the next request may find the page (or the server) back."""


def _error_texts(status: int) -> tuple[str, str]:
    """Title and explanation of an error page; unlisted codes get those of 400 or 500."""
    texts = {
        400: (_("Ungültige Anfrage"),
              _("Diese Anfrage konnte nicht verarbeitet werden. Bitte prüfen Sie die Adresse "
                "und versuchen Sie es noch einmal.")),
        403: (_("Kein Zugriff"), _("Diese Seite ist nicht öffentlich.")),
        404: (_("Seite nicht gefunden"),
              _("Diese Seite gibt es nicht (mehr). Vielleicht ist das Angebot abgelaufen, "
                "oder die Adresse enthält einen Tippfehler.")),
        405: (_("Aktion nicht möglich"),
              _("Diese Seite lässt sich so nicht aufrufen. Bitte nutzen Sie die Links und "
                "Schaltflächen des Portals.")),
        410: (_("Seite nicht mehr vorhanden"),
              _("Diese Seite wurde entfernt und ist nicht mehr erreichbar.")),
        413: (_("Anfrage zu groß"),
              _("Die gesendeten Daten sind zu groß. Bitte kürzen Sie Ihre Eingaben.")),
        429: (_("Zu viele Anfragen"),
              _("Von Ihrem Anschluss kamen in kurzer Zeit zu viele Anfragen. Bitte warten "
                "Sie eine Weile und versuchen Sie es dann noch einmal.")),
        500: (_("Ein Fehler ist aufgetreten"),
              _("Auf unserer Seite ist ein Fehler aufgetreten. Bitte versuchen Sie es später "
                "noch einmal.")),
        503: (_("Vorübergehend nicht erreichbar"),
              _("Das Portal ist gerade nicht erreichbar, etwa wegen Wartungsarbeiten. Bitte "
                "versuchen Sie es in einigen Minuten noch einmal.")),
    }
    return texts.get(status) or texts[500 if status >= 500 else 400]


def _in_portal(path: str) -> bool:
    prefix = current_app.config["KWIS_JOB_PUBLIC_PREFIX"].rstrip("/")
    return path == prefix or path.startswith(prefix + "/")


def error_page(status: int, path: str) -> tuple[str, dict[str, str]] | None:
    """The portal's error page for ``path`` (HTML and headers), or ``None`` if ``path`` is not
    the portal's or the portal is off in every region (then there is no portal to go back to
    and the host draws its own page).

    A routing error (no such URL) happens outside the blueprint, so the blueprint's template
    globals are added here, as for its own pages. No cookie, not stored (``no-store``)."""
    if not _in_portal(path) or not features.enabled_region_ids(context.db(), "portal"):
        return None
    values: dict = {}
    for processor in current_app.template_context_processors.get(bp.name, ()):
        values.update(processor())
    title, text = _error_texts(status)
    body = render_template(
        "kwis_job/portal/error.html", **values, status=status, title=title, text=text
    )
    return body, {
        "Cache-Control": ERROR_CACHE_CONTROL,
        "X-Robots-Tag": "noindex",
        "Vary": "Accept-Language",
        "Content-Security-Policy": CSP,
    }


FAVICON = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">'
    '<rect width="32" height="32" rx="6" fill="#1d4f91"/>'
    '<path d="M8 13h16v10H8zM13 13V9.5h6V13" fill="none" stroke="#fff" stroke-width="2.5" '
    'stroke-linejoin="round"/></svg>'
)
"""The portal's own icon (a briefcase) for regions without a logo: a few hundred bytes, so it
lives here rather than in the asset build."""
FAVICON_MAX_AGE = 86400


@route("/favicon.svg")
@access.public
def favicon():
    """Every portal page links it (or its region's logo), so browsers never ask the host for a
    missing ``/favicon.ico``."""
    return FAVICON, 200, {"Content-Type": "image/svg+xml",
                          "Cache-Control": f"public, max-age={FAVICON_MAX_AGE}"}


@route("/_ping")
@access.public
def ping():
    """A bare endpoint: the yardstick the benchmarks measure the portal against."""
    return "ok", 200, {"Content-Type": "text/plain; charset=utf-8"}


@route("/assets/<path:filename>")
@access.public
def asset(filename: str):
    """Hashed names for a year, plain names briefly, pre-compressed bodies (``views/assets.py``)."""
    return assets.serve(filename)


from . import portal_events  # noqa: E402  (registers the event calendar's routes on bp)
