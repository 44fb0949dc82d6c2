"""Admin page "E-Mail-Versand": what waits in the outbox, what went out, what failed and why.

A region admin sees and retries only the mails of their regions; mails without a region are
for global admins only (``services/mail/admin.py``)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for

from ..i18n import gettext as _
from ..services.errors import NotFound
from ..services.mail import admin as mail_admin
from . import access, context
from .templating import make_blueprint

bp = make_blueprint("kwis_job_admin_mail", __name__)

MENU_KEY = "kwis_job_mail"


@bp.get("/e-mail")
@access.admin
def index():
    return render_template(
        "kwis_job/admin/mail.html",
        active_menu=MENU_KEY,
        mail=mail_admin.overview(context.db(), region_ids=access.admin_region_ids()),
    )


@bp.post("/e-mail/<int(max=2147483647):mail_id>/erneut")
@access.admin
def retry(mail_id: int):
    session = context.db()
    try:
        mail = mail_admin.retry(session, mail_id, region_ids=access.admin_region_ids(),
                                actor_user_id=context.user().id)
    except NotFound:
        session.rollback()
        abort(404)
    session.commit()
    flash(_("Die E-Mail „%(subject)s“ wird erneut versendet.") % {"subject": mail.subject})
    return redirect(url_for(".index"))
