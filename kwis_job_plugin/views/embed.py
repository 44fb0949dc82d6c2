"""The widget, its configurator and the school button (feature ``embed``, per region).

``/jobs/einbetten/``           the configurator: a GET form (works without JavaScript) whose
                               preview is the widget itself in an iframe, and the snippets to
                               copy (an iframe with a plain link after it, the button's link).
``/jobs/einbetten/angebote``   the widget: a compact list of a region's offers, chosen by type,
                               field and company (``services/reach/widget``), in the region's
                               look, German or English (``lang``). The only pages any site may
                               frame (``security.allow_framing``: CSP ``frame-ancestors *``);
                               links open the portal in a new tab (``rel="noopener"``).
``/jobs/einbetten/schulbutton.svg|.png``  the school button (``services/reach/badge``).

Read-only, GET and HEAD, no cookie, no storage, no script in the widget; public caching and
ETags as on the portal. A region with ``embed`` off has none of these (404); the configurator
is 404 while no portal region has it on. A school's code travels in the button's link to the
portal (``?schule=``), where the visit is counted (``views/portal._count_school_visit``).
"""

from __future__ import annotations

from datetime import date

from flask import abort, current_app, render_template, request, url_for

from ..i18n import force_locale
from ..i18n import gettext as _
from ..services import search_settings
from ..services.reach import badge, schools, widget
from ..services.search_query import PARAMS, Vocabulary
from . import access, context, theme
from .portal import _public_cache, offer_url
from .security import allow_framing
from .templating import make_blueprint

bp = make_blueprint("kwis_job_embed", __name__)
bp.after_request(_public_cache)
PREFIX = "/einbetten"


def route(rule: str, **options):
    return bp.route(PREFIX + rule, methods=["GET"], provide_automatic_options=False, **options)


@bp.app_context_processor
def _footer_global():
    return {"embed_link": embed_link}


def embed_link() -> str | None:
    """The configurator, for the footer of every portal page, while a portal region has the
    widget on."""
    if not search_settings.current(context.db()).embed_region_ids:
        return None
    return url_for("kwis_job_embed.configurator")


@bp.context_processor
def _frame_globals():
    from .legal_pages import _calendar_link

    return {"kern_installed": theme.kern_installed(), "portal_theme": theme.portal_theme,
            "calendar_link": _calendar_link, "offer_url": offer_url}


def _allowed() -> frozenset[int]:
    return search_settings.current(context.db()).embed_region_ids


def _first_region(vocab: Vocabulary) -> str | None:
    """The first region (by name) with the widget on: a choice without a region shows it."""
    allowed = _allowed()
    return next((slug for slug, (region_id, _name) in vocab.regions.items()
                 if region_id in allowed), None)


def _choice() -> tuple[widget.Choice | None, Vocabulary]:
    session = context.db()
    vocab = Vocabulary.load(session)
    return widget.parse(session, request.args, vocab, _allowed(), _first_region(vocab)), vocab


def _widget_url(choice: widget.Choice, **options) -> str:
    return url_for("kwis_job_embed.offers", **choice.args(), **options)


def _portal_url(choice: widget.Choice, **options) -> str:
    args = {k: v for k, v in choice.query().args().items()}
    return url_for("kwis_job_portal.search", **args, **options)


@route("/angebote")
@access.public
def offers():
    """The widget: the choice's offers as a short list, framed by any site."""
    choice, vocab = _choice()
    if choice is None:
        abort(404)
    session = context.db()
    with force_locale(choice.lang):
        found = widget.offers(session, choice, vocab, date.today())
        body = render_template(
            "kwis_job/embed/widget.html",
            choice=choice,
            found=found,
            theme=search_settings.current(session).themes.get(choice.region),
            portal_url=_portal_url(choice),
        )
    response = current_app.response_class(body, mimetype="text/html")
    response.headers["Content-Language"] = choice.lang
    return allow_framing(response)


def _badge_lines() -> tuple[str, str]:
    return _("Praktika und Ausbildung in der Region"), _("Jetzt entdecken auf KWIS.job")


def _badge_theme():
    """The look of the asked region (404 unless it has the button on); without one the
    plain look, while any region has it on."""
    session = context.db()
    if "region" not in request.args:
        if not _allowed():
            abort(404)
        return None
    region = request.args.get("region", "")[:60]
    found = Vocabulary.load(session).regions.get(region)
    if found is None or found[0] not in _allowed():
        abort(404)
    return search_settings.current(session).themes.get(region)


@route("/schulbutton.svg")
@access.public
def badge_svg():
    found = _badge_theme()
    line1, line2 = _badge_lines()
    body = badge.svg(line1, line2, found.primary if found else None, f"{line1} – KWIS.job")
    return current_app.response_class(body, mimetype="image/svg+xml")


@route("/schulbutton.png")
@access.public
def badge_png():
    found = _badge_theme()
    line1, line2 = _badge_lines()
    body = badge.png(line1, line2, found.primary if found else None)
    return current_app.response_class(body, mimetype="image/png")


@route("/")
@access.public
def configurator():
    """Pick a region, types, fields, companies and a number; see the widget; copy the code."""
    session = context.db()
    allowed = _allowed()
    vocab = Vocabulary.load(session)
    regions = [(slug, name) for slug, (region_id, name) in vocab.regions.items()
               if region_id in allowed]
    if not regions:
        abort(404)
    choice, vocab = _choice()
    if choice is None:  # a region without the widget was asked for: start from the first
        choice = widget.parse(session, {}, vocab, allowed, regions[0][0])
    raw_code = request.args.get(schools.PARAM, "")[:64].strip()
    code = schools.normal_code(raw_code)
    code_error = (_("Der Schulcode darf nur Buchstaben, Ziffern und Bindestriche enthalten "
                    "(2 bis 32 Zeichen), zum Beispiel „GYM-JENA-1“.")
                  if raw_code and code is None else None)
    widget_url = _widget_url(choice, _external=True)
    portal_url = _portal_url(choice, _external=True)
    button_args = {"region": choice.region, **({schools.PARAM: code} if code else {})}
    button_link = url_for("kwis_job_portal.index", **button_args, _external=True)
    badge_url = url_for("kwis_job_embed.badge_svg", region=choice.region, _external=True)
    badge_png = url_for("kwis_job_embed.badge_png", region=choice.region, _external=True)
    line1, _line2 = _badge_lines()
    with force_locale(choice.lang):
        title = _("Angebote in %(region)s – KWIS.job", region=choice.region_name)
        link_text = _("Praktika und Ausbildung in %(region)s auf KWIS.job",
                      region=choice.region_name)
    iframe = (f'<iframe src="{widget_url}" title="{title}" width="100%" height="480" '
              f'loading="lazy" style="border:0;max-width:40rem"></iframe>\n'
              f'<p><a href="{portal_url}">{link_text}</a></p>')
    button = (f'<a href="{button_link}"><img src="{badge_url}" alt="{line1} – KWIS.job" '
              f'width="{badge.WIDTH}" height="{badge.HEIGHT}"></a>')
    return render_template(
        "kwis_job/embed/configurator.html",
        choice=choice,
        regions=regions,
        types=list(vocab.types.items()),
        fields=list(vocab.of("fields").items()),
        companies=widget.companies_of(session, vocab.regions[choice.region][0]),
        count_choices=widget.COUNT_CHOICES,
        preview_url=_widget_url(choice),
        iframe_snippet=iframe,
        button_snippet=button,
        badge_preview=url_for("kwis_job_embed.badge_svg", region=choice.region),
        badge_png=badge_png,
        school_code=code,
        raw_code=raw_code,
        code_error=code_error,
        params={"types": PARAMS["types"], "fields": PARAMS["fields"],
                "companies": widget.COMPANY_PARAM,
                "count": widget.COUNT_PARAM, "lang": widget.LANG_PARAM,
                "school": schools.PARAM},
        theme=search_settings.current(session).themes.get(choice.region),
    )
