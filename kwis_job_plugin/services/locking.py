"""Optimistic locking of the companies' working copies (profiles and offers).

A form carries the ``version`` it was opened with; a save checks it, and the flush turns the
ORM's version mismatch into ``EditConflict``, which the views answer with 409 and the form.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from .errors import EditConflict


def check_version(expected: int | None, current: int) -> None:
    """The form's version must be the stored one; no version at all is a conflict too."""
    if expected is None or expected != current:
        raise EditConflict(f"version {expected} != {current}")


def flush_or_conflict(session: Session, *, duplicate_key_is_conflict: bool = False) -> None:
    """Flush; a concurrent save (the version check in the UPDATE failed) is an ``EditConflict``.

    With ``duplicate_key_is_conflict`` a unique key taken meanwhile is one as well (two first
    saves of the same profile at once). Its message is dropped: it would carry the row's values.
    """
    try:
        session.flush()
    except StaleDataError as exc:
        raise EditConflict(str(exc)) from exc
    except IntegrityError:
        if not duplicate_key_is_conflict:
            raise
        raise EditConflict(None) from None
