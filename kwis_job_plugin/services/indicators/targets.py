"""Yearly targets per region (``IndicatorTarget``), e.g. the pilot's 30 / 100 / 120 published
employer profiles with offers in years 1 to 3. Set by an admin on the dashboard; every change is
in the audit log with the number before and after (a target is not personal data)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...i18n import N_
from ...i18n import gettext as _
from ...models import IndicatorTarget, Region
from .. import audit
from ..errors import NotFound, ValidationError

PROFILES_WITH_OFFERS = "profiles_with_offers"
METRICS = {
    PROFILES_WITH_OFFERS: N_("Veröffentlichte Arbeitgeberprofile mit mindestens einem Angebot"),
}
"""The indicators that have a target, with their German names."""
TARGET_RANGE = (0, 100_000)
YEAR_RANGE = (2000, 2100)


def targets(session: Session, region_id: int, year: int) -> dict[str, int]:
    """The region's targets of ``year`` by metric; a metric without a target is missing."""
    rows = session.execute(
        select(IndicatorTarget.metric, IndicatorTarget.target).where(
            IndicatorTarget.region_id == region_id, IndicatorTarget.year == year
        )
    ).all()
    return {metric: target for metric, target in rows}


def _check(metric: str, year: object, target: object) -> tuple[int, int]:
    errors = {}
    if metric not in METRICS:
        errors["metric"] = _("Für diese Kennzahl gibt es kein Ziel.")
    low, high = YEAR_RANGE
    if isinstance(year, bool) or not isinstance(year, int) or not low <= year <= high:
        errors["year"] = _("Bitte wählen Sie ein Jahr zwischen %(low)d und %(high)d.",
                           low=low, high=high)
    low, high = TARGET_RANGE
    if isinstance(target, bool) or not isinstance(target, int) or not low <= target <= high:
        errors["target"] = _("Bitte geben Sie eine ganze Zahl von %(low)d bis %(high)d ein.",
                             low=low, high=high)
    if errors:
        raise ValidationError(errors)
    return year, target  # type: ignore[return-value]


def set_target(
    session: Session, region_id: int, year: int, metric: str, target: int, *,
    actor_user_id: int | None,
) -> IndicatorTarget:
    """Set the region's target for ``metric`` in ``year`` (0 to 100,000); flushes.

    Checks everything before writing (``ValidationError`` keyed ``target``/``year``/``metric``;
    ``NotFound`` for an unknown region), so a refused value changes nothing. An unchanged target
    writes no audit entry."""
    year, target = _check(metric, year, target)
    if session.get(Region, region_id) is None:
        raise NotFound(region_id)
    row = session.scalar(select(IndicatorTarget).where(
        IndicatorTarget.region_id == region_id, IndicatorTarget.year == year,
        IndicatorTarget.metric == metric,
    ))
    before = {"target": row.target if row is not None else None}
    if row is None:
        row = IndicatorTarget(region_id=region_id, year=year, metric=metric, target=target)
        session.add(row)
    if before["target"] == target:
        return row
    row.target = target
    row.updated_by_user_id = actor_user_id
    session.flush()
    details = audit.changes(before, {"target": target}, shown=["target"])
    details.update(year=year, metric=metric)
    audit.record(session, "indicator_target.set", "indicator_target", row.id,
                 actor_user_id=actor_user_id, region_id=region_id, details=details)
    session.flush()
    return row
