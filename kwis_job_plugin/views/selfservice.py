"""The company's two self-service tabs: employer profile and offers."""

from __future__ import annotations

from flask import render_template

from ..models.host import get_customer
from ..services import profiles
from . import access, context
from .templating import make_blueprint

bp = make_blueprint("kwis_job_selfservice", __name__)


@bp.get("/profil")
@access.company
@access.feature("profile")
def profile():
    session, customer = context.db(), context.customer()
    return render_template(
        "kwis_job/selfservice/profile.html",
        active_tab="kwis_job_profile",
        customer=get_customer(session, customer.id),
        profile=profiles.profile_for_customer(session, customer.id),
        offer_counts=profiles.offer_counts_by_status(session, customer.id),
    )


@bp.get("/angebote")
@access.company
@access.feature("offers")
def offers():
    session, customer = context.db(), context.customer()
    return render_template(
        "kwis_job/selfservice/offers.html",
        active_tab="kwis_job_offers",
        customer=get_customer(session, customer.id),
        profile=profiles.profile_for_customer(session, customer.id),
        offers=profiles.offers_for_customer(session, customer.id),
    )
