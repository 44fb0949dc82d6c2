"""Creating and changing campaigns (the filters and the text), audited.

The log names the changed fields and shows the filter values (fixed codes and digits); the
title and the text are the agency's free text and appear only as "changed" (``audit``'s rule).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...i18n import gettext as _
from ...models import Campaign, Region
from ...models.base import utcnow
from ...models.campaign import PRESENCE_CHOICES
from .. import admin_scope, audit
from ..errors import NotFound, ValidationError
from .texts import DEFAULT_BODY, DEFAULT_SUBJECT, check_template

TITLE_MAX, BODY_MAX = 200, 10000
_WZ = re.compile(r"^\d{1,2}(\.\d{1,2}(\.\d{0,2})?)?$")
_POSTCODE = re.compile(r"^\d{1,5}$")
SHOWN = ("filter_wz", "filter_size", "filter_postcode", "filter_presence")


@dataclass(frozen=True)
class CampaignInput:
    title: str
    filter_wz: str = ""
    filter_size: str = ""
    filter_postcode: str = ""
    filter_presence: str = "all"
    subject: str = ""
    body_text: str = ""


def get_campaign(session: Session, campaign_id: int,
                 region_ids: frozenset[int] | None) -> Campaign:
    """The campaign if the admin (``region_ids``, ``None`` = global) may manage it."""
    campaign = session.get(Campaign, campaign_id)
    if campaign is None or not admin_scope.allows(region_ids, campaign.region_id):
        raise NotFound()
    return campaign


def campaigns_for(session: Session, region_ids: frozenset[int] | None) -> list[Campaign]:
    statement = select(Campaign).order_by(Campaign.created_at.desc(), Campaign.id.desc())
    return list(session.scalars(admin_scope.narrow(statement, Campaign.region_id, region_ids)))


def _title(value: str) -> str:
    title = " ".join((value or "").split())
    if not title:
        raise ValidationError({"title": _("Bitte geben Sie der Kampagne einen Namen.")})
    if len(title) > TITLE_MAX:
        raise ValidationError({"title": _("Bitte kürzen Sie auf höchstens %(max)d Zeichen.",
                                          max=TITLE_MAX)})
    return title


def create_campaign(session: Session, region: Region, title: str, *,
                    actor_user_id: int | None) -> Campaign:
    """A new campaign of ``region`` with the default German text and no filters."""
    campaign = Campaign(region_id=region.id, title=_title(title), subject=DEFAULT_SUBJECT,
                        body_text=DEFAULT_BODY, filter_presence="all",
                        created_by_user_id=actor_user_id, created_at=utcnow(),
                        updated_at=utcnow())
    session.add(campaign)
    session.flush()
    audit.record(session, "campaign.created", "campaign", campaign.id,
                 actor_user_id=actor_user_id, region_id=region.id)
    session.flush()
    return campaign


def _checked(data: CampaignInput) -> dict[str, str | None]:
    errors: dict[str, str] = {}
    values: dict[str, str | None] = {}
    try:
        values["title"] = _title(data.title)
    except ValidationError as exc:
        errors.update(exc.errors)
    wz = (data.filter_wz or "").strip()
    if wz and not _WZ.match(wz):
        errors["filter_wz"] = _("Bitte geben Sie einen WZ-Schlüssel oder seinen Anfang an, "
                                "z. B. 62 oder 62.01.")
    values["filter_wz"] = wz or None
    postcode = (data.filter_postcode or "").strip()
    if postcode and not _POSTCODE.match(postcode):
        errors["filter_postcode"] = _("Bitte geben Sie eine Postleitzahl oder ihre ersten "
                                      "Ziffern an, z. B. 077.")
    values["filter_postcode"] = postcode or None
    values["filter_size"] = (data.filter_size or "").strip() or None
    if data.filter_presence not in PRESENCE_CHOICES:
        errors["filter_presence"] = _("Bitte wählen Sie eine der Möglichkeiten.")
    values["filter_presence"] = data.filter_presence
    subject = " ".join((data.subject or "").split())
    body = (data.body_text or "").replace("\r\n", "\n").strip()
    if len(body) > BODY_MAX:
        errors["body_text"] = _("Bitte kürzen Sie auf höchstens %(max)d Zeichen.", max=BODY_MAX)
    else:
        try:
            check_template(subject, body)
        except ValidationError as exc:
            errors.update(exc.errors)
    values["subject"], values["body_text"] = subject, body
    if errors:
        raise ValidationError(errors)
    return values


def update_campaign(session: Session, campaign: Campaign, data: CampaignInput, *,
                    actor_user_id: int | None) -> bool:
    """Check and store filters and text (``ValidationError`` keyed by field, nothing
    written); audited. Return whether anything changed."""
    values = _checked(data)
    before = {key: getattr(campaign, key) for key in values}
    if before == values:
        return False
    for key, value in values.items():
        setattr(campaign, key, value)
    audit.record(session, "campaign.updated", "campaign", campaign.id,
                 actor_user_id=actor_user_id, region_id=campaign.region_id,
                 details=audit.changes(before, values, shown=SHOWN))
    session.flush()
    return True
