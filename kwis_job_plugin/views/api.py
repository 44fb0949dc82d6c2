"""The read-only JSON API under /jobs/api/v1/ (feature ``api``, per region).

GET only, no cookie, no session: ``Access-Control-Allow-Origin: *`` without credentials, an
ETag on every 200 and 304 for a matching ``If-None-Match``, rate limited per client IP
(``views/ratelimit``, ``KWIS_JOB_RATELIMIT_API``). Documents come from
``services/api_documents`` (the portal's own views of the data); the OpenAPI description is
``views/api_openapi`` and a test holds every response to it.

Errors are JSON, ``{"status", "error", "message" (German), "message_en"}``: 400 for a bad
parameter or cursor, 404 for what does not exist or whose region has the API off, 429 for the
rate limit. Labels are German, or English with ``lang=en`` or ``Accept-Language: en``.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import quote

from flask import current_app, jsonify, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.exceptions import HTTPException

from .. import i18n
from ..i18n import N_, force_locale
from ..i18n import gettext as _
from ..services import api_documents, geocoder
from ..services import event_ics as ics
from ..services.api_documents import BadQuery, Links
from ..services.errors import NotFound
from ..services.input_checks import DB_INT_MAX
from ..services.reach import atom
from ..services.search_query import Vocabulary
from . import access, context
from .api_openapi import openapi_document
from .templating import make_blueprint

bp = make_blueprint("kwis_job_api", __name__)
PREFIX = "/api/v1"
MAX_AGE = 60
COMMON_PARAMS = frozenset({"lang", "cursor"})
LIST_PARAMS = {
    "offers": api_documents.OFFER_FILTERS,
    "companies": frozenset({"region"}),
    "events": frozenset({"region"}),
}
CURSOR_SALT = "kwis-job-api-cursor"
CURSOR_MAX_AGE_DAYS = 1
"""An offers cursor walks the order of the day it was made; a day later it is still served in
that day's order, after that it is refused (the rotation has moved on twice)."""


def route(rule: str, **options):
    return bp.route(PREFIX + rule, methods=["GET"], provide_automatic_options=False, **options)


class ApiError(Exception):
    def __init__(self, status: int, code: str, de: str, en: str):
        super().__init__(en)
        self.status, self.code, self.de, self.en = status, code, de, en


def _messages(message: str, **variables: Any) -> tuple[str, str]:
    with force_locale("de"):
        de = _(message, **variables)
    with force_locale("en"):
        en = _(message, **variables)
    return de, en


def _error(status: int, code: str, de: str, en: str):
    response = jsonify({"status": status, "error": code, "message": de, "message_en": en})
    response.status_code = status
    return response


def _bad(message: str, **variables: Any) -> ApiError:
    return ApiError(400, "bad_request", *_messages(message, **variables))


@bp.errorhandler(ApiError)
def _api_error(error: ApiError):
    return _error(error.status, error.code, error.de, error.en)


@bp.errorhandler(BadQuery)
def _bad_query(error: BadQuery):
    return _error(400, "bad_request", error.messages["de"], error.messages["en"])


@bp.errorhandler(NotFound)
def _not_found(_error_: NotFound):
    return _error(404, "not_found", *_messages(N_("Nicht gefunden.")))


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException):
    """Aborts inside the blueprint (the input rule's 400, a route's 404, the limiter's 429)
    answer in JSON too."""
    texts = {
        400: N_("Die Anfrage enthält einen ungültigen Parameter."),
        404: N_("Nicht gefunden."),
        429: N_("Zu viele Anfragen. Bitte warten Sie einen Moment."),
    }
    status = error.code or 500
    message = texts.get(status, N_("Die Anfrage konnte nicht beantwortet werden."))
    return _error(status, error.name.lower().replace(" ", "_"), *_messages(message))


@bp.after_request
def _api_headers(response):
    """CORS for everyone (no credentials), short public caching, ETag and 304."""
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers.pop("Set-Cookie", None)
    response.vary.add("Accept-Language")
    if response.status_code == 200 and request.method in ("GET", "HEAD"):
        response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}"
        response.add_etag()
        response.make_conditional(request)
    else:
        response.headers["Cache-Control"] = "no-store"
    return response


# --- parameters ------------------------------------------------------------------------------


def _locale() -> str:
    lang = request.args.get("lang")
    if lang is None:
        return i18n.get_locale()
    if lang not in i18n.LOCALES:
        raise _bad(N_("„lang“ muss „de“ oder „en“ sein."))
    return lang


def _check_names(allowed: frozenset[str]) -> None:
    for name in request.args:
        if name not in allowed | COMMON_PARAMS:
            raise _bad(N_("Den Parameter „%(name)s“ gibt es hier nicht."), name=name[:40])


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=CURSOR_SALT)


def _fingerprint(kind: str) -> str:
    """The list and its filters: a cursor is valid only for the query that made it."""
    args = sorted((k, v) for k, v in request.args.items(multi=True)
                  if k not in COMMON_PARAMS)
    return hashlib.sha256(json.dumps([kind, args]).encode()).hexdigest()[:16]


def _read_cursor(kind: str) -> tuple[int, date]:
    """(position or last id, day) of the request's cursor; (0, today) without one."""
    today = date.today()
    raw = request.args.get("cursor")
    if raw is None:
        return 0, today
    try:
        data = _serializer().loads(raw)
        value, day, fingerprint = int(data["v"]), date.fromisoformat(data["d"]), data["f"]
    except (BadSignature, KeyError, TypeError, ValueError):
        raise _bad(N_("Der Cursor ist ungültig.")) from None
    if fingerprint != _fingerprint(kind) or not 0 <= value <= DB_INT_MAX:
        raise _bad(N_("Der Cursor gehört zu einer anderen Abfrage."))
    if not today - timedelta(days=CURSOR_MAX_AGE_DAYS) <= day <= today:
        raise _bad(N_("Der Cursor ist abgelaufen; bitte beginnen Sie von vorn."))
    return value, day


def _next_url(kind: str, value: int | None, day: date) -> str | None:
    if value is None:
        return None
    cursor = _serializer().dumps({"v": value, "d": day.isoformat(), "f": _fingerprint(kind)})
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "cursor"]
    args.append(("cursor", cursor))
    query = "&".join(f"{_quote(k)}={_quote(v)}" for k, v in args)
    return f"{url_for(f'kwis_job_api.{kind}', _external=True)}?{query}"


def _quote(value: str) -> str:
    return quote(value, safe="")


def _links() -> Links:
    return Links(
        offer=lambda offer_id, slug: url_for("kwis_job_portal.offer", offer_id=offer_id,
                                             slug=slug or "angebot", _external=True),
        company=lambda slug: url_for("kwis_job_portal.company", slug=slug, _external=True),
        event=lambda event_id, slug: url_for("kwis_job_portal.event", event_id=event_id,
                                             slug=slug, _external=True),
        media=lambda media_id: url_for("kwis_job_media.show", media_id=media_id,
                                       _external=True),
    )


def _list(kind: str, page: api_documents.Page, day: date):
    body: dict[str, Any] = {"items": page.items, "next": _next_url(kind, page.next, day)}
    if page.total is not None:
        body["total"] = page.total
    return jsonify(body)


# --- routes ----------------------------------------------------------------------------------


@route("/")
@access.public
def index():
    """Where to start: the lists and the OpenAPI description."""
    _check_names(frozenset())
    _locale()
    if not api_documents.api_region_ids(context.db()):
        raise NotFound("api")
    return jsonify({name: url_for(f"kwis_job_api.{name}", _external=True)
                    for name in ("offers", "companies", "events", "taxonomies", "openapi")})


@route("/openapi.json")
@access.public
def openapi():
    _check_names(frozenset())
    session = context.db()
    if not api_documents.api_region_ids(session):
        raise NotFound("api")
    keys = {name: [term["key"] for term in terms]
            for name, terms in api_documents.taxonomies(session).items()}
    return jsonify(openapi_document(url_for("kwis_job_api.index"), keys))


@route("/offers")
@access.public
def offers():
    _check_names(LIST_PARAMS["offers"])
    position, day = _read_cursor("offers")
    args = {name: request.args.getlist(name) for name in request.args
            if name not in COMMON_PARAMS}
    with force_locale(_locale()):
        page = api_documents.offers(context.db(), args, day, position, _links(),
                                    geocoder.settings_from(current_app.config))
    return _list("offers", page, day)


def _feed_entry(new: api_documents.NewOffer) -> atom.Entry:
    item = new.item
    where = " ".join(part for part in (item.postcode, item.city) if part)
    summary = (_("%(type)s bei %(company)s in %(place)s", type=item.type_label,
                 company=item.company_name, place=where) if where else
               _("%(type)s bei %(company)s", type=item.type_label, company=item.company_name))
    return atom.Entry(
        entry_id=url_for("kwis_job_portal.offer_by_id", offer_id=item.offer_id, _external=True),
        title=item.title,
        url=url_for("kwis_job_portal.offer", offer_id=item.offer_id,
                    slug=item.offer_slug or "angebot", _external=True),
        published=new.published_at,
        updated=new.updated_at,
        summary=summary,
        author=item.company_name,
        category=item.type_label,
    )


@route("/offers.atom")
@access.public
def offers_feed():
    """The newest offers of a search as an Atom feed: the portal's filters, newest first."""
    _check_names(LIST_PARAMS["offers"])
    locale = _locale()
    args = {name: request.args.getlist(name) for name in request.args
            if name not in COMMON_PARAMS}
    today = date.today()
    with force_locale(locale):
        found = api_documents.new_offers(context.db(), args, today,
                                         geocoder.settings_from(current_app.config))
        region = (args.get("region") or [None])[0]
        names = {slug: name for slug, (_id, name) in
                 Vocabulary.load(context.db()).regions.items()}
        title = (_("Neue Angebote in %(region)s", region=names.get(region, region))
                 if region else _("Neue Angebote"))
        portal_args = {k: v for k, v in args.items() if k != "seite"}
        feed = atom.Feed(
            feed_id=request.url,
            title=f"{title} – KWIS.job",
            subtitle=_("Die neuesten Angebote zu dieser Suche im Portal KWIS.job"),
            self_url=request.url,
            alternate_url=url_for("kwis_job_portal.search", **portal_args, _external=True),
            lang=locale,
            fallback_updated=datetime(today.year, today.month, today.day),
        )
        body = atom.document(feed, [_feed_entry(new) for new in found])
    return current_app.response_class(body, content_type=atom.MEDIA_TYPE)


@route("/offers/<int(max=2147483647):offer_id>")
@access.public
def offer(offer_id: int):
    _check_names(frozenset())
    with force_locale(_locale()):
        return jsonify(api_documents.offer(context.db(), offer_id, date.today(), _links()))


def _region_arg() -> str | None:
    values = request.args.getlist("region")
    if len(values) > 1:
        raise _bad(N_("„region“ darf nur einmal angegeben werden."))
    return values[0] if values else None


@route("/companies")
@access.public
def companies():
    _check_names(LIST_PARAMS["companies"])
    after, day = _read_cursor("companies")
    with force_locale(_locale()):
        page = api_documents.companies(context.db(), date.today(), after, _links(),
                                       _region_arg())
    return _list("companies", page, day)


@route("/companies/<slug>")
@access.public
def company(slug: str):
    _check_names(frozenset())
    with force_locale(_locale()):
        return jsonify(api_documents.company(context.db(), slug, date.today(), _links()))


@route("/events")
@access.public
def events():
    _check_names(LIST_PARAMS["events"])
    after, day = _read_cursor("events")
    with force_locale(_locale()):
        page = api_documents.events(context.db(), date.today(), after, _links(), _region_arg())
    return _list("events", page, day)


@route("/events.ics")
@access.public
def events_ics():
    """The upcoming events as one calendar file to subscribe to (per region with
    ``region``, per company with ``company``, the slug of its page)."""
    _check_names(frozenset({"region", "company"}))
    companies = request.args.getlist("company")
    if len(companies) > 1:
        raise _bad(N_("„company“ darf nur einmal angegeben werden."))
    with force_locale(_locale()):
        body = api_documents.events_calendar(context.db(), date.today(), _links(),
                                             request.host.split(":")[0], _region_arg(),
                                             companies[0] if companies else None)
    return current_app.response_class(body, mimetype="text/calendar",
                                      content_type=ics.MEDIA_TYPE)


@route("/taxonomies")
@access.public
def taxonomies():
    _check_names(frozenset())
    session = context.db()
    if not api_documents.api_region_ids(session):
        raise NotFound("api")
    with force_locale(_locale()):
        return jsonify(api_documents.taxonomies(session))
