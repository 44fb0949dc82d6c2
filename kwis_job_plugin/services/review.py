"""The agency's review decisions on submitted profiles and offers.

One entry point for both kinds, so the admin pages, and later a review API or mail link, decide
the same way: approval publishes the working copy, a return keeps the public version online and
tells the company why.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from ..models import EmployerProfile, Offer
from . import profiles, publication
from .errors import NotFound
from .snapshots import offer_snapshot

KINDS: dict[str, type] = {"profil": EmployerProfile, "angebot": Offer}
"""URL names of the reviewable kinds."""


def load(session: Session, kind: str, object_id: int) -> EmployerProfile | Offer:
    model = KINDS.get(kind)
    obj = session.get(model, object_id) if model is not None else None
    if obj is None:
        raise NotFound(f"{kind} {object_id}")
    return obj


def approve(session: Session, kind: str, object_id: int, reviewer_user_id: int):
    obj = load(session, kind, object_id)
    if isinstance(obj, EmployerProfile):
        profiles.approve_profile(session, obj, reviewer_user_id)
    else:
        publication.approve(session, obj, offer_snapshot, reviewer_user_id)
    return obj


def send_back(session: Session, kind: str, object_id: int, reviewer_user_id: int, comment: str):
    obj = load(session, kind, object_id)
    publication.reject(session, obj, reviewer_user_id, comment or "")
    return obj
