"""Regions and which region a customer belongs to (by the longest matching AGS prefix)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..i18n import gettext as _
from ..models import Region, RegionAgsPrefix
from ..models.region import REVIEW_RULES


class RegionError(ValueError):
    """Invalid region data; the message is German and meant for the person who entered it."""


def region_by_id(session: Session, region_id: int | None) -> Region | None:
    return session.get(Region, region_id) if region_id else None


def region_for_ags(session: Session, ags: str | None) -> Region | None:
    if not ags:
        return None
    prefix = session.scalar(
        select(RegionAgsPrefix)
        .where(func.substr(ags, 1, func.length(RegionAgsPrefix.prefix)) == RegionAgsPrefix.prefix)
        .order_by(func.length(RegionAgsPrefix.prefix).desc())
        .limit(1)
    )
    return prefix.region if prefix else None


def create_region(
    session: Session,
    slug: str,
    name: str,
    ags_prefixes: Iterable[str],
    review_rule: str = "every_change",
) -> Region:
    prefixes = [p.strip() for p in ags_prefixes if p.strip()]
    if review_rule not in REVIEW_RULES:
        raise RegionError(_("Unbekannte Prüfregel „%(rule)s“.", rule=review_rule))
    bad = [p for p in prefixes if not (p.isdigit() and 2 <= len(p) <= 8)]
    if bad:
        raise RegionError(
            _("Ungültiger AGS-Präfix: %(prefixes)s (2 bis 8 Ziffern).", prefixes=", ".join(bad))
        )
    if not prefixes:
        raise RegionError(_("Bitte geben Sie mindestens einen AGS-Präfix an."))
    taken = session.scalars(
        select(RegionAgsPrefix.prefix).where(RegionAgsPrefix.prefix.in_(prefixes))
    ).all()
    if taken:
        raise RegionError(
            _("AGS-Präfix bereits vergeben: %(prefixes)s.", prefixes=", ".join(taken))
        )
    if session.scalar(select(Region.id).where(Region.slug == slug)) is not None:
        raise RegionError(_("Das Kürzel „%(slug)s“ ist bereits vergeben.", slug=slug))
    region = Region(
        slug=slug,
        name=name,
        review_rule=review_rule,
        ags_prefixes=[RegionAgsPrefix(prefix=p) for p in prefixes],
    )
    session.add(region)
    session.flush()
    return region


def all_regions(session: Session) -> list[Region]:
    return list(session.scalars(select(Region).order_by(Region.name)))
