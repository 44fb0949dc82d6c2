"""The company's side of the events tool: taking part, its stand, its slots, lists and check-in.

Every function takes the host's customer id, never a form value, and reaches events,
participations, slots and registrations only through that customer's employer profile:
another company's id is ``NotFound``, exactly like a missing one, so the views answer 404
either way.

Which events a company sees: the published events of its profile's region that have not
ended and whose participation window (``participation_opens_at``/``closes_at``, naive
Europe/Berlin wall-clock time, ``None`` = open) is open now. Events it already takes part in
stay on its list until they end, so it can keep its slots and lists in order after the window
closes; new slots need the window open.

Every check raises one ``ValidationError`` with German messages keyed by the form's field
names before anything is written. Text with control characters (NUL included, which
PostgreSQL refuses) or bidirectional overrides is refused at its field, lengths are bounded
below the column sizes and numbers are range-checked, so bad input is a 422, never a 500.

Times: ``now`` is naive Europe/Berlin wall-clock time, as windows and slot times are stored;
the stamps written here (``cancelled_at``, ``checked_in_at``, ...) are naive UTC like every
stored stamp.

Places are counted only by ``registrations`` (under the slot's row lock): a capacity change
goes through ``registrations.apply_capacity`` and a cancelled slot's registrations through
``registrations.cancel_by_organiser``, which also writes their mails to the outbox. A new time,
place or title of a slot is mailed to everyone registered (``mails.slot_changed``) in the same
transaction.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from ...i18n import N_
from ...i18n import gettext as _
from ...models import (
    EmployerProfile,
    Event,
    EventParticipation,
    OccupationalField,
    Registration,
    Slot,
)
from ...models.base import utcnow
from ...models.event import ACTIVE_REGISTRATION_STATUSES
from .. import taxonomy
from ..errors import NotFound, ValidationError
from ..input_checks import db_ids, has_forbidden_chars
from ..locking import check_version, flush_or_conflict
from . import mails, registrations, tokens

FAIR = "fair"
BERLIN = ZoneInfo("Europe/Berlin")
TITLE_MAX = 200
DESCRIPTION_MAX = 2000
PLACE_MAX = 200
ACCESSIBILITY_MAX = 500
STAND_INFO_MAX = 2000
STAND_PEOPLE_MAX = 300
REASON_MAX = 500
CAPACITY_RANGE = (1, 500)
WAITLIST_RANGE = (0, 500)
AGE_RANGE = (10, 99)
GRADE_RANGE = (5, 13)
PARTY_RANGE = (1, 100)
FIELDS_MAX = 16
CSV_DANGEROUS_START = ("=", "+", "-", "@", "\t", "\r")


# --- input ----------------------------------------------------------------------------------


@dataclass
class SlotInput:
    """What a company may set on a slot: no status, counts, participation or id, never input."""

    title: str = ""
    description: str | None = None
    day: date | None = None
    start_time: time | None = None
    end_time: time | None = None
    capacity: int | None = None
    waitlist_capacity: int | None = 0
    min_age: int | None = None
    min_grade: int | None = None
    max_party_size: int | None = 1
    place: str | None = None
    accessibility: str | None = None
    field_ids: list[int] = field(default_factory=list)


@dataclass
class StandInput:
    stand_info: str | None = None
    stand_people: str | None = None


class _Checks:
    """Collects the messages of one input, one per field (the first problem wins)."""

    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def text(
        self, name: str, value: str | None, limit: int, *, required: str | None = None,
        multi_line: bool = False,
    ) -> str | None:
        """The cleaned text (outer spaces gone, ``None`` when empty), or a message at ``name``."""
        value = (value or "").replace("\r\n", "\n").strip()
        if has_forbidden_chars(value, multi_line=multi_line):
            self.add(name, _("Der Text enthält unzulässige Steuerzeichen. Bitte geben Sie ihn "
                             "neu ein."))
        elif len(value) > limit:
            self.add(name, _("Bitte kürzen Sie die Angabe auf %(limit)s Zeichen.", limit=limit))
        elif not value and required:
            self.add(name, required)
        return value or None

    def number(
        self, name: str, value: int | None, bounds: tuple[int, int], message: str, *,
        required: str | None = None,
    ) -> None:
        if value is None:
            if required:
                self.add(name, required)
        elif not bounds[0] <= value <= bounds[1]:
            self.add(name, message)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


# --- what a company may see -------------------------------------------------------------------


def company_profile(session: Session, customer_id: int) -> EmployerProfile | None:
    """The customer's employer profile: it is what takes part in events."""
    return session.scalar(
        select(EmployerProfile).where(EmployerProfile.customer_id == customer_id)
    )


def window_open(event: Event, now: datetime) -> bool:
    """Whether companies may take part and add slots now (``None`` ends are open)."""
    opens, closes = event.participation_opens_at, event.participation_closes_at
    return (opens is None or opens <= now) and (closes is None or now < closes)


def _visible_events(region_id: int, today: date) -> Select:
    return select(Event).where(
        Event.region_id == region_id, Event.status == "published", Event.ends_on >= today
    )


@dataclass
class EventRow:
    event: Event
    participation: EventParticipation | None
    can_take_part: bool
    """The window is open and the company does not take part (or has withdrawn)."""


def overview(session: Session, customer_id: int, now: datetime) -> list[EventRow]:
    """The events the company may join and those it takes part in, by date.

    A company outside every region (no profile region) sees nothing.
    """
    profile = company_profile(session, customer_id)
    if profile is None or profile.region_id is None:
        return []
    events = session.scalars(
        _visible_events(profile.region_id, now.date()).order_by(Event.starts_on, Event.id)
    ).all()
    taking_part = {
        p.event_id: p for p in session.scalars(
            select(EventParticipation)
            .where(EventParticipation.profile_id == profile.id,
                   EventParticipation.event_id.in_([e.id for e in events]))
            .options(selectinload(EventParticipation.slots))
        )
    } if events else {}
    rows = []
    for event in events:
        participation = taking_part.get(event.id)
        active = participation is not None and participation.status == "registered"
        if active or window_open(event, now):
            rows.append(EventRow(event, participation, not active and window_open(event, now)))
    return rows


def _participations_of(customer_id: int) -> Select:
    return select(EventParticipation).join(
        EmployerProfile, EventParticipation.profile_id == EmployerProfile.id
    ).where(EmployerProfile.customer_id == customer_id)


def get_participation(
    session: Session, customer_id: int, participation_id: int
) -> EventParticipation:
    """The customer's own participation (withdrawn ones included), else ``NotFound``."""
    found = session.scalar(
        _participations_of(customer_id).where(EventParticipation.id == participation_id)
    )
    if found is None:
        raise NotFound(participation_id)
    return found


def get_slot(session: Session, customer_id: int, slot_id: int) -> Slot:
    """The customer's own slot, else ``NotFound``."""
    found = session.scalar(
        select(Slot)
        .join(EventParticipation, Slot.participation_id == EventParticipation.id)
        .join(EmployerProfile, EventParticipation.profile_id == EmployerProfile.id)
        .where(EmployerProfile.customer_id == customer_id, Slot.id == slot_id)
    )
    if found is None:
        raise NotFound(slot_id)
    return found


def get_registration(session: Session, customer_id: int, registration_id: int) -> Registration:
    """A registration for one of the customer's slots, else ``NotFound``."""
    found = session.scalar(
        select(Registration)
        .join(Slot, Registration.slot_id == Slot.id)
        .join(EventParticipation, Slot.participation_id == EventParticipation.id)
        .join(EmployerProfile, EventParticipation.profile_id == EmployerProfile.id)
        .where(EmployerProfile.customer_id == customer_id, Registration.id == registration_id)
    )
    if found is None:
        raise NotFound(registration_id)
    return found


# --- taking part ----------------------------------------------------------------------------


def take_part(session: Session, customer_id: int, event_id: int, now: datetime
              ) -> EventParticipation:
    """Join an event of the company's region while its window is open (again after a
    withdrawal). Taking part twice is one participation."""
    profile = company_profile(session, customer_id)
    if profile is None or profile.region_id is None:
        raise NotFound(event_id)
    event = session.scalar(
        _visible_events(profile.region_id, now.date()).where(Event.id == event_id)
    )
    if event is None:
        raise NotFound(event_id)
    participation = session.scalar(
        select(EventParticipation).where(
            EventParticipation.event_id == event.id, EventParticipation.profile_id == profile.id
        )
    )
    if participation is not None and participation.status == "registered":
        return participation
    if not window_open(event, now):
        raise ValidationError({"event": _(
            "Die Anmeldung für Betriebe ist bei dieser Veranstaltung nicht geöffnet."
        )})
    if participation is None:
        participation = EventParticipation(event=event, profile_id=profile.id)
        session.add(participation)
    participation.status = "registered"
    participation.withdrawn_at = None
    session.flush()
    return participation


def _active_registrations(session: Session, slot_ids: list[int]) -> list[Registration]:
    if not slot_ids:
        return []
    return list(session.scalars(
        select(Registration).where(
            Registration.slot_id.in_(slot_ids),
            Registration.status.in_(ACTIVE_REGISTRATION_STATUSES),
        ).order_by(Registration.created_at, Registration.id)
    ))


def withdraw(session: Session, customer_id: int, participation_id: int) -> EventParticipation:
    """Stop taking part. Refused while anyone is registered for one of its slots (cancel
    those slots first, which mails the people); its empty slots are cancelled with it."""
    participation = get_participation(session, customer_id, participation_id)
    if participation.status != "registered":
        return participation
    if _active_registrations(session, [s.id for s in participation.slots]):
        raise ValidationError({"participation": _(
            "Für Ihre Termine sind schon Personen angemeldet. Bitte sagen Sie zuerst diese "
            "Termine ab; die Angemeldeten bekommen dann eine E-Mail."
        )})
    for slot in participation.slots:
        if slot.status == "open":
            slot.status, slot.cancelled_at = "cancelled", utcnow()
    participation.status = "withdrawn"
    participation.withdrawn_at = utcnow()
    session.flush()
    return participation


def _require_active(participation: EventParticipation, today: date) -> None:
    """Changes need a current participation of an event that has not ended."""
    event = participation.event
    if participation.status != "registered" or event.status != "published" or (
        event.ends_on < today
    ):
        raise ValidationError({"participation": _(
            "Diese Teilnahme kann nicht mehr geändert werden."
        )})


def update_stand(
    session: Session, customer_id: int, participation_id: int, data: StandInput, now: datetime
) -> EventParticipation:
    """What the company's stand at a fair shows and who is there. Only fairs have stands."""
    participation = get_participation(session, customer_id, participation_id)
    if not has_stand(participation.event):
        raise NotFound(participation_id)
    checks = _Checks()
    info = checks.text("stand_info", data.stand_info, STAND_INFO_MAX, multi_line=True)
    people = checks.text("stand_people", data.stand_people, STAND_PEOPLE_MAX)
    checks.raise_if_any()
    _require_active(participation, now.date())
    participation.stand_info, participation.stand_people = info, people
    session.flush()
    return participation


# --- slots ----------------------------------------------------------------------------------


def has_stand(event: Event) -> bool:
    """A fair has stands. Every kind has slots: at a fair they are what visitors book at the
    stand ("Mitmachen am Messestand"), so a company there has both."""
    return event.kind == FAIR


def _check_slot(session: Session, event: Event, data: SlotInput) -> dict:
    """Every problem of ``data`` at once, or the cleaned values for the slot's columns."""
    checks = _Checks()
    values = {
        "title": checks.text("title", data.title, TITLE_MAX,
                             required=_("Bitte geben Sie an, was bei dem Termin passiert.")),
        "description": checks.text("description", data.description, DESCRIPTION_MAX,
                                   multi_line=True),
        "place": checks.text(
            "place", data.place, PLACE_MAX,
            required=_("Bitte geben Sie den Treffpunkt an: Die Veranstaltung findet in den "
                       "Betrieben statt.") if event.at_companies else None,
        ),
        "accessibility": checks.text("accessibility", data.accessibility, ACCESSIBILITY_MAX,
                                     multi_line=True),
    }
    if data.day is None:
        checks.add("day", _("Bitte geben Sie das Datum des Termins an."))
    elif not event.starts_on <= data.day <= event.ends_on:
        checks.add("day", _(
            "Der Termin muss innerhalb der Veranstaltung liegen: vom %(start)s bis %(end)s.",
            start=event.starts_on.strftime("%d.%m.%Y"), end=event.ends_on.strftime("%d.%m.%Y"),
        ))
    if data.start_time is None:
        checks.add("start_time", _("Bitte geben Sie an, wann der Termin beginnt."))
    if data.end_time is None:
        checks.add("end_time", _("Bitte geben Sie an, wann der Termin endet."))
    elif data.start_time is not None and data.end_time <= data.start_time:
        checks.add("end_time", _("Das Ende muss nach dem Beginn liegen."))
    checks.number("capacity", data.capacity, CAPACITY_RANGE,
                  _("Bitte geben Sie zwischen 1 und 500 Plätze an."),
                  required=_("Bitte geben Sie an, wie viele Plätze es gibt."))
    checks.number("waitlist_capacity", data.waitlist_capacity, WAITLIST_RANGE,
                  _("Bitte geben Sie für die Warteliste 0 bis 500 Plätze an."))
    checks.number("min_age", data.min_age, AGE_RANGE,
                  _("Bitte geben Sie ein Mindestalter zwischen 10 und 99 Jahren an."))
    checks.number("min_grade", data.min_grade, GRADE_RANGE,
                  _("Bitte geben Sie eine Klassenstufe zwischen 5 und 13 an."))
    checks.number("max_party_size", data.max_party_size, PARTY_RANGE,
                  _("Bitte geben Sie für eine Gruppe 1 bis 100 Personen an."))
    if (
        "capacity" not in checks.errors and "max_party_size" not in checks.errors
        and data.capacity and data.max_party_size and data.max_party_size > data.capacity
    ):
        checks.add("max_party_size", _(
            "Eine Gruppe kann nicht größer sein als die Zahl der Plätze."
        ))
    wanted = list(dict.fromkeys(data.field_ids or []))
    fields = taxonomy.active_terms(session, OccupationalField, ids=db_ids(wanted),
                                   top_level_only=True) if wanted else []
    if len(fields) != len(wanted) or len(wanted) > FIELDS_MAX:
        checks.add("field_ids", _("Bitte wählen Sie Berufsfelder aus der Liste."))
    checks.raise_if_any()
    values.update(
        starts_at=datetime.combine(data.day, data.start_time),
        ends_at=datetime.combine(data.day, data.end_time),
        capacity=data.capacity,
        waitlist_capacity=data.waitlist_capacity or 0,
        min_age=data.min_age,
        min_grade=data.min_grade,
        max_party_size=data.max_party_size or 1,
        field_ids=[f.id for f in fields] or None,
    )
    return values


def validate_slot(session: Session, event: Event, data: SlotInput) -> None:
    """Raise ``ValidationError`` with every problem of ``data``; writes nothing."""
    _check_slot(session, event, data)


def create_slot(
    session: Session, customer_id: int, participation_id: int, data: SlotInput, now: datetime
) -> Slot:
    """A new visit slot; the participation window must be open."""
    participation = get_participation(session, customer_id, participation_id)
    values = _check_slot(session, participation.event, data)
    _require_active(participation, now.date())
    if not window_open(participation.event, now):
        raise ValidationError({"participation": _(
            "Die Anmeldung für Betriebe ist geschlossen; neue Termine sind nicht mehr möglich."
        )})
    slot = Slot(participation=participation, status="open", confirmed_count=0, **values)
    session.add(slot)
    session.flush()
    return slot


def _berlin_to_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=BERLIN).astimezone(UTC).replace(tzinfo=None)


def _changes(slot: Slot, values: dict) -> list[str]:
    """What registered people must hear about (German lines): a new time, place or title."""
    lines = []
    if (values["starts_at"], values["ends_at"]) != (slot.starts_at, slot.ends_at):
        lines.append(_("Neue Zeit: %(day)s, %(start)s bis %(end)s Uhr",
                       day=values["starts_at"].strftime("%d.%m.%Y"),
                       start=values["starts_at"].strftime("%H:%M"),
                       end=values["ends_at"].strftime("%H:%M")))
    if values["place"] != slot.place:
        place = values["place"] or _("wird noch bekannt gegeben")
        lines.append(_("Neuer Treffpunkt: %(place)s", place=place))
    if values["title"] != slot.title:
        lines.append(_("Neuer Titel: %(title)s", title=values["title"]))
    return lines


def _mail_changes(session: Session, slot: Slot, changes: list[str],
                  links: mails.Links | None) -> int:
    """Tell everyone registered (holding a place or waiting) what changed, with a new cancel
    link and the new calendar entry."""
    active = _active_registrations(session, [slot.id])
    if not active:
        return 0
    links = mails.required(links)
    event = slot.participation.event
    event_url = links.event(event.id, event.slug)
    for registration in active:
        token = tokens.issue(session, registration, "cancel",
                             expires_at=_berlin_to_utc(slot.ends_at))
        mails.slot_changed(session, registration, changes=changes,
                           cancel_url=links.cancel(token), event_url=event_url)
    return len(active)


def update_slot(
    session: Session, customer_id: int, slot_id: int, data: SlotInput,
    expected_version: int | None, now: datetime, *, links: mails.Links | None = None,
) -> Slot:
    """Save a slot opened with ``expected_version``; someone else's save since is an
    ``EditConflict``. A new time, place or title is mailed to everyone registered. A new
    capacity goes through ``registrations.apply_capacity``: lowering it below the places held
    removes nobody, raising it promotes from the waiting list."""
    slot = get_slot(session, customer_id, slot_id)
    values = _check_slot(session, slot.participation.event, data)
    _require_active(slot.participation, now.date())
    if slot.status != "open":
        raise ValidationError({"slot": _("Ein abgesagter Termin kann nicht bearbeitet werden.")})
    check_version(expected_version, slot.version)
    capacity_changed = values["capacity"] != slot.capacity or (
        values["waitlist_capacity"] != slot.waitlist_capacity
    )
    changes = _changes(slot, values)
    for name, value in values.items():
        setattr(slot, name, value)
    flush_or_conflict(session)
    if changes:
        _mail_changes(session, slot, changes, links)
    if capacity_changed:
        registrations.apply_capacity(session, slot, utcnow(), links=links)
    return slot


def cancel_slot(
    session: Session, customer_id: int, slot_id: int, reason: str | None, *,
    links: mails.Links | None = None,
) -> int:
    """Cancel a slot; every active registration is cancelled and mailed (with ``reason``).
    Returns how many registrations were cancelled. Cancelling twice changes nothing."""
    slot = get_slot(session, customer_id, slot_id)
    checks = _Checks()
    reason = checks.text("reason", reason, REASON_MAX, multi_line=True)
    checks.raise_if_any()
    if slot.status == "cancelled":
        return 0
    slot.status, slot.cancelled_at = "cancelled", utcnow()
    flush_or_conflict(session)
    active = _active_registrations(session, [slot.id])
    if not active:
        return 0
    return registrations.cancel_by_organiser(
        session, active, reason=reason or "", cause="slot", links=links
    )


# --- attendee lists and check-in ------------------------------------------------------------


@dataclass(frozen=True)
class Attendee:
    """One registration as the company sees it: no e-mail, no guardian, no token."""

    id: int
    first_name: str
    last_name: str
    school: str | None
    grade: int | None
    party_size: int
    status: str
    checked_in_at: datetime | None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass(frozen=True)
class AttendeeList:
    slot: Slot
    attendees: list[Attendee]

    def _people(self, status: str) -> int:
        return sum(a.party_size for a in self.attendees if a.status == status)

    @property
    def confirmed_people(self) -> int:
        return self._people("confirmed")

    @property
    def pending_people(self) -> int:
        return self._people("pending")

    @property
    def waiting_people(self) -> int:
        return self._people("waitlisted")

    @property
    def checked_in_people(self) -> int:
        return sum(a.party_size for a in self.attendees
                   if a.status == "confirmed" and a.checked_in_at is not None)


_STATUS_ORDER = {"confirmed": 0, "pending": 1, "waitlisted": 2}


def attendee_list(session: Session, customer_id: int, slot_id: int) -> AttendeeList:
    """The active registrations of the customer's slot: confirmed first by name, then those
    waiting for a guardian, then the waiting list in its order."""
    slot = get_slot(session, customer_id, slot_id)
    rows = session.execute(
        select(
            Registration.id, Registration.first_name, Registration.last_name,
            Registration.school, Registration.grade, Registration.party_size,
            Registration.status, Registration.checked_in_at, Registration.created_at,
        ).where(
            Registration.slot_id == slot.id,
            Registration.status.in_(ACTIVE_REGISTRATION_STATUSES),
        )
    ).all()

    def order(row):
        if row.status == "waitlisted":
            return (2, "", "", row.created_at, row.id)
        return (_STATUS_ORDER[row.status], row.last_name.casefold(), row.first_name.casefold(),
                row.created_at, row.id)

    attendees = [
        Attendee(r.id, r.first_name, r.last_name, r.school, r.grade, r.party_size, r.status,
                 r.checked_in_at)
        for r in sorted(rows, key=order)
    ]
    return AttendeeList(slot, attendees)


def set_checked_in(
    session: Session, customer_id: int, registration_id: int, present: bool
) -> Registration:
    """Record that a confirmed person came (``present``) or undo it; checking in twice
    keeps the first time."""
    registration = get_registration(session, customer_id, registration_id)
    if registration.status != "confirmed" or registration.slot.status != "open":
        raise ValidationError({"registration": _(
            "Nur bestätigte Anmeldungen zu einem stattfindenden Termin können als anwesend "
            "erfasst werden."
        )})
    if present and registration.checked_in_at is None:
        registration.checked_in_at = utcnow()
    elif not present:
        registration.checked_in_at = None
    session.flush()
    return registration


STATUS_TEXT = {
    "confirmed": N_("bestätigt"),
    "pending": N_("wartet auf die Bestätigung der Eltern"),
    "waitlisted": N_("Warteliste"),
}


def status_text(status: str) -> str:
    """The German (or translated) word for a registration's status on lists."""
    return _(STATUS_TEXT[status]) if status in STATUS_TEXT else status


def csv_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: one starting with = + - @, a tab or CR (a formula,
    e.g. ``=cmd|' /C calc'!A0``) gets a leading apostrophe."""
    text = "" if value is None else str(value)
    if text.startswith(CSV_DANGEROUS_START):
        return "'" + text
    return text


def attendees_csv(attendees: AttendeeList) -> str:
    """The list for Excel: a BOM, ``;`` between cells, every cell neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([_("Nachname"), _("Vorname"), _("Schule"), _("Klasse"), _("Personen"),
                     _("Status"), _("Anwesend")])
    for a in attendees.attendees:
        writer.writerow([csv_cell(v) for v in (
            a.last_name, a.first_name, a.school or "", "" if a.grade is None else a.grade,
            a.party_size, status_text(a.status),
            _("ja") if a.checked_in_at is not None else "",
        )])
    return "\ufeff" + out.getvalue()
