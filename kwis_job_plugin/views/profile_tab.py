"""The self-service tab "Arbeitgeberprofil": the company's employer profile."""

from __future__ import annotations

from flask import render_template

from ..models.host import get_customer
from ..services import profiles
from . import access, context
from .templating import make_blueprint

bp = make_blueprint("kwis_job_profile", __name__)
TAB_KEY = "kwis_job_profile"


@bp.get("/profil")
@access.company
@access.feature("profile")
def edit():
    session, customer = context.db(), context.customer()
    return render_template(
        "kwis_job/selfservice/profile.html",
        active_tab=TAB_KEY,
        customer=get_customer(session, customer.id),
        profile=profiles.profile_for_customer(session, customer.id),
        offer_counts=profiles.offer_counts_by_status(session, customer.id),
    )
