"""The self-service tab "Angebote": the company's offers.

Thin views: parse the form, call ``services.offers`` (checks: ``offer_input``; lists, hints and
previews: ``offer_display``), commit once, render. Bad input re-renders the form with the
messages at the fields (HTTP 422) after a rollback, so nothing is written.
Every offer id is looked up through the current customer's profile: a foreign id is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from flask import abort, current_app, flash, redirect, render_template, request, url_for

from ..forms.offer import ActionForm, OfferForm
from ..i18n import gettext as _
from ..models import OccupationalField, OfferType, TargetGroup
from ..models.base import utcnow
from ..models.host import get_customer
from ..services import geocoder, offer_display, offer_input, offers, profiles, taxonomy
from ..services.errors import EditConflict, NotFound, ValidationError
from ..services.page_views import OFFER, recent_views
from ..services.snapshots import offer_snapshot
from . import access, context
from .templating import make_blueprint

bp = make_blueprint("kwis_job_offers", __name__)
TAB_KEY = "kwis_job_offers"
BACK_TARGETS = ("list", "preview")


def _today() -> date:
    return date.today()


def _customer_id() -> int:
    return context.customer().id


def _actor_id() -> int | None:
    user = context.user()
    return user.id if user else None


def _geocoder() -> geocoder.GeocoderSettings | None:
    return geocoder.settings_from(current_app.config)


def _address(customer) -> str:
    if customer is None:
        return ""
    return ", ".join(
        part for part in (customer.street, " ".join(
            p for p in (customer.postcode, customer.city) if p
        )) if part
    )


def _build_form(session, customer, **kwargs) -> OfferForm:
    form = OfferForm(**kwargs)
    form.set_choices(
        taxonomy.active_terms(session, OfferType),
        taxonomy.active_terms(session, TargetGroup),
        taxonomy.active_terms(session, OccupationalField, top_level_only=True),
        _address(customer),
    )
    return form


def _render_form(form, *, offer=None, status=200, extra_errors=None, conflict=False):
    session = context.db()
    customer = get_customer(session, _customer_id())
    return render_template(
        "kwis_job/selfservice/offer_form.html",
        active_tab=TAB_KEY,
        form=form,
        offer=offer,
        customer=customer,
        company_address=_address(customer),
        extra_errors=extra_errors or [],
        conflict=conflict,
    ), status


def _validated(form: OfferForm):
    """Run the form's and the service's checks together, so every problem shows at once."""
    session = context.db()
    form_ok = form.validate()
    try:
        offer_input.validate_input(session, form.to_input())
    except ValidationError as exc:
        return False, form.add_errors(exc.errors)
    return form_ok, []


def _render_index(status: int = 200, error: str | None = None):
    session = context.db()
    customer_id = _customer_id()
    overview = offer_display.overview(
        session, customer_id, _today(), utcnow(),
        int(current_app.config.get("KWIS_JOB_STALE_AFTER_DAYS", 365)),
    )
    views = recent_views(session, OFFER, [row.offer.id for row in overview.rows], _today())
    for row in overview.rows:
        if row.views is not None:  # released once: its page may have been seen
            row.views = views.get(row.offer.id, 0)
    return render_template(
        "kwis_job/selfservice/offers.html",
        active_tab=TAB_KEY,
        customer=get_customer(session, customer_id),
        profile=overview.profile,
        overview=overview,
        offers=[row.offer for row in overview.rows],
        action_form=ActionForm(),
        error=error,
    ), status


@bp.get("/angebote")
@access.company
@access.feature("offers")
def index():
    return _render_index()


@bp.route("/angebote/neu", methods=["GET", "POST"])
@access.company
@access.feature("offers")
def new():
    session, customer_id = context.db(), _customer_id()
    if profiles.profile_for_customer(session, customer_id) is None:
        return redirect(url_for(".index"))
    customer = get_customer(session, customer_id)
    if request.method == "GET":
        form = _build_form(session, customer, data=offers.prefill(session, customer_id))
        return _render_form(form)
    form = _build_form(session, customer)
    ok, extra = _validated(form)
    if not ok:
        return _render_form(form, status=422, extra_errors=extra)
    try:
        offer = offers.create_offer(
            session, customer_id, form.to_input(), _actor_id(), _geocoder()
        )
        session.commit()
    except ValidationError as exc:
        session.rollback()
        return _render_form(form, status=422, extra_errors=form.add_errors(exc.errors))
    flash(_("Das Angebot „%(title)s“ ist gespeichert. So sieht es öffentlich aus.",
            title=offer.title))
    return redirect(url_for(".preview", offer_id=offer.id), 303)


def _own_offer(offer_id: int):
    try:
        return offers.get_offer(context.db(), _customer_id(), offer_id)
    except NotFound:
        abort(404)


@bp.route("/angebote/<int(max=2147483647):offer_id>/bearbeiten", methods=["GET", "POST"])
@access.company
@access.feature("offers")
def edit(offer_id: int):
    session, customer_id = context.db(), _customer_id()
    offer = _own_offer(offer_id)
    customer = get_customer(session, customer_id)
    if "edit" not in offers.allowed_actions(offer):
        flash(_("Archivierte Angebote können nicht bearbeitet werden. Stellen Sie das Angebot "
                "wieder her oder legen Sie eine Kopie an."))
        return redirect(url_for(".preview", offer_id=offer.id), 303)
    if request.method == "GET":
        return _render_form(_build_form(session, customer, data=offer_input.form_values(offer)),
                            offer=offer)
    form = _build_form(session, customer)
    ok, extra = _validated(form)
    if not ok:
        return _render_form(form, offer=offer, status=422, extra_errors=extra)
    try:
        offers.update_offer(
            session, customer_id, offer.id, form.to_input(), form.expected_version(), _actor_id(),
            _geocoder(),
        )
        session.commit()
    except ValidationError as exc:
        session.rollback()
        return _render_form(form, offer=offer, status=422,
                            extra_errors=form.add_errors(exc.errors))
    except EditConflict:
        session.rollback()
        current = _own_offer(offer_id)
        form.version.data = str(current.version)
        form.version.raw_data = [str(current.version)]
        return _render_form(form, offer=current, status=409, conflict=True)
    flash(_("Ihre Änderungen an „%(title)s“ sind gespeichert.", title=offer.title))
    return redirect(url_for(".preview", offer_id=offer.id), 303)


@bp.get("/angebote/<int(max=2147483647):offer_id>")
@access.company
@access.feature("offers")
def preview(offer_id: int):
    session = context.db()
    offer = _own_offer(offer_id)
    today = _today()
    return render_template(
        "kwis_job/selfservice/offer_preview.html",
        active_tab=TAB_KEY,
        offer=offer,
        offer_view=offer_display.public_view(session, offer_snapshot(offer), today),
        employer_name=offer.profile.display_name,
        hints=offer_display.hints(offer, offer.profile, today),
        actions=offers.allowed_actions(offer),
        needs_review=offers.needs_review(session, offer),
        action_form=ActionForm(),
    )


def _action(offer_id: int, run: Callable, done: Callable[[object], str], target: str | None):
    """One button: check the token, run the service, commit, say what happened, go back."""
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    session = context.db()
    offer = _own_offer(offer_id)
    title = offer.title
    try:
        result = run(session, _customer_id(), offer.id, _actor_id())
        session.commit()
    except ValidationError as exc:
        session.rollback()
        return _render_index(422, error=" ".join(exc.errors.values()))
    flash(done(title))
    back = target or (form.back.data if form.back.data in BACK_TARGETS else "list")
    if back == "edit":
        return redirect(url_for(".edit", offer_id=result.id), 303)
    if back == "preview":
        return redirect(url_for(".preview", offer_id=offer_id), 303)
    return redirect(url_for(".index"), 303)


@bp.post("/angebote/<int(max=2147483647):offer_id>/einreichen")
@access.company
@access.feature("offers")
def submit(offer_id: int):
    def done(title):
        status = _own_offer(offer_id).status
        if status == "published":
            return _("„%(title)s“ ist veröffentlicht.", title=title)
        return _("„%(title)s“ ist zur Prüfung eingereicht. Wir melden uns, sobald es "
                 "freigegeben ist.", title=title)

    return _action(offer_id, offers.submit_offer, done, "list")


@bp.post("/angebote/<int(max=2147483647):offer_id>/kopieren")
@access.company
@access.feature("offers")
def duplicate(offer_id: int):
    return _action(
        offer_id, offers.duplicate_offer,
        lambda title: _("Kopie von „%(title)s“ angelegt. Passen Sie sie an und reichen Sie sie "
                        "ein.", title=title),
        "edit",
    )


@bp.post("/angebote/<int(max=2147483647):offer_id>/pausieren")
@access.company
@access.feature("offers")
def pause(offer_id: int):
    return _action(offer_id, offers.pause_offer,
                   lambda title: _("„%(title)s“ ist pausiert und öffentlich nicht mehr zu "
                                   "sehen.", title=title), None)


@bp.post("/angebote/<int(max=2147483647):offer_id>/fortsetzen")
@access.company
@access.feature("offers")
def resume(offer_id: int):
    return _action(offer_id, offers.resume_offer,
                   lambda title: _("„%(title)s“ ist wieder aktiv.", title=title), None)


@bp.post("/angebote/<int(max=2147483647):offer_id>/archivieren")
@access.company
@access.feature("offers")
def archive(offer_id: int):
    return _action(offer_id, offers.archive_offer,
                   lambda title: _("„%(title)s“ ist archiviert.", title=title), None)


@bp.post("/angebote/<int(max=2147483647):offer_id>/wiederherstellen")
@access.company
@access.feature("offers")
def restore(offer_id: int):
    """An archived offer back as an unpublished draft (``offers.restore_offer``). The button
    carries the version it was shown with; a change since then is a 409 with the list."""
    raw = request.form.get("version", "")
    version = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None

    def run(session, customer_id, offer_id, actor_id):
        return offers.restore_offer(session, customer_id, offer_id, actor_id,
                                    expected_version=version)

    try:
        return _action(
            offer_id, run,
            lambda title: _("„%(title)s“ ist wiederhergestellt, als Entwurf. Prüfen Sie es und "
                            "reichen Sie es erneut ein.", title=title),
            "preview",
        )
    except EditConflict:
        context.db().rollback()
        return _render_index(409, error=_(
            "Das Angebot wurde inzwischen geändert. Bitte sehen Sie es sich an und versuchen "
            "Sie es dann erneut."))


@bp.post("/angebote/<int(max=2147483647):offer_id>/loeschen")
@access.company
@access.feature("offers")
def delete(offer_id: int):
    return _action(offer_id, offers.delete_offer,
                   lambda title: _("Der Entwurf „%(title)s“ ist gelöscht.", title=title), "list")


@bp.post("/angebote/<int(max=2147483647):offer_id>/jaehrlich")
@access.company
@access.feature("offers")
def make_yearly(offer_id: int):
    return _action(offer_id, offers.make_yearly,
                   lambda title: _("„%(title)s“ wiederholt sich jetzt jedes Jahr. Prüfen Sie "
                                   "die Vorschau und reichen Sie es ein.", title=title),
                   "preview")


@bp.post("/angebote/<int(max=2147483647):offer_id>/aktuell")
@access.company
@access.feature("offers")
def confirm(offer_id: int):
    return _action(offer_id, offers.confirm_current,
                   lambda title: _("Danke! „%(title)s“ ist als aktuell bestätigt.", title=title),
                   None)
