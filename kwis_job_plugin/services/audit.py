"""Write audit entries. Details must never hold personal data (names, e-mail addresses)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from ..models import AuditEntry


def record(
    session: Session,
    action: str,
    object_type: str,
    object_id: int | None = None,
    *,
    actor_user_id: int | None = None,
    region_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    entry = AuditEntry(
        action=action,
        object_type=object_type,
        object_id=object_id,
        actor_user_id=actor_user_id,
        region_id=region_id,
        details=details or {},
    )
    session.add(entry)
    return entry
