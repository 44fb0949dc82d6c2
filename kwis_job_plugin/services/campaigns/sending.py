"""Sending a campaign's invitations, the personal link, and the "no invitations" list.

Idempotent per campaign: each invited company gets a ``CampaignRecipient`` row in the same
transaction as its outbox mail, and the row's unique key (campaign, customer) lets a company be
invited once. ``send`` skips companies that already have the row, so sending again (after the
filters changed, or by accident) mails only the companies not yet invited; two sends racing each
other make the second transaction fail on the key (and on the outbox's ``dedupe_key``) and
nothing of it is written; the view says so and the admin sends again.

The personal link carries a signed token (itsdangerous with the app's ``SECRET_KEY`` and a salt
of its own; no table) naming the campaign and the company. It leads to a self-service page that
needs a login; once a user *of that company* is logged in and opens it, ``follow_link`` notes
the step "logged in" (once) and the view continues to the profile tab. A scanner that opens the
link meets the login page and notes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Campaign, CampaignRecipient, MailOptOut, Region
from ...models.base import utcnow
from ...models.host import get_customer
from .. import audit, regions
from ..errors import NotFound
from ..mail import outbox
from .selection import Filters, select_companies
from .texts import check_template, render, values

SALT = "kwis-job.campaign-link"
TOKEN_MAX = 200
MAIL_KIND = "campaign"


def _serializer(secret_key: str) -> URLSafeSerializer:
    if not secret_key:
        raise RuntimeError("The campaign link needs the app's SECRET_KEY: pass secret_key=.")
    return URLSafeSerializer(secret_key, salt=SALT)


def issue_token(secret_key: str, campaign_id: int, customer_id: int) -> str:
    return _serializer(secret_key).dumps({"c": campaign_id, "k": customer_id})


class LinkRefused(LookupError):
    """Not a link of ours (forged, cut off, or of a campaign that is gone)."""


def _read_token(secret_key: str, token: str) -> tuple[int, int]:
    if not token or len(token) > TOKEN_MAX:
        raise LinkRefused("length")
    try:
        data = _serializer(secret_key).loads(token)
    except BadSignature:
        raise LinkRefused("signature") from None
    if not (isinstance(data, dict) and isinstance(data.get("c"), int)
            and isinstance(data.get("k"), int)):
        raise LinkRefused("shape")
    return data["c"], data["k"]


@dataclass(frozen=True)
class SendResult:
    queued: int
    already_invited: int
    opted_out: int
    without_address: int


def send(session: Session, campaign: Campaign, *, secret_key: str,
         link_for: Callable[[str], str], actor_user_id: int | None,
         now: datetime | None = None) -> SendResult:
    """Queue the invitation of every selected company not yet invited by this campaign (see
    the module docstring). Flushes, never commits; the outbox mails and the recipient rows go
    together with the caller's commit."""
    check_template(campaign.subject, campaign.body_text)
    now = now or utcnow()
    region = session.get(Region, campaign.region_id)
    chosen = select_companies(session, campaign.region_id, Filters.of(campaign), campaign.id)
    queued = 0
    for company in chosen:
        if not company.will_receive:
            continue
        link = link_for(issue_token(secret_key, campaign.id, company.customer_id))
        filled = values(company, region.name, link)
        mail = outbox.queue(
            session, to=company.address, subject=render(campaign.subject, filled),
            text=render(campaign.body_text, filled), kind=MAIL_KIND,
            region_id=campaign.region_id,
            dedupe_key=f"campaign:{campaign.id}:{company.customer_id}")
        session.add(CampaignRecipient(campaign_id=campaign.id, customer_id=company.customer_id,
                                      outbox_mail_id=mail.id, invited_at=now))
        queued += 1
    session.flush()
    result = SendResult(
        queued=queued,
        already_invited=sum(1 for c in chosen if c.invited),
        opted_out=sum(1 for c in chosen if c.opted_out and not c.invited),
        without_address=sum(1 for c in chosen if not c.address and not c.invited
                            and not c.opted_out))
    if queued:
        campaign.last_sent_at = now
    audit.record(session, "campaign.sent", "campaign", campaign.id,
                 actor_user_id=actor_user_id, region_id=campaign.region_id,
                 details={"queued": result.queued, "already_invited": result.already_invited,
                          "opted_out": result.opted_out,
                          "without_address": result.without_address})
    session.flush()
    return result


def follow_link(session: Session, secret_key: str, token: str, customer_id: int | None,
                now: datetime | None = None, *, actor_user_id: int | None = None) -> bool:
    """The personal link was opened by a logged-in user of ``customer_id``: note the step
    "logged in" once. ``LinkRefused`` for a token that is not ours or names no invitation;
    ``False`` (nothing noted) when the user belongs to another company or it was noted
    before."""
    campaign_id, token_customer = _read_token(secret_key, token)
    recipient = session.scalar(
        select(CampaignRecipient).where(CampaignRecipient.campaign_id == campaign_id)
        .where(CampaignRecipient.customer_id == token_customer))
    if recipient is None:
        raise LinkRefused("no invitation")
    if customer_id != token_customer or recipient.logged_in_at is not None:
        return False
    recipient.logged_in_at = now or utcnow()
    campaign = session.get(Campaign, campaign_id)
    audit.record(session, "campaign.link_followed", "campaign", campaign_id,
                 actor_user_id=actor_user_id, region_id=campaign.region_id if campaign else None,
                 details={"customer_id": token_customer})
    session.flush()
    return True


def opted_out(session: Session, customer_id: int) -> bool:
    return session.get(MailOptOut, customer_id) is not None


def set_opt_out(session: Session, customer_id: int, wanted: bool, *, region_id: int,
                actor_user_id: int | None) -> bool:
    """Put the company on (``wanted``) or take it off the no-invitations list; only a company
    of ``region_id`` (``NotFound`` otherwise). Audited; return whether anything changed."""
    row = get_customer(session, customer_id)
    region = regions.region_for_ags(session, row.ags) if row is not None else None
    if region is None or region.id != region_id:
        raise NotFound()
    current = session.get(MailOptOut, customer_id)
    if (current is not None) == wanted:
        return False
    if wanted:
        session.add(MailOptOut(customer_id=customer_id, created_at=utcnow(),
                               created_by_user_id=actor_user_id))
    else:
        session.delete(current)
    audit.record(session, "customer.mail_opt_out" if wanted else "customer.mail_opt_in",
                 "customer", customer_id, actor_user_id=actor_user_id, region_id=region_id,
                 details=audit.changes({"no_invitations": not wanted},
                                       {"no_invitations": wanted}, shown=("no_invitations",)))
    session.flush()
    return True
