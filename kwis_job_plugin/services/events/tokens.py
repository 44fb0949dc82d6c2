"""Tokens for the links in events mails: random, one purpose each, expiring, stored as hashes.

A token is ``secrets.token_urlsafe`` (256 bits) and goes out in exactly one mail; the database
keeps only its SHA-256, so a leaked table or backup cannot cancel anyone's place or confirm as a
guardian. ``find`` is the one check: a token that is unknown, meant for another purpose, expired,
used, or whose registration no longer allows the action is ``NotFound``, and views answer 404
to all of these alike, so a guesser learns nothing.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Registration, RegistrationToken
from ...models.event import TOKEN_PURPOSES
from ..errors import NotFound

TOKEN_BYTES = 32
MAX_TOKEN_LENGTH = 100
"""Longer input is no token of ours; refused before hashing."""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def issue(
    session: Session, registration: Registration, purpose: str, *, expires_at: datetime
) -> str:
    """A new token for ``purpose`` (``cancel`` or ``guardian``); returns the only plain copy."""
    if purpose not in TOKEN_PURPOSES:
        raise ValueError(f"unknown token purpose {purpose!r}")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    session.add(RegistrationToken(
        registration=registration, purpose=purpose, token_hash=digest(token),
        expires_at=expires_at,
    ))
    session.flush()
    return token


def find(session: Session, token: str, purpose: str, now: datetime) -> RegistrationToken:
    """The unused, unexpired token of ``purpose``; ``NotFound`` for anything else.

    ``now`` is naive UTC, like the stored ``expires_at``.
    """
    if not token or len(token) > MAX_TOKEN_LENGTH or purpose not in TOKEN_PURPOSES:
        raise NotFound("token")
    found = session.scalar(
        select(RegistrationToken).where(RegistrationToken.token_hash == digest(token))
        .execution_options(populate_existing=True)
    )
    if (
        found is None
        or found.purpose != purpose
        or found.used_at is not None
        or found.expires_at <= now
    ):
        raise NotFound("token")
    return found


def use(token: RegistrationToken, now: datetime) -> None:
    """Mark the token used: the same link never acts twice."""
    token.used_at = now


def retire(session: Session, registration: Registration, now: datetime) -> None:
    """Every open token of a registration that has ended (cancelled, expired) stops working."""
    for token in session.scalars(
        select(RegistrationToken).where(
            RegistrationToken.registration_id == registration.id,
            RegistrationToken.used_at.is_(None),
        )
    ):
        token.used_at = now
