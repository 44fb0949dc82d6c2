"""Admin pages of the alerts feature, per region: the "Zurück in der Region" messages and the
Alumni-Karte to print.

A region admin reaches only the regions assigned (``access.require_region``: 404 for any other
id). Both pages work whether or not the region's ``alerts`` feature is on (the admin prepares
before switching on; the messages stay readable after switching off) and say when it is off.
"""

from __future__ import annotations

from flask import abort, render_template

from ..i18n import gettext as _
from ..models import Region
from ..services import features
from ..services.alerts import card, returnees
from . import access, context
from .alerts import subscribe_url
from .portal import format_date
from .templating import make_blueprint

bp = make_blueprint("kwis_job_admin_alerts", __name__)
REGION_ID = "<int(max=2147483647):region_id>"
CARDS_PER_SHEET = 4
"""A6 cards on one A4 sheet (two by two)."""


def _region(region_id: int) -> Region:
    access.require_region(region_id)
    region = context.db().get(Region, region_id)
    if region is None:
        abort(404)
    return region


@bp.get(f"/regionen/{REGION_ID}/zurueck-in-der-region")
@access.admin
def returnee_list(region_id: int):
    session = context.db()
    region = _region(region_id)
    return render_template(
        "kwis_job/admin/returnees.html", active_menu="kwis_job_regions", region=region,
        rows=returnees.for_region(session, region.id), format_date=format_date,
        feature_on=features.is_enabled(session, "alerts", region.id),
        keep_days=returnees.KEEP_DAYS,
    )


@bp.get(f"/regionen/{REGION_ID}/alumni-karte")
@access.admin
def cards(region_id: int):
    """A print page: A6 cards, four to an A4 sheet, each with the QR code."""
    region = _region(region_id)
    url = subscribe_url(region.slug, quelle=card.campaign_code(region.slug), _external=True)
    return render_template(
        "kwis_job/admin/alumni_card.html", active_menu="kwis_job_regions", region=region,
        url=url, cards=range(CARDS_PER_SHEET),
        qr=card.qr_svg(url, _("QR-Code: Benachrichtigungen von KWIS.job %(region)s bestellen",
                              region=region.name)),
        feature_on=features.is_enabled(context.db(), "alerts", region.id),
    )
