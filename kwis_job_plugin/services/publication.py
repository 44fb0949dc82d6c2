"""Publishing profiles and offers under the region's review rule.

A row is the company's working copy; ``published_snapshot`` is what the public sees. Publishing
copies the working copy into the snapshot, so an edit under review never blanks the public page,
and a rejection leaves the last approved version online. Every status change here refreshes the
search index in the same transaction (``search_index.refresh``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from sqlalchemy.orm import Session

from ..i18n import gettext as _
from ..models.base import utcnow
from ..models.region import Region
from . import audit, search_index
from .errors import ValidationError


class Publishable(Protocol):
    id: int
    status: str
    published_snapshot: dict[str, Any] | None
    stale_hidden_at: Any
    published_at: Any
    submitted_at: Any
    reviewed_at: Any
    reviewed_by_user_id: int | None
    review_comment: str | None


def needs_review(obj: Publishable, region: Region | None) -> bool:
    rule = region.review_rule if region is not None else "every_change"
    if rule == "none":
        return False
    if rule == "first_publication":
        return obj.published_snapshot is None
    return True


def submit(
    session: Session,
    obj: Publishable,
    region: Region | None,
    snapshot: Callable[[Any], dict[str, Any]],
    actor_user_id: int | None,
) -> str:
    """Submit the working copy; return the new status (``in_review`` or ``published``)."""
    if obj.status not in ("draft", "published"):
        raise ValidationError({"status": _("Nur Entwürfe können eingereicht werden.")})
    obj.submitted_at = utcnow()
    if needs_review(obj, region):
        obj.status, action = "in_review", "submitted"
    else:
        _publish(obj, snapshot)
        action = "published"
    kind = type(obj).__name__.lower()
    audit.record(
        session,
        f"{kind}.{action}",
        kind,
        obj.id,
        actor_user_id=actor_user_id,
        region_id=region.id if region else None,
    )
    session.flush()
    search_index.refresh(session, obj)
    return obj.status


def approve(
    session: Session,
    obj: Publishable,
    snapshot: Callable[[Any], dict[str, Any]],
    reviewer_user_id: int,
    *,
    region_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> None:
    """Publish the submitted working copy; ``region_id`` and ``details`` (no personal data,
    e.g. the reviewed version's fingerprint) go into the audit entry."""
    if obj.status != "in_review":
        raise ValidationError({"status": _("Nur eingereichte Inhalte können freigegeben werden.")})
    _publish(obj, snapshot)
    obj.reviewed_at, obj.reviewed_by_user_id, obj.review_comment = utcnow(), reviewer_user_id, None
    kind = type(obj).__name__.lower()
    audit.record(session, f"{kind}.approved", kind, obj.id, actor_user_id=reviewer_user_id,
                 region_id=region_id, details=details)
    session.flush()
    search_index.refresh(session, obj)


def reject(session: Session, obj: Publishable, reviewer_user_id: int, comment: str, *,
           region_id: int | None = None, details: dict[str, Any] | None = None) -> None:
    """Send back with a comment; a previously published version stays public. The audit
    entry gets ``region_id`` and ``details`` (never the comment: free text)."""
    if obj.status != "in_review":
        raise ValidationError(
            {"status": _("Nur eingereichte Inhalte können zurückgegeben werden.")}
        )
    if not comment.strip():
        raise ValidationError({"comment": _("Bitte begründen Sie die Rückgabe für den Betrieb.")})
    obj.status = "draft"
    obj.reviewed_at, obj.reviewed_by_user_id = utcnow(), reviewer_user_id
    obj.review_comment = comment.strip()
    kind = type(obj).__name__.lower()
    audit.record(session, f"{kind}.rejected", kind, obj.id, actor_user_id=reviewer_user_id,
                 region_id=region_id, details=details)
    session.flush()
    search_index.refresh(session, obj)


OFFLINE_STATUSES = ("paused", "archived")
"""Statuses whose published version stays off the portal."""


def is_public(obj: Publishable) -> bool:
    """Whether the public version is on the portal: released, neither paused nor archived, and
    not taken off by an unanswered staleness reminder (``stale_hidden_at``,
    ``services/staleness.py``). ``public_conditions`` is the same rule in SQL."""
    return (
        obj.published_snapshot is not None
        and obj.status not in OFFLINE_STATUSES
        and getattr(obj, "stale_hidden_at", None) is None
    )


def public_conditions(model: Any) -> tuple[Any, ...]:
    """``is_public`` as SQL conditions on ``model`` (``EmployerProfile`` or ``Offer``), for
    queries that must not load the snapshots."""
    return (
        model.published_snapshot.is_not(None),
        model.status.not_in(OFFLINE_STATUSES),
        model.stale_hidden_at.is_(None),
    )


def _publish(obj: Publishable, snapshot: Callable[[Any], dict[str, Any]]) -> None:
    obj.status = "published"
    obj.published_snapshot = snapshot(obj)
    obj.published_at = obj.published_at or utcnow()
