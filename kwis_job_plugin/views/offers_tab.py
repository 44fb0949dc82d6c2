"""The self-service tab "Angebote": the company's offers."""

from __future__ import annotations

from flask import render_template

from ..models.host import get_customer
from ..services import profiles
from . import access, context
from .templating import make_blueprint

bp = make_blueprint("kwis_job_offers", __name__)
TAB_KEY = "kwis_job_offers"


@bp.get("/angebote")
@access.company
@access.feature("offers")
def index():
    session, customer = context.db(), context.customer()
    return render_template(
        "kwis_job/selfservice/offers.html",
        active_tab=TAB_KEY,
        customer=get_customer(session, customer.id),
        profile=profiles.profile_for_customer(session, customer.id),
        offers=profiles.offers_for_customer(session, customer.id),
    )
