"""The agency's review decisions on submitted profiles and offers.

One entry point for both kinds, so the admin pages, and later a review API or mail link, decide
the same way: approval publishes the working copy, a return keeps the public version online and
tells the company why.

A decision is bound to the version the reviewer saw. The review page shows the submitted version
(``submission``) together with its ``fingerprint``; the decision form sends the fingerprint back,
and ``approve``/``send_back`` refuse with ``EditConflict`` when the item now holds anything else
(the company edited and resubmitted in between). Nothing changes then, and the page shows the new
version with its new fingerprint.

Each decision, in its own transaction: the audit entry (who, what, the approved or returned
version's ``fingerprint``; never the note, which is free text) and the mail to the company
(``review_mails.decision_mail``, through the outbox). The admin pages list and open only what
the admin's regions hold (``waiting`` and ``region_of`` with ``admin_scope``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from ..i18n import gettext as _
from ..models import EmployerProfile, Media, Offer
from . import admin_scope, media, profiles, publication, review_mails
from .errors import EditConflict, NotFound, ValidationError
from .input_checks import has_forbidden_chars, without_forbidden_chars
from .snapshots import offer_snapshot, profile_snapshot

KINDS: dict[str, type] = {"profil": EmployerProfile, "angebot": Offer}
"""URL names of the reviewable kinds."""
SNAPSHOTS: dict[type, Callable[[Any], dict[str, Any]]] = {
    EmployerProfile: profile_snapshot,
    Offer: offer_snapshot,
}
UNORDERED_KEYS = ("fields", "occupations", "benefits", "target_groups")
"""Snapshot lists read from many-to-many tables without an order: sorted for the fingerprint,
so the database returning the same rows in another order is not a new version."""
FINGERPRINT_LENGTH = 64

NOTE_MAX_LENGTH = 2000
"""A send-back note is a few sentences to the company, not a document."""


@dataclass(frozen=True)
class Submission:
    """What a reviewer decides on: the item, the content approval would publish, its fingerprint."""

    kind: str
    obj: EmployerProfile | Offer
    snapshot: dict[str, Any]
    fingerprint: str


def load(session: Session, kind: str, object_id: int, *, for_update: bool = False
         ) -> EmployerProfile | Offer:
    """The item of ``kind`` (a key of ``KINDS``); with ``for_update`` its row is locked and
    read afresh, so a company's save waits until the decision is committed."""
    model = KINDS.get(kind)
    obj = None
    if model is not None:
        obj = session.get(model, object_id, with_for_update=for_update or None,
                          populate_existing=for_update)
    if obj is None:
        raise NotFound(f"{kind} {object_id}")
    return obj


def fingerprint(obj: EmployerProfile | Offer) -> str:
    """SHA-256 of exactly what approval would publish, as hex.

    Why a hash of the content rather than ``version`` or ``submitted_at``: ``version`` moves with
    every write of the row (also writes that do not change what the reviewer saw, such as a
    reminder stamp) but not with a write of a picture, which lives in its own row, and two
    submissions can share a timestamp. The hash
    covers the snapshot approval would write plus each picture's bytes (``sha256``) and
    description, i.e. everything the review page shows; an edit changes it whatever happens to
    the counters, and an edit that is later undone leaves it as it was, because the reviewer did
    see that content. Kind and id are part of it, so one item's value never fits another.
    """
    snapshot = dict(SNAPSHOTS[type(obj)](obj))
    for key in UNORDERED_KEYS:
        if isinstance(snapshot.get(key), list):
            snapshot[key] = sorted(snapshot[key], key=str)
    pictures = []
    if isinstance(obj, EmployerProfile):
        pictures = [[m.id, m.kind, m.sha256, m.alt_text or "", m.sort_order]
                    for m in media.live_media(obj)]
    payload = {"kind": type(obj).__name__, "id": obj.id, "content": snapshot,
               "pictures": pictures}
    raw = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def submission(session: Session, kind: str, object_id: int) -> Submission:
    """The item with the content approval would publish now (its working copy) and the
    fingerprint the decision form must send back. Also for items no longer in review, so a
    page can say so; ``NotFound`` for unknown ones."""
    obj = load(session, kind, object_id)
    return Submission(kind, obj, SNAPSHOTS[type(obj)](obj), fingerprint(obj))


def _check_seen(obj: EmployerProfile | Offer, seen_version: str | None) -> None:
    """The decision names the version on the reviewer's page; anything else is a conflict.

    A missing or malformed value is a conflict too: the page then shows the version to decide on.
    """
    seen = seen_version if isinstance(seen_version, str) else ""
    if len(seen) != FINGERPRINT_LENGTH or not hmac.compare_digest(
        seen.encode("utf-8", "replace"), fingerprint(obj).encode("ascii")
    ):
        raise EditConflict(f"{type(obj).__name__.lower()} {obj.id}: a newer version waits")


def region_id_of(obj: EmployerProfile | Offer | Media) -> int | None:
    """The region an item belongs to: its profile's (offers and pictures follow their
    company)."""
    if isinstance(obj, EmployerProfile):
        return obj.region_id
    return obj.profile.region_id if obj.profile is not None else None


def region_of(session: Session, kind: str, object_id: int) -> int | None:
    """The region of a reviewable item, for the admin's region check; ``NotFound`` for an
    unknown one."""
    return region_id_of(load(session, kind, object_id))


def waiting(session: Session, region_ids: frozenset[int] | None = None
            ) -> tuple[list[EmployerProfile], list[Offer]]:
    """What waits for review, oldest first, within ``region_ids`` (``admin_scope``: ``None``
    is every region and the companies outside them)."""
    profiles_query = admin_scope.narrow(
        select(EmployerProfile).where(EmployerProfile.status == "in_review"),
        EmployerProfile.region_id, region_ids,
    ).order_by(EmployerProfile.submitted_at, EmployerProfile.id)
    offers_query = admin_scope.narrow(
        select(Offer).join(EmployerProfile, EmployerProfile.id == Offer.profile_id)
        .where(Offer.status == "in_review"),
        EmployerProfile.region_id, region_ids,
    ).options(selectinload(Offer.profile), selectinload(Offer.offer_type)).order_by(
        Offer.submitted_at, Offer.id)
    return list(session.scalars(profiles_query)), list(session.scalars(offers_query))


def _decide(session: Session, kind: str, object_id: int, seen_version: str | None,
            decide: Callable[[EmployerProfile | Offer, dict[str, Any]], None]
            ) -> EmployerProfile | Offer:
    """Lock, check the seen version (only while in review: otherwise the status check of
    ``publication`` gives the clearer message), decide, flush; a concurrent save is a conflict.

    ``decide`` gets the item and the audit details (the decided version's fingerprint)."""
    obj = load(session, kind, object_id, for_update=True)
    if obj.status == "in_review":
        _check_seen(obj, seen_version)
    details = {"fingerprint": fingerprint(obj)}
    try:
        decide(obj, details)
        session.flush()
    except StaleDataError as exc:
        raise EditConflict(str(exc)) from exc
    return obj


def approve(session: Session, kind: str, object_id: int, reviewer_user_id: int, *,
            seen_version: str | None, links: review_mails.Links | None
            ) -> EmployerProfile | Offer:
    """Publish the submitted version, if it is still the one the reviewer saw, and queue the
    company's mail (links into its tab from ``links``).

    Raises ``EditConflict`` (nothing changed) when the item now holds another version,
    ``ValidationError`` when it is not in review, ``NotFound`` for an unknown item and
    ``review_mails.MissingLinks`` without ``links``.
    """
    review_mails.required(links)

    def decide(obj: EmployerProfile | Offer, details: dict[str, Any]) -> None:
        if isinstance(obj, EmployerProfile):
            profiles.approve_profile(session, obj, reviewer_user_id, details=details)
        else:
            publication.approve(session, obj, offer_snapshot, reviewer_user_id,
                                region_id=region_id_of(obj), details=details)
        review_mails.decision_mail(session, obj, review_mails.APPROVED, links=links)

    return _decide(session, kind, object_id, seen_version, decide)


def clean_note(comment: str | None) -> str:
    """The send-back note as stored: line breaks unified, outer spaces gone, checked.

    Refused at the field (``comment``), never stripped silently: control characters, NUL and
    bidirectional overrides, and more than ``NOTE_MAX_LENGTH`` characters. An empty note is left
    to ``publication.reject``, which owns that rule.
    """
    note = (comment or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if has_forbidden_chars(note, multi_line=True):
        raise ValidationError({"comment": _(
            "Der Hinweis enthielt Steuerzeichen oder unsichtbare Zeichen zur Schreibrichtung, "
            "die nicht gespeichert werden können. Bitte prüfen Sie den Text ohne diese Zeichen "
            "und senden Sie ihn erneut.")})
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError({"comment": _(
            "Der Hinweis ist zu lang: höchstens %(max)s Zeichen, Ihr Text hat %(length)s.",
            max=NOTE_MAX_LENGTH, length=len(note))})
    return note


def shown_note(comment: str | None) -> str:
    """The note to put back into the form after a refusal: without the characters
    ``clean_note`` refuses (they are invisible, so nobody could find them to delete them)."""
    return without_forbidden_chars(comment, multi_line=True)


def send_back(session: Session, kind: str, object_id: int, reviewer_user_id: int,
              comment: str | None, *, seen_version: str | None,
              links: review_mails.Links | None) -> EmployerProfile | Offer:
    """Return the submitted version with a note, if it is still the one the reviewer saw, and
    mail the note to the company.

    The public version (if any) stays online. Errors as in ``approve``; a bad note is a
    ``ValidationError`` at ``comment``. The version is checked first: a note on a version the
    reviewer has not seen is not worth correcting.
    """
    review_mails.required(links)

    def decide(obj: EmployerProfile | Offer, details: dict[str, Any]) -> None:
        note = clean_note(comment) if obj.status == "in_review" else (comment or "")
        publication.reject(session, obj, reviewer_user_id, note, region_id=region_id_of(obj),
                           details=details)
        review_mails.decision_mail(session, obj, review_mails.RETURNED, links=links,
                                   note=obj.review_comment or "")

    return _decide(session, kind, object_id, seen_version, decide)
