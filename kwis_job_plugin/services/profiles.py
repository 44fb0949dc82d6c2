"""Reading a company's own profile and offers for its self-service tabs."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from ..models import EmployerProfile, Offer


def profile_for_customer(session: Session, customer_id: int) -> EmployerProfile | None:
    return session.scalar(
        select(EmployerProfile).where(EmployerProfile.customer_id == customer_id)
    )


def offers_for_customer(session: Session, customer_id: int) -> list[Offer]:
    """The customer's offers, newest first. Ownership is the join, never a form value."""
    return list(
        session.scalars(
            select(Offer)
            .join(EmployerProfile, Offer.profile_id == EmployerProfile.id)
            .where(EmployerProfile.customer_id == customer_id)
            .options(selectinload(Offer.offer_type))
            .order_by(Offer.updated_at.desc(), Offer.id.desc())
        )
    )


def offer_counts_by_status(session: Session, customer_id: int) -> dict[str, int]:
    return dict(
        session.execute(
            select(Offer.status, func.count())
            .join(EmployerProfile, Offer.profile_id == EmployerProfile.id)
            .where(EmployerProfile.customer_id == customer_id)
            .group_by(Offer.status)
        ).all()
    )


def in_review(session: Session) -> tuple[list[EmployerProfile], list[Offer]]:
    profiles = session.scalars(
        select(EmployerProfile)
        .where(EmployerProfile.status == "in_review")
        .order_by(EmployerProfile.submitted_at)
    ).all()
    offers = session.scalars(
        select(Offer)
        .where(Offer.status == "in_review")
        .options(selectinload(Offer.profile), selectinload(Offer.offer_type))
        .order_by(Offer.submitted_at)
    ).all()
    return list(profiles), list(offers)
