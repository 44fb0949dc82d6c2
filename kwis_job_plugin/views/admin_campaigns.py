"""Admin pages "Kampagnen": invite companies of the customer database and follow the funnel.

``/kampagnen`` lists the campaigns of the admin's regions; a campaign page holds its filters and
text (one form), the preview of the mail for the first company that would get it, the companies
the filters take (with their "no invitations" switch) and the send button; ``/verlauf`` is the
funnel. Every route with a campaign checks its region (``access.require_region`` through
``services.campaigns.get_campaign``: 404 for another region's campaign, as for an unknown one).
Mails go through the outbox; the personal link leads to ``views/invitation.py``.
"""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy.exc import IntegrityError

from ..forms.campaign import PRESENCE_LABELS, SIZE_LABELS, CampaignForm, NewCampaignForm
from ..i18n import gettext as _
from ..models import Region
from ..services import admin_scope, campaigns
from ..services.errors import NotFound, ValidationError
from . import access, context
from .templating import make_blueprint

bp = make_blueprint("kwis_job_admin_campaigns", __name__)
MENU_KEY = "kwis_job_campaigns"
ID = "int(max=2147483647)"
CAMPAIGN = f"/kampagnen/<{ID}:campaign_id>"


def _actor_id() -> int:
    return context.user().id


def _campaign(campaign_id: int):
    try:
        return campaigns.get_campaign(context.db(), campaign_id, access.admin_region_ids())
    except NotFound:
        abort(404)


def invitation_link(token: str) -> str:
    return url_for("kwis_job_invitation.follow", token=token, _external=True)


@bp.get("/kampagnen")
@access.admin
def index():
    session = context.db()
    found = campaigns.campaigns_for(session, access.admin_region_ids())
    regions = {r.id: r for r in admin_scope.visible_regions(session, access.admin_region_ids())}
    return render_template("kwis_job/admin/campaigns.html", active_menu=MENU_KEY,
                           campaigns=found, regions=regions)


def _new_form(**kwargs) -> NewCampaignForm:
    form = NewCampaignForm(**kwargs)
    form.set_choices(admin_scope.visible_regions(context.db(), access.admin_region_ids()))
    return form


@bp.route("/kampagnen/neu", methods=["GET", "POST"])
@access.admin
def new():
    session = context.db()
    if request.method == "GET":
        return render_template("kwis_job/admin/campaign_new.html", active_menu=MENU_KEY,
                               form=_new_form())
    form = _new_form()
    if form.validate_on_submit():
        region = session.get(Region, form.region_id.data) if form.region_id.data else None
        if region is None or not admin_scope.allows(access.admin_region_ids(), region.id):
            form.region_id.errors = [_("Bitte wählen Sie eine Ihrer Regionen.")]
        else:
            try:
                campaign = campaigns.create_campaign(session, region, form.title.data or "",
                                                     actor_user_id=_actor_id())
            except ValidationError as exc:
                session.rollback()
                form.add_errors(exc.errors)
            else:
                session.commit()
                flash(_("Die Kampagne „%(title)s“ ist angelegt. Wählen Sie jetzt die Betriebe "
                        "und prüfen Sie den Text.", title=campaign.title))
                return redirect(url_for(".show", campaign_id=campaign.id), 303)
    session.rollback()
    return render_template("kwis_job/admin/campaign_new.html", active_menu=MENU_KEY,
                           form=form), 422


def _form(campaign, **kwargs) -> CampaignForm:
    form = CampaignForm(**kwargs)
    form.set_choices(campaigns.size_classes(context.db(), campaign.region_id))
    return form


def _values(campaign) -> dict:
    return {key: getattr(campaign, key) or "" for key in (
        "title", "filter_wz", "filter_size", "filter_postcode", "filter_presence", "subject",
        "body_text")}


def _render(campaign, form: CampaignForm, status: int = 200):
    session = context.db()
    region = session.get(Region, campaign.region_id)
    chosen = campaigns.select_companies(session, campaign.region_id,
                                        campaigns.Filters.of(campaign), campaign.id)
    receivers = [c for c in chosen if c.will_receive]
    sample = receivers[0] if receivers else (chosen[0] if chosen else None)
    shown = None
    if sample is not None:
        shown = campaigns.preview(
            campaign.subject, campaign.body_text, sample, region.name,
            invitation_link(campaigns.issue_token(current_app.config["SECRET_KEY"],
                                                  campaign.id, sample.customer_id)))
    return render_template(
        "kwis_job/admin/campaign.html", active_menu=MENU_KEY, campaign=campaign,
        region=region, form=form, chosen=chosen, receivers=receivers, preview=shown,
        presence_labels=PRESENCE_LABELS, size_labels=SIZE_LABELS,
        placeholder_list=", ".join("{" + name + "}" for name in campaigns.PLACEHOLDERS),
    ), status


@bp.get(CAMPAIGN)
@access.admin
def show(campaign_id: int):
    campaign = _campaign(campaign_id)
    return _render(campaign, _form(campaign, data=_values(campaign)))


@bp.post(CAMPAIGN)
@access.admin
def save(campaign_id: int):
    session = context.db()
    campaign = _campaign(campaign_id)
    form = _form(campaign)
    if form.validate_on_submit():
        try:
            changed = campaigns.update_campaign(session, campaign, form.to_input(),
                                                actor_user_id=_actor_id())
        except ValidationError as exc:
            session.rollback()
            form.add_errors(exc.errors)
        else:
            session.commit()
            if changed:
                flash(_("Auswahl und Text sind gespeichert. Prüfen Sie die Vorschau."))
            return redirect(url_for(".show", campaign_id=campaign.id, _anchor="vorschau"), 303)
    session.rollback()
    return _render(_campaign(campaign_id), form, 422)


@bp.post(f"{CAMPAIGN}/senden")
@access.admin
def send(campaign_id: int):
    session = context.db()
    campaign = _campaign(campaign_id)
    try:
        result = campaigns.send(session, campaign,
                                secret_key=current_app.config["SECRET_KEY"],
                                link_for=invitation_link, actor_user_id=_actor_id())
        session.commit()
    except IntegrityError:
        session.rollback()
        flash(_("Gleichzeitig wurde diese Kampagne schon versendet; es ist nichts doppelt "
                "verschickt worden. Bitte senden Sie noch einmal: Bereits eingeladene Betriebe "
                "werden übersprungen."))
        return redirect(url_for(".show", campaign_id=campaign_id), 303)
    except ValidationError:
        session.rollback()
        flash(_("Der Text der Einladung ist noch nicht vollständig; bitte prüfen Sie ihn."))
        return redirect(url_for(".show", campaign_id=campaign_id), 303)
    flash(_("%(queued)d Einladungen sind im Versand. Übersprungen: %(already)d schon "
            "eingeladen, %(opted)d wünschen keine Einladungen, %(missing)d ohne "
            "E-Mail-Adresse.", queued=result.queued, already=result.already_invited,
            opted=result.opted_out, missing=result.without_address))
    return redirect(url_for(".funnel", campaign_id=campaign_id), 303)


@bp.get(f"{CAMPAIGN}/verlauf")
@access.admin
def funnel(campaign_id: int):
    session = context.db()
    campaign = _campaign(campaign_id)
    return render_template("kwis_job/admin/campaign_funnel.html", active_menu=MENU_KEY,
                           campaign=campaign, region=session.get(Region, campaign.region_id),
                           funnel=campaigns.funnel(session, campaign))


@bp.post(f"{CAMPAIGN}/betriebe/<{ID}:customer_id>/einladungen")
@access.admin
def opt_out(campaign_id: int, customer_id: int):
    """Switch a company's "no invitations" on (``keine=1``) or off (``keine=0``)."""
    session = context.db()
    campaign = _campaign(campaign_id)
    wanted = request.form.get("keine")
    try:
        changed = campaigns.set_opt_out(session, customer_id, wanted == "1",
                                        region_id=campaign.region_id,
                                        actor_user_id=_actor_id()) if wanted in ("0", "1") \
            else None
    except NotFound:
        session.rollback()
        abort(404)
    if changed is None:
        abort(400)
    session.commit()
    if changed:
        flash(_("Dieser Betrieb bekommt keine Einladungen mehr.") if wanted == "1"
              else _("Dieser Betrieb kann wieder eingeladen werden."))
    return redirect(url_for(".show", campaign_id=campaign_id, _anchor="betriebe"), 303)
