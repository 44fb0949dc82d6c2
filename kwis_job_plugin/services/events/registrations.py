"""Registering for visit slots: places, the waiting list, guardians, cancelling, reminders.

No overbooking, ever. Every change of who holds a place runs under the one lock of the slot
(``lock_slot``): ``SELECT ... FOR UPDATE`` of the slot row on PostgreSQL, an immediate write
transaction on SQLite. Under the lock the places held are counted again from the registrations
(pending and confirmed, party sizes summed), never taken from ``Slot.confirmed_count``, which is
only written here, as a copy for the public pages. Each function flushes; the caller commits once,
so a registration, its token and its outbox mail exist together or not at all.

States (``models.event.REGISTRATION_STATUSES``):

* ``confirmed`` holds places; ``pending`` holds places until a guardian confirms (under 16) or
  ``pending_until`` passes (``expire_pending``); ``waitlisted`` waits in order of arrival
  (``created_at``, then ``id``) for places.
* ``cancelled`` and ``expired`` are ends. Whenever places become free (a cancellation, an expiry,
  a raised capacity) the first waiting people are promoted in the same transaction, strictly in
  order: someone whose party does not fit stops the queue rather than being overtaken. A capacity
  lowered below the places held removes nobody; there are simply no promotions until enough
  places are free again.

Times: ``now`` is naive UTC (``models.base.utcnow``) like every stored stamp; slot times and
registration windows are naive wall-clock times in Europe/Berlin (see ``event_pages``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ScalarSelect, Select, bindparam, func, select, text, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from ...i18n import N_
from ...i18n import gettext as _
from ...models import EmployerProfile, Event, EventParticipation, Registration, Slot
from ...models.base import utcnow
from ...models.event import ACTIVE_REGISTRATION_STATUSES, HOLDING_STATUSES
from ..errors import NotFound, ValidationError
from ..input_checks import DB_INT_MAX, has_forbidden_chars, single_line
from . import mails, tokens

BERLIN = ZoneInfo("Europe/Berlin")
LOCK_TIMEOUT_MS = 5000
"""How long a registration waits for the slot's lock before answering "try again" (503), on
PostgreSQL (``lock_timeout``) and SQLite (``busy_timeout``) alike."""
DEFAULT_HOLD_HOURS = 72
REMINDER_BEFORE = timedelta(hours=48)
NAME_MAX = 100
EMAIL_MAX = 254
SCHOOL_MAX = 200
GRADE_RANGE = (1, 13)
EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
CAUSES = ("event", "slot")


class SlotBusy(RuntimeError):
    """The slot's lock was not granted in time; the caller rolls back and asks to retry (503).

    On PostgreSQL the transaction is aborted by then, so nothing after this can be saved.
    """


class Refused(Exception):
    """The slot takes no registration now (closed, started, not open); a German message."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- the lock ------------------------------------------------------------------------------------

_SLOT = select(Slot).where(Slot.id == bindparam("slot_id")).execution_options(
    populate_existing=True)
_SLOT_FOR_UPDATE = _SLOT.with_for_update(of=Slot)
"""Built once, like the other statements a registration runs (their cache keys too)."""


def lock_slot(session: Session, slot_id: int, *, unlocked: bool = False) -> Slot:
    """Take the slot's lock for the rest of the transaction and return it, freshly loaded.

    Pending changes are flushed first (a changed capacity must be the one counted). Raises
    ``NotFound`` for an unknown slot and ``SlotBusy`` when the lock is not granted within
    ``LOCK_TIMEOUT_MS`` (PostgreSQL) or the busy timeout (SQLite).

    ``unlocked=True`` is for one test only: the race tests' control run shows the overbooking
    the lock prevents (the views pass the setting ``KWIS_JOB_TEST_UNLOCKED_SLOTS``). A
    parameter, not a switch in the process, so apps in one process never affect each other.
    """
    locking = not unlocked
    dialect = session.get_bind().dialect.name
    try:
        if locking and dialect == "postgresql":
            session.execute(text(f"SET LOCAL lock_timeout = '{int(LOCK_TIMEOUT_MS)}ms'"))
        session.flush()
        if locking and dialect == "sqlite":
            _begin_immediate(session)
        query = _SLOT_FOR_UPDATE if locking and dialect == "postgresql" else _SLOT
        slot = session.scalars(query, {"slot_id": slot_id}).one_or_none()
    except OperationalError as exc:
        if _is_lock_failure(exc):
            raise SlotBusy(str(exc.orig)) from None
        raise
    if slot is None:
        raise NotFound("slot")
    return slot


def _begin_immediate(session: Session) -> None:
    """SQLite's lock is the database's write lock, taken now rather than at the first write,
    waiting at most ``LOCK_TIMEOUT_MS`` (the connection's own busy timeout is put back after).
    A transaction that has already written holds it anyway."""
    connection = session.connection()
    if connection.connection.dbapi_connection.in_transaction:
        return
    before = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(LOCK_TIMEOUT_MS)}")
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(before)}")


def _is_lock_failure(exc: OperationalError) -> bool:
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return code == "55P03" or "database is locked" in str(exc.orig)


def held_places(session: Session, slot_id: int) -> int:
    """Places held now (pending and confirmed, party sizes summed), counted from the rows."""
    return session.scalar(
        select(func.coalesce(func.sum(Registration.party_size), 0)).where(
            Registration.slot_id == slot_id, Registration.status.in_(HOLDING_STATUSES)
        )
    ) or 0


def waiting_people(session: Session, slot_id: int) -> int:
    return session.scalar(
        select(func.coalesce(func.sum(Registration.party_size), 0)).where(
            Registration.slot_id == slot_id, Registration.status == "waitlisted"
        )
    ) or 0


def _store_count(session: Session, slot: Slot) -> int:
    """Recount and write ``confirmed_count`` (``_save_count``)."""
    return _save_count(session, slot, held_places(session, slot.id))


_SET_COUNT = (
    update(Slot.__table__).where(Slot.__table__.c.id == bindparam("slot_id"))
    .values(confirmed_count=bindparam("held"))
)


def _save_count(session: Session, slot: Slot, held: int) -> int:
    """Write ``confirmed_count`` = ``held`` (counted under the lock) if it differs, without
    touching the slot's version, so a company's open edit form does not conflict with every
    registration."""
    if slot.confirmed_count != held:
        session.execute(_SET_COUNT, {"slot_id": slot.id, "held": held})
        set_committed_value(slot, "confirmed_count", held)
    return held


# --- links ---------------------------------------------------------------------------------------


def _utc(berlin: datetime) -> datetime:
    """A naive Europe/Berlin wall-clock time as naive UTC."""
    return berlin.replace(tzinfo=BERLIN).astimezone(UTC).replace(tzinfo=None)


def _berlin(utc: datetime) -> datetime:
    return utc.replace(tzinfo=UTC).astimezone(BERLIN).replace(tzinfo=None)


def _event_url(links: mails.Links, slot: Slot) -> str:
    event = slot.participation.event
    return links.event(event.id, event.slug)


def _cancel_url(session: Session, links: mails.Links, registration: Registration) -> str:
    token = tokens.issue(session, registration, "cancel",
                         expires_at=_utc(registration.slot.ends_at))
    return links.cancel(token)


def _guardian_url(session: Session, links: mails.Links, registration: Registration,
                  expires_at: datetime) -> str:
    return links.guardian(tokens.issue(session, registration, "guardian", expires_at=expires_at))


# --- input -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegistrationInput:
    """What the form sends; ``check_input`` cleans and checks it (the one owner of the rules)."""

    first_name: str = ""
    last_name: str = ""
    email: str = ""
    school: str = ""
    grade: str | int | None = None
    over_16: bool | None = None
    guardian_email: str = ""
    party_size: str | int | None = 1
    meets_min_age: bool = False


@dataclass(frozen=True)
class Checked:
    first_name: str
    last_name: str
    email: str
    school: str | None
    grade: int | None
    over_16: bool
    guardian_email: str | None
    party_size: int


_LINE_MESSAGES = {
    "first_name": (
        N_("Der Vorname darf keine Zeilenumbrüche oder Steuerzeichen enthalten."),
        N_("Der Vorname darf höchstens %(num)s Zeichen lang sein."),
        N_("Bitte geben Sie Ihren Vornamen an."),
    ),
    "last_name": (
        N_("Der Nachname darf keine Zeilenumbrüche oder Steuerzeichen enthalten."),
        N_("Der Nachname darf höchstens %(num)s Zeichen lang sein."),
        N_("Bitte geben Sie Ihren Nachnamen an."),
    ),
    "school": (
        N_("Der Name der Schule darf keine Zeilenumbrüche oder Steuerzeichen enthalten."),
        N_("Der Name der Schule darf höchstens %(num)s Zeichen lang sein."),
        None,
    ),
}


def _line(errors: dict[str, str], field: str, raw: str | None, limit: int) -> str | None:
    """One line of text; the messages per field are German sentences of their own."""
    unsafe, too_long, missing = _LINE_MESSAGES[field]
    value = (raw or "").strip()
    if has_forbidden_chars(value):
        errors[field] = _(unsafe)
    elif len(value) > limit:
        errors[field] = _(too_long, num=limit)
    elif missing and not value:
        errors[field] = _(missing)
    return " ".join(value.split()) or None


def normal_address(raw: str | None) -> str:
    """An address as stored: trimmed, lower-cased."""
    return (raw or "").strip().lower()


def _email(errors: dict[str, str], field: str, raw: str | None, *, required: bool) -> str | None:
    value = (raw or "").strip()
    if not value:
        if required:
            errors[field] = _("Bitte geben Sie eine E-Mail-Adresse an.")
        return None
    if has_forbidden_chars(value):
        errors[field] = _("Die E-Mail-Adresse darf keine Zeilenumbrüche oder Steuerzeichen "
                          "enthalten.")
    elif len(value) > EMAIL_MAX or not EMAIL_RE.match(value):
        errors[field] = _("Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. "
                          "name@beispiel.de.")
    return value.lower()


def _number(errors: dict[str, str], field: str, raw: str | int | None, low: int, high: int,
            message: str) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = int(str(raw).strip())
    except ValueError:
        value = None
    if value is None or not low <= value <= min(high, DB_INT_MAX):
        errors[field] = message
        return None
    return value


ADULT_EVENT_KINDS = frozenset({"returnee_day"})
"""Events for grown-ups (people coming back to the region for a consultation): their form asks
no school, grade or age, and nobody needs a guardian."""


def for_adults(event_kind: str) -> bool:
    return event_kind in ADULT_EVENT_KINDS


def check_input(data: RegistrationInput, slot: Slot, *, adults: bool = False) -> Checked:
    """Clean and check a registration against the slot's rules; ``ValidationError`` with German
    messages keyed by the form's field names. ``adults`` (``for_adults``): school, grade and
    age are not asked, so whatever such fields carry is ignored."""
    if adults:
        data = replace(data, school="", grade=None, over_16=True, guardian_email="")
    errors: dict[str, str] = {}
    first = _line(errors, "first_name", data.first_name, NAME_MAX)
    last = _line(errors, "last_name", data.last_name, NAME_MAX)
    email = _email(errors, "email", data.email, required=True)
    school = _line(errors, "school", data.school, SCHOOL_MAX)
    grade = _number(errors, "grade", data.grade, *GRADE_RANGE,
                    _("Bitte geben Sie die Klassenstufe als Zahl von 1 bis 13 an."))
    cap = max(1, min(slot.max_party_size or 1, slot.capacity or 1))  # a party must fit
    party = _number(errors, "party_size", data.party_size, 1, cap,
                    _("Bitte geben Sie eine Personenzahl von 1 bis %(num)s an.", num=cap)) or 1
    if data.over_16 is None:
        errors["over_16"] = _("Bitte geben Sie an, ob Sie 16 Jahre oder älter sind.")
    over_16 = bool(data.over_16)
    guardian = None
    if data.over_16 is False:
        guardian = _email(errors, "guardian_email", data.guardian_email, required=True)
        if guardian and guardian == email and "guardian_email" not in errors:
            errors["guardian_email"] = _("Bitte geben Sie die Adresse einer "
                                         "erziehungsberechtigten Person an, nicht Ihre eigene.")
        if party > 1 and "party_size" not in errors:
            errors["party_size"] = _("Eine Gruppe oder Klasse meldet eine volljährige Person "
                                     "an, zum Beispiel die Lehrkraft.")
    if slot.min_age and "over_16" not in errors:
        covered = over_16 and slot.min_age <= 16 and party == 1
        if not covered and not data.meets_min_age:
            errors["meets_min_age"] = _(
                "Dieser Termin ist ab %(age)s Jahren. Bitte bestätigen Sie, dass alle "
                "Angemeldeten mindestens %(age)s Jahre alt sind.", age=slot.min_age)
    if slot.min_grade and "grade" not in errors:
        if grade is None and not over_16:
            errors["grade"] = _("Dieser Termin ist ab Klasse %(grade)s. Bitte geben Sie die "
                                "Klassenstufe an.", grade=slot.min_grade)
        elif grade is not None and grade < slot.min_grade:
            errors["grade"] = _("Dieser Termin ist ab Klasse %(grade)s.", grade=slot.min_grade)
    if errors:
        raise ValidationError(errors)
    return Checked(first_name=first or "", last_name=last or "", email=email or "",
                   school=school, grade=grade, over_16=over_16, guardian_email=guardian,
                   party_size=party)


def check_open(slot: Slot, situation: Situation, now: datetime) -> None:
    """The slot takes registrations: event published, slot open, window open, not started."""
    here = _berlin(now)
    if (
        situation.event_status != "published"
        or slot.status != "open"
        or situation.participation_status != "registered"
    ):
        raise Refused(_("Für diesen Termin ist keine Anmeldung möglich."))
    if situation.opens_at and here < situation.opens_at:
        raise Refused(_("Die Anmeldung hat noch nicht begonnen."))
    if situation.closes_at and here > situation.closes_at:
        raise Refused(_("Die Anmeldung ist geschlossen."))
    if here >= slot.starts_at:
        raise Refused(_("Dieser Termin hat schon begonnen; eine Anmeldung ist nicht mehr "
                        "möglich."))


# --- registering -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Situation:
    """What a registration decides on, read in one statement under the slot's lock
    (``situation``): after the lock, so a concurrent change of the event is seen."""

    participation_status: str
    event_status: str
    event_kind: str
    opens_at: datetime | None
    closes_at: datetime | None
    facts: mails.SlotFacts
    held: int
    """Places held (pending and confirmed), counted from the registrations."""
    waiting: int
    """People on the waiting list, counted from the registrations."""
    again_id: int | None
    """The registration made with this form's nonce already, if any (any slot)."""
    duplicate_id: int | None
    """An active registration of this address in this slot, if any."""


def _sum_of_parties(*conditions) -> ScalarSelect:
    return select(func.coalesce(func.sum(Registration.party_size), 0)).where(
        Registration.slot_id == bindparam("slot_id"), *conditions).scalar_subquery()


_SITUATION = (
    select(
        EventParticipation.status.label("participation_status"),
        Event.id, Event.slug, Event.title, Event.status, Event.region_id, Event.kind,
        Event.registration_opens_at, Event.registration_closes_at,
        EmployerProfile.display_name,
        EmployerProfile.published_snapshot["display_name"].as_string().label("public_name"),
        _sum_of_parties(Registration.status.in_(HOLDING_STATUSES)).label("held"),
        _sum_of_parties(Registration.status == "waitlisted").label("waiting"),
        select(Registration.id).where(Registration.form_nonce == bindparam("nonce"))
        .scalar_subquery().label("again_id"),
        select(func.min(Registration.id)).where(
            Registration.slot_id == bindparam("slot_id"),
            Registration.email == bindparam("email"),
            Registration.status.in_(ACTIVE_REGISTRATION_STATUSES),
        ).scalar_subquery().label("duplicate_id"),
    )
    .select_from(EventParticipation)
    .join(Event, Event.id == EventParticipation.event_id)
    .join(EmployerProfile, EmployerProfile.id == EventParticipation.profile_id)
    .where(EventParticipation.id == bindparam("participation_id"))
)
"""Built once, so its cache key is too (a registration runs it under the lock)."""


def situation(session: Session, slot: Slot, *, nonce: str, email: str) -> Situation:
    """The event and company of a locked slot, its counts, and earlier registrations of the
    same form or address: one statement, so a registration stays one short transaction."""
    row = session.execute(_SITUATION, {
        "slot_id": slot.id, "participation_id": slot.participation_id, "nonce": nonce,
        "email": email,
    }).one()
    return Situation(
        participation_status=row.participation_status,
        event_status=row.status,
        event_kind=row.kind,
        opens_at=row.registration_opens_at,
        closes_at=row.registration_closes_at,
        facts=mails.SlotFacts(
            event_id=row.id, event_slug=row.slug, event_title=row.title,
            company=mails.company_name(row.public_name, row.display_name),
            slot_id=slot.id, title=slot.title, starts_at=slot.starts_at, ends_at=slot.ends_at,
            place=slot.place, region_id=row.region_id,
        ),
        held=int(row.held or 0),
        waiting=int(row.waiting or 0),
        again_id=row.again_id,
        duplicate_id=row.duplicate_id,
    )


OUTCOMES = ("confirmed", "pending", "waitlisted", "full")


@dataclass(frozen=True)
class Outcome:
    """What the visitor is told. A duplicate address gets the answer a new registration would
    get (no address enumeration); ``registration`` is then ``None``."""

    status: str
    registration: Registration | None
    slot_id: int


def _would_get(slot: Slot, held: int, waiting: int, party: int, over_16: bool) -> str:
    if held + party <= slot.capacity:
        return "confirmed" if over_16 else "pending"
    if waiting + party <= (slot.waitlist_capacity or 0):
        return "waitlisted"
    return "full"


def register(session: Session, slot_id: int, data: RegistrationInput, *, now: datetime,
             nonce: str, hold_hours: float = DEFAULT_HOLD_HOURS,
             links: mails.Links | None = None, unlocked: bool = False) -> Outcome:
    """Register under the slot's lock: confirmed (16 or older, places free), pending (under
    16: held until a guardian confirms, at most ``hold_hours``), waitlisted, or ``full``.

    ``nonce`` comes from the signed form: the same form sent twice finds the first registration
    and gets the same answer. Raises ``ValidationError`` (input), ``Refused`` (closed),
    ``NotFound`` and ``SlotBusy``; writes nothing in those cases. ``links`` is required
    (``mails.MissingLinks``); ``unlocked`` is for one test only (``lock_slot``).

    One short transaction of a few statements: the lock, one read (``situation``), the
    inserts (registration, token, mail) and the stored count.
    """
    links = mails.required(links)
    address_errors: dict[str, str] = {}
    _email(address_errors, "email", data.email, required=True)
    if address_errors:  # before the address is looked up (PostgreSQL refuses NUL in a query)
        raise ValidationError(address_errors)
    slot = lock_slot(session, slot_id, unlocked=unlocked)
    found = situation(session, slot, nonce=nonce, email=normal_address(data.email))
    check_open(slot, found, now)
    checked = check_input(data, slot, adults=for_adults(found.event_kind))
    if found.again_id is not None:
        again = session.get(Registration, found.again_id)
        if again.slot_id != slot.id or again.email != checked.email:
            raise ValidationError({"form_token": _(
                "Dieses Formular wurde schon abgeschickt. Bitte prüfen Sie Ihre Angaben und "
                "senden Sie das Formular noch einmal.")})
        return Outcome(_shown_status(again), again, slot.id)
    held = _save_count(session, slot, found.held)
    status = _would_get(slot, held, found.waiting, checked.party_size, checked.over_16)
    event_url = links.event(found.facts.event_id, found.facts.event_slug)
    if found.duplicate_id is not None:
        mails.already_registered(session, session.get(Registration, found.duplicate_id),
                                 event_url=event_url, facts=found.facts)
        return Outcome(status, None, slot.id)
    if status == "full":
        return Outcome(status, None, slot.id)
    registration = Registration(
        slot=slot, status=status, first_name=checked.first_name, last_name=checked.last_name,
        email=checked.email, school=checked.school, grade=checked.grade,
        party_size=checked.party_size, under_16=not checked.over_16,
        guardian_email=checked.guardian_email, form_nonce=nonce, created_at=now,
    )
    if status == "confirmed":
        registration.confirmed_at = now
    if status == "pending":
        registration.pending_until = min(now + timedelta(hours=hold_hours), _utc(slot.starts_at))
    session.add(registration)  # inserted by the token's flush, with it
    if registration.under_16:
        expires = registration.pending_until or _utc(slot.starts_at)
        mails.guardian_request(
            session, registration, confirm_url=_guardian_url(session, links, registration,
                                                             expires),
            event_url=event_url, hold_until=registration.pending_until, facts=found.facts,
        )
    elif status == "confirmed":
        mails.confirmed(session, registration, cancel_url=_cancel_url(session, links,
                                                                      registration),
                        event_url=event_url, facts=found.facts)
    else:
        mails.waitlisted(session, registration,
                         cancel_url=_cancel_url(session, links, registration),
                         event_url=event_url, facts=found.facts)
    if status in HOLDING_STATUSES:
        held += registration.party_size
    _save_count(session, slot, held)  # counted under the lock, plus the row just added
    return Outcome(status, registration, slot.id)


def _shown_status(registration: Registration) -> str:
    """The answer to a repeated form: what the registration got when it was made."""
    if registration.status in ("confirmed", "pending", "waitlisted"):
        return registration.status
    return "confirmed" if registration.confirmed_at else "waitlisted"


# --- promotion ---------------------------------------------------------------------------------


def _promote(session: Session, slot: Slot, now: datetime, links: mails.Links,
             hold_hours: float) -> list[Registration]:
    """While places are free, the first waiting people move up, strictly in order of arrival.

    Someone under 16 whose guardian has not confirmed yet gets a held (pending) place and the
    guardian a new link; everyone else is confirmed. Call under the slot's lock.
    """
    if slot.status != "open" or _berlin(now) >= slot.starts_at:
        return []
    held = held_places(session, slot.id)
    promoted: list[Registration] = []
    queue = session.scalars(
        select(Registration)
        .where(Registration.slot_id == slot.id, Registration.status == "waitlisted")
        .order_by(Registration.created_at, Registration.id)
    ).all()
    for registration in queue:
        if held + registration.party_size > slot.capacity:
            break
        held += registration.party_size
        registration.promoted_at = now
        event_url = _event_url(links, slot)
        if registration.under_16 and registration.guardian_confirmed_at is None:
            registration.status = "pending"
            registration.pending_until = min(now + timedelta(hours=hold_hours),
                                             _utc(slot.starts_at))
            session.flush()
            mails.guardian_request(
                session, registration,
                confirm_url=_guardian_url(session, links, registration,
                                          registration.pending_until),
                event_url=event_url, hold_until=registration.pending_until,
            )
        else:
            registration.status = "confirmed"
            registration.confirmed_at = now
            session.flush()
            mails.promoted(session, registration,
                           cancel_url=_cancel_url(session, links, registration),
                           event_url=event_url)
        promoted.append(registration)
    _store_count(session, slot)
    return promoted


def apply_capacity(session: Session, slot: Slot, now: datetime, *,
                   links: mails.Links | None = None,
                   hold_hours: float = DEFAULT_HOLD_HOURS) -> list[Registration]:
    """After a slot's capacity (or waiting list) changed: recount under the lock and promote
    waiting people while places are free. Nobody is ever removed: a capacity below the places
    held only stops promotions. Returns the promoted registrations (each was mailed)."""
    links = mails.required(links)
    locked = lock_slot(session, slot.id)
    _store_count(session, locked)
    return _promote(session, locked, now, links, hold_hours)


# --- guardian, cancel, expire ----------------------------------------------------------------


def _token_registration(session: Session, token: str, purpose: str, now: datetime, *,
                        unlocked: bool = False) -> tuple[Registration, Slot]:
    """The token's registration, its slot locked and the row re-read under the lock."""
    found = tokens.find(session, token, purpose, now)
    registration_id, slot_id = found.registration_id, found.registration.slot_id
    slot = lock_slot(session, slot_id, unlocked=unlocked)
    registration = session.scalars(
        select(Registration).where(Registration.id == registration_id)
        .execution_options(populate_existing=True)
    ).one()
    tokens.find(session, token, purpose, now)  # used meanwhile by a concurrent request?
    return registration, slot


def peek(session: Session, token: str, purpose: str, now: datetime) -> Registration:
    """The registration a link is for, changing nothing (the GET page behind a mail link).

    ``NotFound`` when the link could not act: wrong, used or expired token, or a registration
    that has ended (a cancel link) or no longer waits for its guardian (a guardian link).
    """
    registration = tokens.find(session, token, purpose, now).registration
    _check_acts(registration, purpose)
    return registration


def _check_acts(registration: Registration, purpose: str) -> None:
    allowed = ("pending", "waitlisted") if purpose == "guardian" else (
        ACTIVE_REGISTRATION_STATUSES)
    if registration.status not in allowed or (
        purpose == "guardian" and registration.guardian_confirmed_at is not None
    ):
        raise NotFound("registration")


def confirm_as_guardian(session: Session, token: str, *, now: datetime,
                        links: mails.Links | None = None,
                        unlocked: bool = False) -> Registration:
    """The guardian's click: a held place becomes confirmed (mailed with the .ics); someone on
    the waiting list stays there, now confirmed to move up without another step."""
    links = mails.required(links)
    registration, slot = _token_registration(session, token, "guardian", now,
                                             unlocked=unlocked)
    _check_acts(registration, "guardian")
    found = tokens.find(session, token, "guardian", now)
    tokens.use(found, now)
    registration.guardian_confirmed_at = now
    if registration.status == "pending":
        registration.status = "confirmed"
        registration.confirmed_at = now
        registration.pending_until = None
        session.flush()
        mails.confirmed(session, registration,
                        cancel_url=_cancel_url(session, links, registration),
                        event_url=_event_url(links, slot))
    session.flush()
    _store_count(session, slot)
    return registration


def cancel(session: Session, token: str, *, now: datetime, links: mails.Links | None = None,
           hold_hours: float = DEFAULT_HOLD_HOURS, unlocked: bool = False) -> Registration:
    """The visitor's cancellation: the places are free at once and the first waiting people
    move up in the same transaction."""
    links = mails.required(links)
    registration, slot = _token_registration(session, token, "cancel", now, unlocked=unlocked)
    _check_acts(registration, "cancel")
    registration.status = "cancelled"
    registration.cancelled_at = now
    registration.pending_until = None
    tokens.retire(session, registration, now)
    session.flush()
    mails.cancelled_by_visitor(session, registration, event_url=_event_url(links, slot))
    _store_count(session, slot)
    _promote(session, slot, now, links, hold_hours)
    return registration


def expire_pending(session: Session, now: datetime, *, links: mails.Links | None = None,
                   hold_hours: float = DEFAULT_HOLD_HOURS) -> int:
    """Release the held places whose guardian did not confirm in time, mail the registrant and
    promote the waiting people; returns how many expired."""
    slot_ids = session.scalars(
        select(Registration.slot_id).where(
            Registration.status == "pending", Registration.pending_until <= now
        ).distinct()
    ).all()
    count = 0
    for slot_id in sorted(slot_ids):
        links = mails.required(links)
        slot = lock_slot(session, slot_id)
        due = session.scalars(
            select(Registration).where(
                Registration.slot_id == slot_id, Registration.status == "pending",
                Registration.pending_until <= now,
            ).execution_options(populate_existing=True)
        ).all()
        for registration in due:
            registration.status = "expired"
            registration.pending_until = None
            tokens.retire(session, registration, now)
            session.flush()
            mails.pending_expired(session, registration, event_url=_event_url(links, slot))
            count += 1
        _store_count(session, slot)
        _promote(session, slot, now, links, hold_hours)
    return count


def cancel_by_organiser(session: Session,
                        registrations: Iterable[Registration] | Select,
                        *, reason: str, cause: str, now: datetime | None = None,
                        links: mails.Links | None = None) -> int:
    """The agency cancelled the event (``cause="event"``) or the company a slot (``"slot"``):
    every active registration becomes cancelled and gets one mail; nobody is promoted.

    ``registrations`` is a list or a ``select(Registration)``; slots are locked in id order
    (no deadlock between two such calls) and the rows re-read under the locks. Returns the
    number cancelled.
    """
    if cause not in CAUSES:
        raise ValueError(f"cause must be one of {CAUSES}")
    if isinstance(registrations, Select):
        registrations = session.scalars(registrations).all()
    ids = sorted({r.id for r in registrations})
    if not ids:
        return 0
    reason = single_line(reason)[:500]
    now = now or utcnow()
    links = mails.required(links)
    slot_ids = sorted(set(session.scalars(
        select(Registration.slot_id).where(Registration.id.in_(ids))
    )))
    count = 0
    for slot_id in slot_ids:
        slot = lock_slot(session, slot_id)
        rows = session.scalars(
            select(Registration).where(
                Registration.slot_id == slot_id, Registration.id.in_(ids),
                Registration.status.in_(ACTIVE_REGISTRATION_STATUSES),
            ).order_by(Registration.id).execution_options(populate_existing=True)
        ).all()
        for registration in rows:
            registration.status = "cancelled"
            registration.cancelled_at = now
            registration.pending_until = None
            tokens.retire(session, registration, now)
            session.flush()
            mails.cancelled_by_organiser(session, registration, reason=reason, cause=cause,
                                         event_url=_event_url(links, slot))
            count += 1
        _store_count(session, slot)
    return count


def notify_slot_changed(session: Session, slot: Slot, changes: list[str], *,
                        links: mails.Links | None = None) -> int:
    """Mail everyone holding or awaiting a place that the company changed the slot
    (``changes``: German lines such as "Neue Uhrzeit: 10:00–12:00 Uhr"), each with a fresh
    cancel link; returns how many were mailed. The caller has saved the change."""
    links = mails.required(links)
    rows = session.scalars(
        select(Registration).where(
            Registration.slot_id == slot.id,
            Registration.status.in_(ACTIVE_REGISTRATION_STATUSES),
        ).order_by(Registration.id)
    ).all()
    for registration in rows:
        mails.slot_changed(session, registration, changes=changes,
                           cancel_url=_cancel_url(session, links, registration),
                           event_url=_event_url(links, slot))
    return len(rows)


# --- reminders -------------------------------------------------------------------------------


def send_reminders(session: Session, now: datetime, *,
                   links: mails.Links | None = None) -> int:
    """Queue the reminder for every confirmed registration whose slot starts within the next
    48 hours, once each (``reminder_sent_at``; the outbox's dedupe key as a second guard).
    Rows another tick is working on are skipped on PostgreSQL. Returns the count."""
    here = _berlin(now)
    query = (
        select(Registration)
        .join(Slot, Slot.id == Registration.slot_id)
        .join(EventParticipation, EventParticipation.id == Slot.participation_id)
        .join(Event, Event.id == EventParticipation.event_id)
        .where(
            Registration.status == "confirmed",
            Registration.reminder_sent_at.is_(None),
            Slot.status == "open",
            Event.status == "published",
            Slot.starts_at > here,
            Slot.starts_at <= here + REMINDER_BEFORE,
        )
        .order_by(Registration.id)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(of=Registration, skip_locked=True)
    count = 0
    for registration in session.scalars(query).all():
        links = mails.required(links)
        registration.reminder_sent_at = now
        mails.reminder(session, registration,
                       cancel_url=_cancel_url(session, links, registration),
                       event_url=_event_url(links, registration.slot))
        count += 1
    session.flush()
    return count
