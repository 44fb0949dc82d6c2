"""Subscribing to alerts with double opt-in, confirming, unsubscribing, expiring requests.

Why it is built this way:

- One row per address (``email`` unique, lower-case). A request for an address that already
  has a pending (not yet expired) or confirmed subscription changes nothing and queues no mail,
  and the visitor sees the same answer as for a new address: at most one confirmation mail per
  address is ever pending, however often the form is sent, and the page tells nobody whether
  an address is subscribed. Two requests racing for one address meet at the unique index; the
  view rolls the loser back and answers the same.
- The confirmation link carries a random token; only its SHA-256 is stored. A request expires
  after ``hold_hours`` and is deleted by ``expire`` (``kwis-job alerts tick``).
- The consent record is the row itself: ``consent_version`` (of ``CONSENT_TEXT``),
  ``created_at`` and ``confirmed_at``.
- The unsubscribe link (in every digest and in the ``List-Unsubscribe`` header) is signed with
  the app's secret over the row's id and a digest of the address, so it needs no stored token
  and an old link cannot remove a later subscription that happens to get the same id.
  Unsubscribing deletes the row and its digests.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ...i18n import force_locale
from ...i18n import gettext as _
from ...i18n import lazy_gettext as _l
from ...models import AlertSubscription, OccupationalField, OfferType, Region
from ..errors import ValidationError
from ..events.registrations import EMAIL_MAX, EMAIL_RE
from ..input_checks import has_forbidden_chars
from ..mail import outbox
from .periods import FREQUENCIES

KIND = "alert"
CONSENT_VERSION = "2026-12"
CONSENT_TEXT = _l(
    "Ich bin einverstanden, dass die Wirtschaftsförderung mir zu den gewählten Interessen neue "
    "Angebote und Veranstaltungen per E-Mail schickt, so oft wie gewählt. Dafür speichert sie "
    "meine E-Mail-Adresse, meine Auswahl und die Zeitpunkte von Bestellung und Bestätigung. "
    "Ich kann mich jederzeit über den Link in jeder E-Mail abmelden; dann wird alles gelöscht.")
"""What the visitor agrees to; change ``CONSENT_VERSION`` whenever this text changes."""
UNSUBSCRIBE_SALT = "kwis-job.alert-unsubscribe"
RETURN_HINT_UNSURE = "unsure"
SOURCE_MAX = 60


@dataclass(frozen=True)
class SubscriptionInput:
    """What the form sends, as typed (the lists as chosen)."""

    email: str
    regions: list[int] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    events: bool = False
    frequency: str = ""
    return_month: str = ""
    """``YYYY-MM``, ``unsure`` or empty."""
    consent: bool = False
    source: str = ""


@dataclass(frozen=True)
class Choices:
    """What a region's subscription page offers: (id, name) of regions with alerts on, and
    (key, name) of the active offer types and top-level occupational fields."""

    regions: list[tuple[int, str]]
    types: list[tuple[str, str]]
    fields: list[tuple[str, str]]


@dataclass(frozen=True)
class Requested:
    """``new`` (a confirmation mail was queued) or ``unchanged`` (the address was pending or
    subscribed already: nothing queued). The visitor is told the same either way."""

    outcome: str
    subscription: AlertSubscription | None = None


def choices(session: Session, region_ids: set[int]) -> Choices:
    regions = session.execute(
        select(Region.id, Region.name).where(Region.id.in_(sorted(region_ids)))
        .order_by(Region.name, Region.id)).all()
    types = session.execute(
        select(OfferType.key, OfferType.name).where(OfferType.active.is_(True))
        .order_by(OfferType.sort_order, OfferType.name)).all()
    fields = session.execute(
        select(OccupationalField.key, OccupationalField.name)
        .where(OccupationalField.active.is_(True), OccupationalField.parent_id.is_(None))
        .order_by(OccupationalField.sort_order, OccupationalField.name)).all()
    return Choices([tuple(r) for r in regions], [tuple(t) for t in types],
                   [tuple(f) for f in fields])


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _return_hint(raw: str, now: datetime) -> str | None:
    value = (raw or "").strip()
    if not value:
        return None
    if value == RETURN_HINT_UNSURE:
        return value
    try:
        year, month = (int(part) for part in value.split("-"))
    except ValueError:
        return "bad"
    if not (1 <= month <= 12 and now.year <= year <= now.year + 10):
        return "bad"
    return f"{year:04d}-{month:02d}"


def check_input(session: Session, data: SubscriptionInput, choices: Choices,
                now: datetime) -> dict:
    """The checked request; ``ValidationError`` with German messages keyed by field."""
    errors: dict[str, str] = {}
    email = (data.email or "").strip()
    if has_forbidden_chars(email) or len(email) > EMAIL_MAX or not EMAIL_RE.match(email):
        errors["email"] = _("Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. "
                            "name@beispiel.de.")
    region_ids = {r for r, _name in choices.regions}
    regions = sorted(set(data.regions))
    if not regions or not set(regions) <= region_ids:
        errors["regions"] = _("Bitte wählen Sie mindestens eine Region.")
    types = sorted(set(data.types))
    if not set(types) <= {k for k, _name in choices.types}:
        errors["types"] = _("Bitte wählen Sie nur Angebotsarten aus der Liste.")
    fields_ = sorted(set(data.fields))
    if not set(fields_) <= {k for k, _name in choices.fields}:
        errors["fields"] = _("Bitte wählen Sie nur Berufsfelder aus der Liste.")
    if data.frequency not in FREQUENCIES:
        errors["frequency"] = _("Bitte wählen Sie, wie oft Sie E-Mails bekommen möchten.")
    hint = _return_hint(data.return_month, now)
    if hint == "bad":
        errors["return_month"] = _("Bitte wählen Sie einen Monat aus der Liste oder lassen "
                                   "Sie das Feld leer.")
    if not data.consent:
        errors["consent"] = _("Bitte stimmen Sie zu, damit wir Ihnen E-Mails schicken dürfen.")
    if errors:
        raise ValidationError(errors)
    source = (data.source or "").strip()
    if has_forbidden_chars(source) or len(source) > SOURCE_MAX or not all(
        c.isalnum() or c in "-_." for c in source
    ):
        source = ""  # a campaign code is only counted, never refused
    return {
        "email": email.lower(),
        "interests": {"regions": regions, "types": types, "fields": fields_,
                      "events": bool(data.events)},
        "frequency": data.frequency,
        "return_hint": hint,
        "source": source or None,
    }


def request(session: Session, region_id: int, data: SubscriptionInput, choices: Choices, *,
            now: datetime, hold_hours: float, confirm_url, region_name: str) -> Requested:
    """Record a request and queue its confirmation mail (flushed, not committed).

    ``confirm_url(token)`` builds the link. ``ValidationError`` for bad input. A race with
    another request for the address raises the database's ``IntegrityError``: the caller
    rolls back and answers as for ``unchanged``."""
    checked = check_input(session, data, choices, now)
    existing = session.scalar(
        select(AlertSubscription).where(AlertSubscription.email == checked["email"]))
    if existing is not None:
        if existing.status == "pending" and existing.confirm_until is not None and (
            existing.confirm_until <= now
        ):
            session.delete(existing)
            session.flush()
        else:
            return Requested("unchanged", existing)
    token = secrets.token_urlsafe(32)
    subscription = AlertSubscription(
        region_id=region_id, status="pending", token_hash=token_hash(token),
        consent_version=CONSENT_VERSION, created_at=now,
        confirm_until=now + timedelta(hours=hold_hours), **checked,
    )
    session.add(subscription)
    session.flush()
    with force_locale("de"):
        outbox.queue(
            session, to=subscription.email, kind=KIND, region_id=region_id,
            subject=_("Bitte bestätigen Sie Ihre Benachrichtigungen von KWIS.job %(region)s",
                      region=region_name),
            text=_confirmation_text(region_name, confirm_url(token), hold_hours),
        )
    return Requested("new", subscription)


def _confirmation_text(region_name: str, url: str, hold_hours: float) -> str:
    return "\n".join((
        _("Guten Tag,"),
        "",
        _("jemand (hoffentlich Sie) hat mit dieser Adresse Benachrichtigungen über neue "
          "Angebote im Portal KWIS.job (%(region)s) bestellt. Bitte bestätigen Sie das mit "
          "diesem Link:", region=region_name),
        "",
        url,
        "",
        _("Der Link gilt %(hours)s Stunden. Ohne Bestätigung schicken wir nichts weiter und "
          "löschen die Anfrage.", hours=f"{hold_hours:g}"),
        "",
        _("Wenn Sie das nicht waren, können Sie diese E-Mail einfach löschen."),
    ))


def find_by_token(session: Session, token: str) -> AlertSubscription | None:
    if not token or len(token) > 100:
        return None
    return session.scalar(
        select(AlertSubscription).where(AlertSubscription.token_hash == token_hash(token)))


def confirm(session: Session, token: str, *, now: datetime) -> str:
    """``confirmed``, ``already`` (it was), ``expired`` or ``unknown`` (flushed)."""
    subscription = find_by_token(session, token)
    if subscription is None:
        return "unknown"
    if subscription.status == "active":
        return "already"
    if subscription.confirm_until is not None and subscription.confirm_until <= now:
        return "expired"
    subscription.status = "active"
    subscription.confirmed_at = now
    subscription.confirm_until = None
    session.flush()
    return "confirmed"


def _address_digest(email: str) -> str:
    return hashlib.sha256(email.lower().encode()).hexdigest()[:16]


def unsubscribe_token(secret_key: str, subscription: AlertSubscription) -> str:
    if not secret_key:
        raise RuntimeError("The unsubscribe link needs the app's SECRET_KEY: pass secret_key=.")
    return URLSafeSerializer(secret_key, salt=UNSUBSCRIBE_SALT).dumps(
        [subscription.id, _address_digest(subscription.email)])


def _unsubscribe_data(secret_key: str, token: str) -> tuple[int, str] | None:
    """(id, address digest) of a link signed by this app; ``None`` for anything else."""
    if not token or len(token) > 200:
        return None
    try:
        data = URLSafeSerializer(secret_key, salt=UNSUBSCRIBE_SALT).loads(token)
    except BadSignature:
        return None
    if not (isinstance(data, list) and len(data) == 2 and isinstance(data[0], int)
            and isinstance(data[1], str) and 0 < data[0] < 2**31):
        return None
    return data[0], data[1]


def is_unsubscribe_token(secret_key: str, token: str) -> bool:
    """Whether the link was made by this app (its subscription may be gone already)."""
    return _unsubscribe_data(secret_key, token) is not None


def subscription_of_unsubscribe_token(session: Session, secret_key: str,
                                      token: str) -> AlertSubscription | None:
    """The subscription a valid link names, if it still exists; else ``None``."""
    data = _unsubscribe_data(secret_key, token)
    if data is None:
        return None
    subscription = session.get(AlertSubscription, data[0])
    if subscription is None or _address_digest(subscription.email) != data[1]:
        return None
    return subscription


def unsubscribe(session: Session, secret_key: str, token: str) -> str:
    """Delete the subscription the link names (its digests go with it): ``deleted``;
    ``gone`` for a valid link whose subscription is deleted already (a mail client's one-click
    POST may come twice), ``invalid`` for a link this app did not make."""
    if not is_unsubscribe_token(secret_key, token):
        return "invalid"
    subscription = subscription_of_unsubscribe_token(session, secret_key, token)
    if subscription is None:
        return "gone"
    session.delete(subscription)
    session.flush()
    return "deleted"


def expire(session: Session, now: datetime) -> int:
    """Delete requests whose confirmation time has passed; how many."""
    result = session.execute(
        delete(AlertSubscription).where(
            AlertSubscription.status == "pending",
            AlertSubscription.confirm_until <= now,
        ).execution_options(synchronize_session=False))
    return result.rowcount or 0
