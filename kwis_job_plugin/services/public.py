"""What the public may see, and in which order.

The default order is a deterministic daily rotation: a hash of the date and the item's id. It
favours no company by size, data volume or age, and everyone sees the same order on the same day.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import EmployerProfile

HIDDEN_STATUSES = ("paused", "archived")
"""A snapshot is public unless its working copy is paused or archived."""


def rotation_key(day: date, item_id: int) -> bytes:
    return hashlib.sha256(f"{day.isoformat()}:{item_id}".encode()).digest()


def published_profiles(
    session: Session, region_ids: Iterable[int], day: date
) -> list[EmployerProfile]:
    region_ids = list(region_ids)
    if not region_ids:
        return []
    profiles = session.scalars(
        select(EmployerProfile).where(
            EmployerProfile.published_snapshot.is_not(None),
            EmployerProfile.status.not_in(HIDDEN_STATUSES),
            EmployerProfile.region_id.in_(region_ids),
        )
    ).all()
    return sorted(profiles, key=lambda p: rotation_key(day, p.id))
