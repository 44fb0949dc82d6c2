"""Which companies of a region a campaign reaches.

A company belongs to the region whose AGS prefix is the longest that matches (as
``regions.region_for_ags``), so the filter first takes the customers under the region's
prefixes and then drops those a longer prefix of another region claims. The other filters are
leading parts (WZ code, postcode), an exact size class, and the company's presence in the
portal. Who would get the mail: the company's first self-service login (the account that can
follow the link), else the customer's own address; the contact person is the profile's, else
that login's name.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ...models import (
    Campaign,
    CampaignRecipient,
    EmployerProfile,
    MailOptOut,
    Offer,
    RegionAgsPrefix,
)
from ...models.host import customer_table, user_table

NO_PROFILE, HAS_PROFILE, HAS_OFFERS = "none", "profile", "offers"


@dataclass(frozen=True)
class Filters:
    wz: str | None = None
    size: str | None = None
    postcode: str | None = None
    presence: str = "all"

    @classmethod
    def of(cls, campaign: Campaign) -> Filters:
        return cls(campaign.filter_wz, campaign.filter_size, campaign.filter_postcode,
                   campaign.filter_presence or "all")


@dataclass(frozen=True)
class Candidate:
    customer_id: int
    name: str
    city: str | None
    postcode: str | None
    wz_code: str | None
    size_class: str | None
    presence: str
    """``none``, ``profile`` or ``offers`` (see ``models.campaign.PRESENCE_CHOICES``)."""
    contact_name: str | None
    address: str | None
    opted_out: bool
    invited: bool
    """Already invited by this campaign (a second send skips the company)."""

    @property
    def will_receive(self) -> bool:
        return bool(self.address) and not self.opted_out and not self.invited


def region_customer_ids(session: Session, region_id: int) -> list[int]:
    """The ids of the customers the region owns (longest AGS prefix wins)."""
    prefixes = {p.prefix: p.region_id for p in session.scalars(select(RegionAgsPrefix))}
    own = [p for p, r in prefixes.items() if r == region_id]
    if not own:
        return []
    rows = session.execute(
        select(customer_table.c.id, customer_table.c.ags)
        .where(or_(*(customer_table.c.ags.like(f"{p}%") for p in own)))
    )
    found = []
    for customer_id, ags in rows:
        best = max((p for p in prefixes if ags and ags.startswith(p)), key=len)
        if prefixes[best] == region_id:
            found.append(customer_id)
    return found


def size_classes(session: Session, region_id: int) -> list[str]:
    """The size classes the region's customers have (the filter's choices)."""
    ids = region_customer_ids(session, region_id)
    if not ids:
        return []
    return sorted(v for v in session.scalars(
        select(customer_table.c.size_class).where(customer_table.c.id.in_(ids)).distinct())
        if v)


def _presence(session: Session, ids: list[int]) -> dict[int, str]:
    profiles = dict(session.execute(
        select(EmployerProfile.customer_id, EmployerProfile.id)
        .where(EmployerProfile.customer_id.in_(ids))).all())
    with_offers = set(session.scalars(
        select(Offer.profile_id).where(Offer.profile_id.in_(list(profiles.values()) or [-1]))
        .where(Offer.status != "archived").distinct()))
    return {cid: (HAS_OFFERS if profiles[cid] in with_offers else HAS_PROFILE)
            for cid in profiles}


def _logins(session: Session, ids: list[int]) -> dict[int, tuple[str, str]]:
    """customer id → (e-mail, name) of its first company login."""
    found: dict[int, tuple[str, str]] = {}
    rows = session.execute(
        select(user_table.c.customer_id, user_table.c.email, user_table.c.display_name)
        .where(user_table.c.customer_id.in_(ids)).where(user_table.c.role == "company")
        .order_by(user_table.c.id))
    for customer_id, email, name in rows:
        found.setdefault(customer_id, (email, name))
    return found


def _matches(row, filters: Filters, presence: str) -> bool:
    if filters.wz and not (row.wz_code or "").startswith(filters.wz):
        return False
    if filters.size and row.size_class != filters.size:
        return False
    if filters.postcode and not (row.postcode or "").startswith(filters.postcode):
        return False
    if filters.presence == NO_PROFILE:
        return presence == NO_PROFILE
    if filters.presence == HAS_PROFILE:
        return presence in (HAS_PROFILE, HAS_OFFERS)
    if filters.presence == HAS_OFFERS:
        return presence == HAS_OFFERS
    return True


def select_companies(session: Session, region_id: int, filters: Filters,
                     campaign_id: int | None = None) -> list[Candidate]:
    """The region's companies the filters take, by name; with ``campaign_id``, those it
    already invited are marked (``invited``), as are those on the no-invitations list."""
    ids = region_customer_ids(session, region_id)
    if not ids:
        return []
    presence = _presence(session, ids)
    logins = _logins(session, ids)
    contacts = dict(session.execute(
        select(EmployerProfile.customer_id, EmployerProfile.contact_name)
        .where(EmployerProfile.customer_id.in_(ids))).all())
    opted = set(session.scalars(select(MailOptOut.customer_id)
                                .where(MailOptOut.customer_id.in_(ids))))
    invited = set()
    if campaign_id is not None:
        invited = set(session.scalars(select(CampaignRecipient.customer_id)
                                      .where(CampaignRecipient.campaign_id == campaign_id)))
    rows = session.execute(
        select(customer_table).where(customer_table.c.id.in_(ids))
        .order_by(func.lower(customer_table.c.name), customer_table.c.id))
    found = []
    for row in rows:
        state = presence.get(row.id, NO_PROFILE)
        if not _matches(row, filters, state):
            continue
        login = logins.get(row.id)
        address = login[0] if login else row.email
        contact = contacts.get(row.id) or (login[1] if login else None)
        found.append(Candidate(row.id, row.name, row.city, row.postcode, row.wz_code,
                               row.size_class, state, contact, address or None,
                               row.id in opted, row.id in invited))
    return found
