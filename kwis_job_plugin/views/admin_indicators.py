"""Admin page "Kennzahlen": the success indicators of one region and year, with the year's
target (editable), server-drawn charts, a CSV of every figure and a printable annual report.

The region is in the path (so the region check is the one every admin route makes:
``access.require_region``); the year is a query parameter ``jahr`` (for the target form a form
field), defaulting to the current year. A year the page cannot use is replaced by the current
one with a note, as the audit log treats its filters.
"""

from __future__ import annotations

from datetime import date

from flask import Response, abort, redirect, render_template, request, url_for

from ..forms.indicators import TargetForm
from ..i18n import gettext as _
from ..models import Region
from ..services import admin_scope, indicators
from ..services.errors import ValidationError
from . import access, context
from .templating import make_blueprint

bp = make_blueprint("kwis_job_admin_indicators", __name__)
MENU_KEY = "kwis_job_indicators"
ID = "int(max=2147483647)"
YEAR = "jahr"


def _today() -> date:
    return date.today()


def _year(notes: list[str]) -> int:
    raw = request.values.get(YEAR, "")[:10]
    if not raw:
        return _today().year
    low, high = indicators.YEAR_RANGE
    if raw.isascii() and raw.isdigit() and low <= int(raw) <= high:
        return int(raw)
    notes.append(_("Das Jahr „%(value)s“ gibt es hier nicht; gezeigt wird %(year)d.",
                   value=raw, year=_today().year))
    return _today().year


def _region(region_id: int) -> Region:
    access.require_region(region_id)
    region = context.db().get(Region, region_id)
    if region is None:
        abort(404)
    return region


def _years(year: int) -> list[int]:
    """The years to pick from: the pilot's three around now, and the one shown."""
    this = _today().year
    return sorted({this - 2, this - 1, this, this + 1, year})


@bp.get("/kennzahlen")
@access.admin
def index():
    """The first region of the admin's (by name), or the one picked in the form."""
    session = context.db()
    regions = admin_scope.visible_regions(session, access.admin_region_ids())
    notes: list[str] = []
    year = _year(notes)
    raw = request.args.get("region", "")
    if raw:
        # Within the database's integer range, like the ``int(max=...)`` routes: a longer
        # number would reach PostgreSQL and fail there.
        if not (raw.isascii() and raw.isdigit() and int(raw) <= 2147483647):
            abort(404)
        _region(int(raw))
        return redirect(url_for(".dashboard", region_id=int(raw), **{YEAR: year}))
    if not regions:
        return render_template("kwis_job/admin/indicators.html", active_menu=MENU_KEY,
                               regions=[], ind=None, notes=notes)
    return _dashboard(regions[0], year, notes)


@bp.get(f"/kennzahlen/<{ID}:region_id>")
@access.admin
def dashboard(region_id: int):
    notes: list[str] = []
    region = _region(region_id)
    return _dashboard(region, _year(notes), notes)


def _dashboard(region: Region, year: int, notes: list[str], form: TargetForm | None = None,
               status: int = 200):
    session = context.db()
    ind = indicators.compute(session, region, year, _today())
    if form is None:
        form = TargetForm(data={"target": ind.target})
    html = render_template(
        "kwis_job/admin/indicators.html",
        active_menu=MENU_KEY,
        regions=admin_scope.visible_regions(session, access.admin_region_ids()),
        ind=ind,
        year=year,
        years=_years(year),
        notes=notes,
        form=form,
        charts=_charts(ind),
    )
    return html, status


def _charts(ind: indicators.Indicators) -> dict[str, indicators.BarChart]:
    return {
        "target": indicators.bar_chart(
            [indicators.Count("value", _("Stand"), ind.profiles_with_offers)],
            target=ind.target),
        "types": indicators.bar_chart(ind.offers_by_type),
        "fields": indicators.bar_chart(ind.offers_by_field),
        "events": indicators.bar_chart([
            indicators.Count("registrations", _("Angemeldete Personen"), ind.events.people),
            indicators.Count("attended", _("Anwesende Personen"), ind.events.attended_people),
        ]),
        "schools": indicators.bar_chart(ind.schools.by_school, limit=10),
        "views": indicators.bar_chart([
            indicators.Count("profiles", _("Betriebsseiten"), ind.views.profile_views),
            indicators.Count("offers", _("Angebotsseiten"), ind.views.offer_views),
        ]),
    }


@bp.post(f"/kennzahlen/<{ID}:region_id>/ziel")
@access.admin
def set_target(region_id: int):
    region = _region(region_id)
    notes: list[str] = []
    year = _year(notes)
    form = TargetForm()
    session = context.db()
    if notes:  # a year the page cannot use: never set the current year's target instead
        form.validate_on_submit()
        return _dashboard(region, year, notes, form=form, status=422)
    if form.validate_on_submit():
        try:
            indicators.set_target(session, region.id, year, indicators.PROFILES_WITH_OFFERS,
                                  form.target.data, actor_user_id=context.user().id)
        except ValidationError as error:
            session.rollback()
            form.add_errors(error.errors)
        else:
            session.commit()
            return redirect(url_for(".dashboard", region_id=region.id, **{YEAR: year},
                                    gespeichert=1, _anchor="ziel"), 303)
    session.rollback()
    return _dashboard(region, year, notes, form=form, status=422)


@bp.get(f"/kennzahlen/<{ID}:region_id>/kennzahlen.csv")
@access.admin
def csv(region_id: int):
    region = _region(region_id)
    year = _year([])
    ind = indicators.compute(context.db(), region, year, _today())
    response = Response(indicators.indicators_csv(ind), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="kennzahlen-{region.slug}-{year}.csv"'
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get(f"/kennzahlen/<{ID}:region_id>/jahresbericht")
@access.admin
def report(region_id: int):
    region = _region(region_id)
    notes: list[str] = []
    year = _year(notes)
    ind = indicators.compute(context.db(), region, year, _today())
    return render_template("kwis_job/admin/indicators_report.html", ind=ind, year=year,
                           notes=notes, charts=_charts(ind))
