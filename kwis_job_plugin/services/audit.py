"""Write audit entries: who (``actor_user_id``), when (``at``), what (``action`` on
``object_type``/``object_id``, in ``region_id``) and, in ``details``, what changed.

The rule for ``details`` (the log is read by every admin of the region and kept for years):
field names always, values only when they cannot be personal data: ids, flags, numbers, dates,
statuses and other fixed keys (a feature, an event kind), colours, content hashes. Never free
text people wrote (titles, descriptions, notes, subjects, messages, alt texts), names, e-mail
addresses or phone numbers: for those the log says *that* the field changed, not how.
``changes`` applies the rule: the caller names the fields whose values may be shown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from ..models import AuditEntry

ON_BEHALF_INFO_KEY = "kwis_job_on_behalf_of"
"""``session.info`` key: the customer id an admin acts for in this transaction (set by the
views). ``record`` adds it to every entry as ``details["on_behalf_of"]``, so "who" stays the
admin and the log also says for which company, without every service passing it along."""


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
    details = dict(details or {})
    on_behalf_of = session.info.get(ON_BEHALF_INFO_KEY)
    if on_behalf_of is not None:
        details.setdefault("on_behalf_of", on_behalf_of)
    entry = AuditEntry(
        action=action,
        object_type=object_type,
        object_id=object_id,
        actor_user_id=actor_user_id,
        region_id=region_id,
        details=details,
    )
    session.add(entry)
    return entry


def _plain(value: Any) -> Any:
    """A JSON value for the log: dates as ISO text, sets as sorted lists."""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset | tuple):
        return sorted(_plain(v) for v in value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def changes(
    before: Mapping[str, Any], after: Mapping[str, Any], *, shown: Iterable[str] = ()
) -> dict[str, Any]:
    """``{"fields": [...], "before": {...}, "after": {...}}`` for the fields that differ.

    ``fields`` names every changed field; ``before``/``after`` hold the values only of those in
    ``shown`` (non-personal values, see the module docstring). Empty ``fields``: nothing
    changed, and the caller need not write an entry.
    """
    allowed = set(shown)
    names = sorted(k for k in set(before) | set(after) if before.get(k) != after.get(k))
    return {
        "fields": names,
        "before": {k: _plain(before.get(k)) for k in names if k in allowed},
        "after": {k: _plain(after.get(k)) for k in names if k in allowed},
    }
