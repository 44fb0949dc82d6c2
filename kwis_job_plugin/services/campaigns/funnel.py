"""How far a campaign's invitations led: invited → logged in → profile started → submitted →
published → has offers.

Each invited company counts up to the furthest step it has reached, so the counts never grow
from one step to the next and every company behind a step is also behind the steps before it
(a published profile was started and submitted, whether or not the link was used). The steps
are read from the state now: "logged in" is the personal link followed by a logged-in user of
the company (``CampaignRecipient.logged_in_at``); "profile started" a profile row; "submitted"
a profile ever submitted or published; "published" a profile on the portal
(``publication.public_conditions``); "has offers" such a profile with at least one offer on the
portal. A company with a profile from before the campaign counts where that profile stands:
select "no profile yet" to measure only new companies.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from ...i18n import N_
from ...models import Campaign, CampaignRecipient, EmployerProfile, Offer
from ...models.host import customer_table
from .. import publication

STEPS: tuple[tuple[str, str], ...] = (
    ("invited", N_("Eingeladen")),
    ("logged_in", N_("Angemeldet (persönlichen Link genutzt)")),
    ("started", N_("Profil begonnen")),
    ("submitted", N_("Eingereicht")),
    ("published", N_("Veröffentlicht")),
    ("offers", N_("Mit Angeboten im Portal")),
)
"""Step key → untranslated German label (the template translates it)."""


@dataclass(frozen=True)
class FunnelCompany:
    customer_id: int
    name: str
    city: str | None
    reached: int
    """Index into ``STEPS`` of the furthest step."""


@dataclass(frozen=True)
class Step:
    key: str
    label: str
    companies: list[FunnelCompany]

    @property
    def count(self) -> int:
        return len(self.companies)


@dataclass(frozen=True)
class Funnel:
    steps: list[Step]

    def counts(self) -> dict[str, int]:
        return {step.key: step.count for step in self.steps}


def _ids(session: Session, statement) -> set[int]:
    return set(session.scalars(statement))


def funnel(session: Session, campaign: Campaign) -> Funnel:
    recipients = session.execute(
        select(CampaignRecipient.customer_id, CampaignRecipient.logged_in_at,
               customer_table.c.name, customer_table.c.city)
        .join(customer_table, customer_table.c.id == CampaignRecipient.customer_id)
        .where(CampaignRecipient.campaign_id == campaign.id)
        .order_by(customer_table.c.name, customer_table.c.id)).all()
    ids = [r.customer_id for r in recipients] or [-1]
    in_campaign = EmployerProfile.customer_id.in_(ids)
    started = _ids(session, select(EmployerProfile.customer_id).where(in_campaign))
    submitted = _ids(session, select(EmployerProfile.customer_id).where(in_campaign).where(or_(
        EmployerProfile.submitted_at.is_not(None), EmployerProfile.published_snapshot.is_not(None),
        EmployerProfile.status.in_(("in_review", "published")))))
    published = _ids(session, select(EmployerProfile.customer_id).where(in_campaign)
                     .where(*publication.public_conditions(EmployerProfile)))
    with_offers = _ids(session, select(EmployerProfile.customer_id).distinct()
                       .join(Offer, Offer.profile_id == EmployerProfile.id)
                       .where(in_campaign)
                       .where(and_(*publication.public_conditions(EmployerProfile)))
                       .where(and_(*publication.public_conditions(Offer))))
    reached_sets = (None, None, started, submitted, published, with_offers)
    companies = []
    for row in recipients:
        reached = 1 if row.logged_in_at is not None else 0
        for index in range(2, len(STEPS)):
            if row.customer_id in reached_sets[index]:
                reached = index
        companies.append(FunnelCompany(row.customer_id, row.name, row.city, reached))
    return Funnel([
        Step(key, label, [c for c in companies if c.reached >= index])
        for index, (key, label) in enumerate(STEPS)
    ])
