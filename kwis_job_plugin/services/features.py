"""Feature switches per region, read on every request and audited on every change.

No row means the feature's declared default. State lives only in the database so that every app
server sees a switch at once.
"""

from __future__ import annotations

from sqlalchemy import Row, and_, select, text
from sqlalchemy.orm import Session

from ..config import FEATURE_KEYS, FEATURES
from ..models import FeatureSwitch, Region
from . import audit

_DEFAULTS = {f.key: f.default_enabled for f in FEATURES}


class UnknownFeature(KeyError):
    def __str__(self) -> str:
        return f"unknown feature {self.args[0]!r}; declared: {', '.join(sorted(FEATURE_KEYS))}"


def _check(feature: str) -> None:
    if feature not in FEATURE_KEYS:
        raise UnknownFeature(feature)


def is_enabled(session: Session, feature: str, region_id: int | None) -> bool:
    """Whether ``feature`` is on in the region; customers outside every region get nothing."""
    _check(feature)
    if region_id is None:
        return False
    enabled = session.scalar(
        select(FeatureSwitch.enabled).where(
            FeatureSwitch.region_id == region_id, FeatureSwitch.feature_key == feature
        )
    )
    return _DEFAULTS[feature] if enabled is None else enabled


def states(session: Session, region_id: int) -> dict[str, bool]:
    rows = dict(
        session.execute(
            select(FeatureSwitch.feature_key, FeatureSwitch.enabled).where(
                FeatureSwitch.region_id == region_id
            )
        ).all()
    )
    return {f.key: rows.get(f.key, f.default_enabled) for f in FEATURES}


def enabled_region_ids(session: Session, feature: str) -> set[int]:
    _check(feature)
    rows = session.execute(
        select(Region.id, FeatureSwitch.enabled).outerjoin(
            FeatureSwitch,
            and_(FeatureSwitch.region_id == Region.id, FeatureSwitch.feature_key == feature),
        )
    ).all()
    default = _DEFAULTS[feature]
    return {region_id for region_id, enabled in rows if (default if enabled is None else enabled)}


_REGIONS_WITH = text(
    "SELECT r.id, r.slug, r.name, f.enabled FROM kwis_job_region r "
    "LEFT JOIN kwis_job_feature_switch f ON f.region_id = r.id AND f.feature_key = :feature "
    "ORDER BY r.name, r.id"
)


def regions_with(session: Session, feature: str) -> list[Row]:
    """(id, slug, name) of the regions with ``feature`` on, by name. Plain SQL: the portal
    asks on every request."""
    _check(feature)
    default = _DEFAULTS[feature]
    return [
        row for row in session.execute(_REGIONS_WITH, {"feature": feature})
        if (default if row.enabled is None else row.enabled)
    ]


def set_enabled(
    session: Session, region_id: int, feature: str, enabled: bool, actor_user_id: int | None
) -> bool:
    """Switch a feature; return whether anything changed (an unchanged switch is not audited)."""
    _check(feature)
    if session.get(Region, region_id) is None:
        raise LookupError(f"no region with id {region_id}")
    switch = session.scalar(
        select(FeatureSwitch).where(
            FeatureSwitch.region_id == region_id, FeatureSwitch.feature_key == feature
        )
    )
    before = _DEFAULTS[feature] if switch is None else switch.enabled
    if switch is None:
        switch = FeatureSwitch(region_id=region_id, feature_key=feature)
        session.add(switch)
    switch.enabled = enabled
    switch.changed_by_user_id = actor_user_id
    if before == enabled:
        session.flush()
        return False
    audit.record(
        session,
        "feature.enabled" if enabled else "feature.disabled",
        "region",
        region_id,
        actor_user_id=actor_user_id,
        region_id=region_id,
        details={"feature": feature, "fields": [feature], "before": {feature: before},
                 "after": {feature: enabled}},
    )
    session.flush()
    return True
