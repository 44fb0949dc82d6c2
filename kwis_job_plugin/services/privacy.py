"""Everything the plug-in holds about one e-mail address: export it, or erase it (GDPR Art. 15/17).

The plug-in's tables that hold visitors' addresses:

* ``kwis_job_registration``: ``email`` (the visitor, or a teacher for a class) and
  ``guardian_email`` (a parent confirming for a pupil under 16). Erasing a guardian's address
  erases the registration it guards: the registration cannot stand without its confirmation,
  and it holds the guardian's address. Its tokens (``kwis_job_registration_token``) go with it.
* ``kwis_job_mail_outbox``: ``to_addr``, with the mail's text (pending mails too: erased, they
  are never sent).
* ``kwis_job_alert_subscription``: ``email`` (its digests go with it);
* ``kwis_job_returnee``: ``email``.

Companies' and regions' contact addresses (``EmployerProfile.contact_email``,
``Offer.apply_email``, ``Region.contact_email``) are business contact data that the company or
the agency maintains and publishes; the export lists them, erasing leaves them for their owner
to change (the count ``contacts_kept`` says how many). The audit log must never hold addresses;
the export lists any entry that mentions the address anyway, and erasing blanks the address out
of such entries (the entry itself stays: the log says who did what, not to whom).
The host's own tables (users, customers) are the host's to export and erase.

A limit: an outbox row names its recipient, not the registration it is about, so a mail to a
guardian that names the pupil (``registration.guardian_request``) is found by the guardian's
address, not the pupil's; it goes with the guardian's erase, or ``KWIS_JOB_OUTBOX_KEEP_DAYS``
after it was sent (``retention.run``).

An erased registration that held places gives them back as a cancellation does: under the slot's
lock (``registrations.lock_slot``), recounted, and the first people waiting move up
(``registrations.apply_capacity``).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from sqlalchemy import String, cast, delete, func, or_, select
from sqlalchemy.orm import Session

from ..models import (
    AlertDigest,
    AlertSubscription,
    AuditEntry,
    EmployerProfile,
    Event,
    EventParticipation,
    Offer,
    OutboxMail,
    Region,
    Registration,
    RegistrationToken,
    Returnee,
    Slot,
)
from ..models.base import utcnow
from ..models.event import ACTIVE_REGISTRATION_STATUSES, HOLDING_STATUSES
from . import audit
from .errors import ValidationError
from .events import mails
from .events import registrations as registration_service

ADDRESS_MAX = 254
REDACTED = "[gelöscht]"


def normalise_address(address: str) -> str:
    """The address as stored for comparison: outer spaces removed, lower-cased.

    Refuses what cannot be one address (nothing, spaces or control characters inside, not exactly
    one ``@``, too long), with a German message keyed ``address``.
    """
    value = (address or "").strip()
    if (
        not value
        or len(value) > ADDRESS_MAX
        or value.count("@") != 1
        or value.startswith("@")
        or value.endswith("@")
        or any(not c.isprintable() or c.isspace() for c in value)
    ):
        raise ValidationError({"address": "Bitte eine einzelne E-Mail-Adresse angeben."})
    return value.lower()


def export(session: Session, address: str) -> dict[str, Any]:
    """Everything held about ``address`` (case-insensitive), as JSON-ready data; reads only."""
    address = normalise_address(address)
    return {
        "address": address,
        "registrations": [_registration_data(r, address) for r in _registrations(session, address)],
        "mails": [_mail_data(m) for m in _mails(session, address)],
        "alert_subscriptions": [_alert_data(session, a) for a in _alerts(session, address)],
        "returnees": [_returnee_data(r) for r in _returnees(session, address)],
        "contacts": _contacts(session, address),
        "audit_entries": [
            {"id": e.id, "at": _iso(e.at), "action": e.action, "object_type": e.object_type,
             "object_id": e.object_id, "details": e.details}
            for e in _audit_entries(session, address)
        ],
    }


def erase(session: Session, address: str, *, now: datetime | None = None,
          links: mails.Links | None = None) -> dict[str, int]:
    """Delete everything held about ``address``; returns how many rows of each kind went
    (``places_released``: places, party sizes summed, that erased registrations held).

    Flushes, the caller commits: one transaction, so an erase is all or nothing. Active
    registrations are ended first, slot by slot under the slot's lock, and the slot recounted
    with the waiting list moving up (``registrations.apply_capacity``: the promoted people get
    their mail, built with ``links``); the erased person gets no mail. Then the registrations,
    their tokens, the mails to the address (pending ones too) and
    the alert subscriptions are deleted, and the address is blanked out of audit entries. The
    audit log notes the erasure with these counts, without the address.
    Raises ``registrations.SlotBusy`` when a slot's lock is not granted in time, and
    ``LinksUnavailable`` when someone moves up but no ``links`` were given; the caller rolls
    back then.
    """
    address = normalise_address(address)
    now = now or utcnow()
    registrations = _registrations(session, address)
    reg_ids = [r.id for r in registrations]
    released = _release(session, reg_ids, now, links if links is not None else _NoLinks())
    tokens = _delete(session, RegistrationToken, RegistrationToken.registration_id.in_(reg_ids))
    regs = _delete(session, Registration, Registration.id.in_(reg_ids))
    mails_deleted = _delete(session, OutboxMail, func.lower(OutboxMail.to_addr) == address)
    alerts = _delete(session, AlertSubscription, func.lower(AlertSubscription.email) == address)
    returnee_rows = _delete(session, Returnee, func.lower(Returnee.email) == address)
    audits = 0
    for entry in _audit_entries(session, address):
        entry.details = _redacted(entry.details, address)
        audits += 1
    counts = {
        "registrations": regs,
        "places_released": released,
        "tokens": tokens,
        "mails": mails_deleted,
        "alert_subscriptions": alerts,
        "returnees": returnee_rows,
        "audit_entries": audits,
        "contacts_kept": len(_contacts(session, address)),
    }
    # That an erasure happened is kept (accountability), never whose: numbers only.
    audit.record(session, "privacy.erased", "address", details=dict(counts))
    session.flush()
    session.expire_all()
    return counts


def _release(session: Session, reg_ids: list[int], now: datetime, links: mails.Links) -> int:
    """End the active ones among ``reg_ids`` and let their slots' waiting lists move up; slots
    are locked in id order (as ``cancel_by_organiser`` does, so the two never deadlock).
    Returns the places (party sizes) that were held."""
    slot_ids = sorted(set(session.scalars(
        select(Registration.slot_id).where(
            Registration.id.in_(reg_ids), Registration.status.in_(ACTIVE_REGISTRATION_STATUSES)
        )
    )))
    released = 0
    for slot_id in slot_ids:
        slot = registration_service.lock_slot(session, slot_id)
        active = session.scalars(
            select(Registration).where(
                Registration.slot_id == slot_id, Registration.id.in_(reg_ids),
                Registration.status.in_(ACTIVE_REGISTRATION_STATUSES),
            ).execution_options(populate_existing=True)
        ).all()
        for registration in active:
            if registration.status in HOLDING_STATUSES:
                released += registration.party_size
            registration.status = "cancelled"
            registration.cancelled_at = now
            registration.pending_until = None
        session.flush()
        registration_service.apply_capacity(session, slot, now, links=links)
    return released


class LinksUnavailable(mails.MissingLinks):
    """Someone moves up and gets a mail, but the erase was given no mail links."""


class _NoLinks:
    """Stands in for missing links until a mail needs one: an erase that promotes nobody works
    without a host (the plain command line); one that promotes fails loudly."""

    def _fail(self, *_args) -> str:
        raise LinksUnavailable(
            "Someone moves up from the waiting list and gets a mail with links, but "
            "privacy.erase got links=None: pass links= (views.registration.links() or "
            "offline_links(...))."
        )

    cancel = guardian = event = _fail


def _registrations(session: Session, address: str) -> list[Registration]:
    return list(session.scalars(
        select(Registration)
        .where(or_(
            func.lower(Registration.email) == address,
            func.lower(Registration.guardian_email) == address,
        ))
        .order_by(Registration.id)
    ))


def _mails(session: Session, address: str) -> list[OutboxMail]:
    return list(session.scalars(
        select(OutboxMail).where(func.lower(OutboxMail.to_addr) == address).order_by(OutboxMail.id)
    ))


def _alerts(session: Session, address: str) -> list[AlertSubscription]:
    return list(session.scalars(
        select(AlertSubscription)
        .where(func.lower(AlertSubscription.email) == address)
        .order_by(AlertSubscription.id)
    ))


def _audit_entries(session: Session, address: str) -> list[AuditEntry]:
    pattern = "%" + address.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return list(session.scalars(
        select(AuditEntry)
        .where(func.lower(cast(AuditEntry.details, String)).like(pattern, escape="\\"))
        .order_by(AuditEntry.id)
    ))


def _contacts(session: Session, address: str) -> list[dict[str, Any]]:
    profiles = session.execute(
        select(EmployerProfile.id, EmployerProfile.display_name)
        .where(func.lower(EmployerProfile.contact_email) == address)
        .order_by(EmployerProfile.id)
    ).all()
    offers = session.execute(
        select(Offer.id, Offer.title)
        .where(func.lower(Offer.apply_email) == address)
        .order_by(Offer.id)
    ).all()
    regions = session.execute(
        select(Region.id, Region.name)
        .where(func.lower(Region.contact_email) == address)
        .order_by(Region.id)
    ).all()
    return (
        [{"kind": "profile_contact", "id": i, "name": n} for i, n in profiles]
        + [{"kind": "offer_apply", "id": i, "name": n} for i, n in offers]
        + [{"kind": "region_contact", "id": i, "name": n} for i, n in regions]
    )


def _registration_data(registration: Registration, address: str) -> dict[str, Any]:
    slot: Slot = registration.slot
    participation: EventParticipation = slot.participation
    event: Event = participation.event
    roles = []
    if (registration.email or "").lower() == address:
        roles.append("visitor")
    if (registration.guardian_email or "").lower() == address:
        roles.append("guardian")
    return {
        "id": registration.id,
        "roles": roles,
        "event": {"id": event.id, "title": event.title, "starts_on": _iso(event.starts_on),
                  "ends_on": _iso(event.ends_on)},
        "company": participation.profile.display_name,
        "slot": {"id": slot.id, "title": slot.title, "starts_at": _iso(slot.starts_at),
                 "ends_at": _iso(slot.ends_at)},
        "status": registration.status,
        "first_name": registration.first_name,
        "last_name": registration.last_name,
        "email": registration.email,
        "school": registration.school,
        "grade": registration.grade,
        "party_size": registration.party_size,
        "under_16": registration.under_16,
        "guardian_email": registration.guardian_email,
        "created_at": _iso(registration.created_at),
        "guardian_confirmed_at": _iso(registration.guardian_confirmed_at),
        "pending_until": _iso(registration.pending_until),
        "confirmed_at": _iso(registration.confirmed_at),
        "promoted_at": _iso(registration.promoted_at),
        "cancelled_at": _iso(registration.cancelled_at),
        "checked_in_at": _iso(registration.checked_in_at),
        "reminder_sent_at": _iso(registration.reminder_sent_at),
        "tokens": [
            {"purpose": t.purpose, "created_at": _iso(t.created_at),
             "expires_at": _iso(t.expires_at), "used_at": _iso(t.used_at)}
            for t in sorted(registration.tokens, key=lambda t: t.id)
        ],
    }


def _mail_data(mail: OutboxMail) -> dict[str, Any]:
    return {
        "id": mail.id,
        "to": mail.to_addr,
        "subject": mail.subject,
        "text": mail.body_text,
        "html": mail.body_html,
        "ics": mail.ics,
        "kind": mail.kind,
        "status": mail.status,
        "created_at": _iso(mail.created_at),
        "sent_at": _iso(mail.sent_at),
    }


def _returnees(session: Session, address: str) -> list[Returnee]:
    return list(session.scalars(
        select(Returnee).where(func.lower(Returnee.email) == address).order_by(Returnee.id)))


def _returnee_data(row: Returnee) -> dict[str, Any]:
    return {
        "id": row.id, "region_id": row.region_id, "name": row.name, "email": row.email,
        "looking_for": row.looking_for, "consent_version": row.consent_version,
        "created_at": _iso(row.created_at),
    }


def _alert_data(session: Session, alert: AlertSubscription) -> dict[str, Any]:
    return {
        "id": alert.id,
        "email": alert.email,
        "region_id": alert.region_id,
        "interests": alert.interests,
        "frequency": alert.frequency,
        "status": alert.status,
        "consent_version": alert.consent_version,
        "return_hint": alert.return_hint,
        "source": alert.source,
        "created_at": _iso(alert.created_at),
        "confirm_until": _iso(alert.confirm_until),
        "confirmed_at": _iso(alert.confirmed_at),
        "last_sent_at": _iso(alert.last_sent_at),
        "digests": [
            {"period": d.period, "items": d.items, "created_at": _iso(d.created_at)}
            for d in session.scalars(select(AlertDigest).where(
                AlertDigest.subscription_id == alert.id).order_by(AlertDigest.id))
        ],
    }


def _redacted(value: Any, address: str) -> Any:
    """``value`` (JSON data) with every occurrence of ``address`` replaced, in any case."""
    if isinstance(value, str):
        pattern = re.compile(re.escape(address), re.IGNORECASE)
        return pattern.sub(REDACTED, value)
    if isinstance(value, dict):
        return {_redacted(k, address): _redacted(v, address) for k, v in value.items()}
    if isinstance(value, list):
        return [_redacted(v, address) for v in value]
    return value


def _delete(session: Session, model, condition) -> int:
    result = session.execute(
        delete(model).where(condition).execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
