"""The personal link of a campaign's invitation: ``/selfservice/job/einladung/<token>``.

A company page (``access.company``): without a login the host's login comes first and leads
back here; then the visit is noted once as the funnel's step "logged in"
(``services.campaigns.follow_link``) and the company continues to its profile tab. A user of
another company, or an admin acting for one, is led on without anything noted; a token that is
not ours answers 404. Nothing else is written, so a GET with a side effect stays harmless: it
happens only for the logged-in company the link was made for, once.
"""

from __future__ import annotations

from flask import abort, current_app, redirect, url_for

from ..services import campaigns
from . import access, context
from .templating import make_blueprint

bp = make_blueprint("kwis_job_invitation", __name__)


@bp.get("/einladung/<string(maxlength=200):token>")
@access.company
def follow(token: str):
    session = context.db()
    user = context.user()
    customer = context.customer()
    acting = user.is_admin
    try:
        campaigns.follow_link(session, current_app.config["SECRET_KEY"], token,
                              None if acting or customer is None else customer.id,
                              actor_user_id=user.id)
    except campaigns.LinkRefused:
        session.rollback()
        abort(404)
    session.commit()
    return redirect(url_for("kwis_job_profile.edit"), 303)
