"""The agency's side of the events tool: events are created, edited, published, cancelled and
archived here, the overview figures are counted here, and messages to everyone taking part go
out from here.

Every change follows one shape: check (raise ``ValidationError`` with German messages keyed by
form field before anything is written), change, write an audit entry without personal data,
flush. The caller commits once. A state change that is not allowed from the event's current
status is refused under the key ``"action"``.

Statuses run ``draft → published → cancelled`` and ``cancelled | ended → archived``; only drafts
and published events can be edited. Times are naive wall-clock times in Europe/Berlin, as in
``models/event.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload

from ...i18n import N_
from ...i18n import gettext as _
from ...models import EmployerProfile, Event, EventParticipation, Region, Registration, Slot
from ...models.base import utcnow
from ...models.event import ACTIVE_REGISTRATION_STATUSES, EVENT_KINDS, EVENT_STATUSES
from ...models.host import customer_table
from .. import audit, sanitize
from ..admin_scope import narrow
from ..errors import NotFound, ValidationError
from ..input_checks import DB_INT_MAX, db_ids, has_forbidden_chars, is_postcode
from ..mail import outbox
from ..offer_input import DESCRIPTION_INPUT_MAX, DESCRIPTION_MAX, EMAIL_RE, description_to_html
from ..slugs import slugify

TITLE_MAX = 200
SLUG_MAX = 160
SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
DEFAULT_SLUG = "termin"
VENUE_MAX = STREET_MAX = 200
CITY_MAX = 120
RETENTION_RANGE = (1, 3650)
RETENTION_DEFAULT = 90
DATE_MIN, DATE_MAX = date(2000, 1, 1), date(2100, 12, 31)
REASON_MAX = 500
"""As much of a reason as the registrations' cancellation mail carries."""
SUBJECT_MAX = 200
MESSAGE_MAX = 10000

EDITABLE = ("draft", "published")
STATUS_LABELS = {
    "draft": N_("Entwurf"),
    "published": N_("Veröffentlicht"),
    "cancelled": N_("Abgesagt"),
    "archived": N_("Archiviert"),
}
assert set(STATUS_LABELS) == set(EVENT_STATUSES), "every event status needs a label"
AUDIENCES = ("registered", "companies")
TAKING_PART = "registered"
"""The participation status of a company that takes part (``PARTICIPATION_STATUSES``)."""


# --- input ----------------------------------------------------------------------------------


@dataclass
class EventInput:
    """What the agency may set on an event. No status, id or timestamps: never input."""

    kind: str = ""
    region_id: int | None = None
    title: str = ""
    slug: str = ""
    """Empty: made from the title."""
    starts_on: date | None = None
    ends_on: date | None = None
    at_companies: bool = False
    venue: str | None = None
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    participation_opens_at: datetime | None = None
    participation_closes_at: datetime | None = None
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    description: str = ""
    """As typed: plain text (paragraphs by blank lines) or simple HTML; sanitised on save."""
    retention_days: int | None = RETENTION_DEFAULT


def _unsafe(value: str | None, *, multiline: bool = False) -> bool:
    return has_forbidden_chars(value, multi_line=multiline)


def _unsafe_message() -> str:
    return _("Bitte entfernen Sie Steuerzeichen aus dieser Eingabe.")


def _line(errors: dict[str, str], name: str, value: str | None, limit: int,
          *, required: str | None = None) -> str | None:
    """One line of text: refused with control characters, stripped, bounded, maybe required."""
    if _unsafe(value):
        errors[name] = _unsafe_message()
        return None
    value = (value or "").strip()
    if not value:
        if required:
            errors[name] = required
        return None
    if len(value) > limit:
        errors[name] = _("Bitte kürzen Sie die Angabe auf %(max)s Zeichen.", max=limit)
        return None
    return value


def _date(errors: dict[str, str], name: str, value: date | None, required: str) -> date | None:
    if value is None:
        errors[name] = required
        return None
    if not DATE_MIN <= value <= DATE_MAX:
        errors[name] = _("Bitte geben Sie ein Datum zwischen 2000 und 2100 an.")
        return None
    return value


def _moment(errors: dict[str, str], name: str, value: datetime | None) -> datetime | None:
    if value is not None and not DATE_MIN <= value.date() <= DATE_MAX:
        errors[name] = _("Bitte geben Sie einen Zeitpunkt zwischen 2000 und 2100 an.")
        return None
    return value


def _window(errors: dict[str, str], prefix: str, opens: datetime | None,
            closes: datetime | None, last_moment: datetime | None, too_late: str) -> None:
    """A window must not end before it starts, nor end (or start) after the event is over."""
    opens_key, closes_key = f"{prefix}_opens_at", f"{prefix}_closes_at"
    if opens and closes and closes < opens:
        errors[closes_key] = _("Das Ende dieses Zeitraums liegt vor seinem Beginn.")
    elif last_moment is not None:
        if closes and closes > last_moment:
            errors[closes_key] = too_late
        elif opens and opens > last_moment:
            errors[opens_key] = too_late


@dataclass
class CheckedEvent:
    """The checked values, ready to be set on an ``Event``."""

    values: dict = field(default_factory=dict)


def _description(errors: dict[str, str], text: str | None) -> str:
    text = text or ""
    if len(text) > DESCRIPTION_INPUT_MAX:
        errors["description"] = _("Die Beschreibung ist zu lang. Bitte kürzen Sie sie.")
        return ""
    if _unsafe(text, multiline=True):
        errors["description"] = _unsafe_message()
        return ""
    html = description_to_html(text)
    length = sanitize.text_length(html) if html else 0
    if length > DESCRIPTION_MAX:
        errors["description"] = _(
            "Die Beschreibung darf höchstens %(max)s Zeichen Text enthalten (jetzt: %(count)s).",
            max=DESCRIPTION_MAX, count=length,
        )
    return html


def _slug(errors: dict[str, str], slug: str | None, title: str | None) -> str | None:
    if _unsafe(slug):
        errors["slug"] = _unsafe_message()
        return None
    slug = (slug or "").strip()
    if not slug:
        made = slugify(title or "")[:SLUG_MAX].strip("-")
        return made or DEFAULT_SLUG
    if len(slug) > SLUG_MAX or not SLUG_RE.fullmatch(slug):
        errors["slug"] = _(
            "Die Adresse darf nur Kleinbuchstaben ohne Umlaute, Ziffern und einzelne "
            "Bindestriche enthalten, höchstens %(max)s Zeichen.", max=SLUG_MAX,
        )
        return None
    return slug


def validate_input(session: Session, data: EventInput, event: Event | None = None
                   ) -> CheckedEvent:
    """Check everything the agency entered; raise one ``ValidationError`` with all problems.

    ``event`` is the event being edited (``None`` when creating): its region cannot change once
    companies take part, because they took part as companies of that region.
    """
    errors: dict[str, str] = {}
    values: dict = {}

    if data.kind not in EVENT_KINDS:
        errors["kind"] = _("Bitte wählen Sie die Art der Veranstaltung aus der Liste.")
    values["kind"] = data.kind

    region_ids = db_ids([data.region_id])
    region = session.get(Region, region_ids[0]) if region_ids else None
    if region is None:
        errors["region_id"] = _("Bitte wählen Sie eine Region aus der Liste.")
    elif event is not None and region.id != event.region_id and _has_companies(session, event):
        errors["region_id"] = _(
            "Die Region kann nicht mehr geändert werden, weil schon Betriebe teilnehmen."
        )
    values["region_id"] = region.id if region else None

    values["title"] = _line(errors, "title", data.title, TITLE_MAX,
                            required=_("Bitte geben Sie einen Titel ein."))
    values["slug"] = _slug(errors, data.slug, values["title"])

    starts = _date(errors, "starts_on", data.starts_on,
                   _("Bitte geben Sie an, an welchem Tag die Veranstaltung beginnt."))
    ends = _date(errors, "ends_on", data.ends_on,
                 _("Bitte geben Sie an, an welchem Tag die Veranstaltung endet."))
    if starts and ends and ends < starts:
        errors["ends_on"] = _("Das Ende liegt vor dem Beginn der Veranstaltung.")
    values["starts_on"], values["ends_on"] = starts, ends
    if event is not None and starts and ends and "ends_on" not in errors:
        _check_slots_inside(session, event, starts, ends, errors)

    values["at_companies"] = bool(data.at_companies)
    values["venue"] = _line(errors, "venue", data.venue, VENUE_MAX)
    values["street"] = _line(errors, "street", data.street, STREET_MAX)
    values["city"] = _line(errors, "city", data.city, CITY_MAX)
    postcode = _line(errors, "postcode", data.postcode, 10)
    if postcode and not is_postcode(postcode):
        errors["postcode"] = _("Bitte geben Sie eine fünfstellige Postleitzahl an.")
    values["postcode"] = postcode
    if not data.at_companies and "venue" not in errors and not values["venue"]:
        errors["venue"] = _(
            "Bitte geben Sie den Veranstaltungsort an oder wählen Sie „In den Betrieben“."
        )

    last_moment = datetime.combine(ends, time(23, 59, 59)) if ends else None
    for prefix, too_late in (
        ("participation", _("Die Teilnahme der Betriebe muss spätestens am letzten "
                            "Veranstaltungstag enden.")),
        ("registration", _("Die Anmeldung muss spätestens am letzten Veranstaltungstag "
                           "enden.")),
    ):
        opens = _moment(errors, f"{prefix}_opens_at", getattr(data, f"{prefix}_opens_at"))
        closes = _moment(errors, f"{prefix}_closes_at", getattr(data, f"{prefix}_closes_at"))
        _window(errors, prefix, opens, closes, last_moment, too_late)
        values[f"{prefix}_opens_at"], values[f"{prefix}_closes_at"] = opens, closes

    values["description_html"] = _description(errors, data.description)

    low, high = RETENTION_RANGE
    if data.retention_days is None or not low <= data.retention_days <= high:
        errors["retention_days"] = _(
            "Bitte geben Sie zwischen %(low)s und %(high)s Tagen an.", low=low, high=high
        )
    values["retention_days"] = data.retention_days

    if errors:
        raise ValidationError(errors)
    return CheckedEvent(values)


def _check_slots_inside(session: Session, event: Event, starts: date, ends: date,
                        errors: dict[str, str]) -> None:
    """The event's days cannot move away from visit slots companies already offer: people
    registered for those times, and only the company can move its slots."""
    first, last = session.execute(
        select(func.min(Slot.starts_at), func.max(Slot.starts_at))
        .join(EventParticipation, EventParticipation.id == Slot.participation_id)
        .where(EventParticipation.event_id == event.id, Slot.status == "open",
               EventParticipation.status == TAKING_PART)
    ).one()
    if first is None:
        return
    if first.date() < starts or last.date() > ends:
        message = _(
            "Die Betriebe bieten schon Besuchszeiten vom %(first)s bis %(last)s an. Die "
            "Veranstaltung muss diese Tage umfassen.",
            first=first.strftime("%d.%m.%Y"), last=last.strftime("%d.%m.%Y"),
        )
        errors["starts_on" if first.date() < starts else "ends_on"] = message


def form_values(event: Event) -> dict:
    """A saved event as the form's values (the description as it was typed)."""
    return {
        "kind": event.kind,
        "region_id": event.region_id,
        "title": event.title,
        "slug": event.slug,
        "starts_on": event.starts_on,
        "ends_on": event.ends_on,
        "at_companies": event.at_companies,
        "venue": event.venue,
        "street": event.street,
        "postcode": event.postcode,
        "city": event.city,
        "participation_opens_at": event.participation_opens_at,
        "participation_closes_at": event.participation_closes_at,
        "registration_opens_at": event.registration_opens_at,
        "registration_closes_at": event.registration_closes_at,
        "description": sanitize.as_typed(event.description_html, description_to_html),
        "retention_days": event.retention_days,
    }


# --- reading --------------------------------------------------------------------------------


def get_event(session: Session, event_id: int) -> Event:
    """The event, or ``NotFound`` (also for ids no INTEGER column can hold)."""
    event = session.get(Event, event_id) if 0 < event_id <= DB_INT_MAX else None
    if event is None:
        raise NotFound(event_id)
    return event


def list_events(session: Session, region_ids: frozenset[int] | None = None) -> list[Event]:
    """The events of the regions in ``region_ids`` (``None``: every region), soonest first,
    with their region loaded."""
    return list(session.scalars(
        narrow(select(Event), Event.region_id, region_ids).options(selectinload(Event.region))
        .order_by(Event.starts_on, Event.ends_on, Event.title, Event.id)
    ))


def _has_companies(session: Session, event: Event) -> bool:
    return session.scalar(
        select(func.count(EventParticipation.id)).where(EventParticipation.event_id == event.id)
    ) > 0


def status_label(status: str) -> str:
    label = STATUS_LABELS.get(status)
    return _(label) if label else status


def has_ended(event: Event, today: date) -> bool:
    return event.ends_on < today


def allowed_actions(event: Event, today: date) -> set[str]:
    """What the agency can do with the event now: ``edit``, ``publish``, ``cancel``,
    ``archive``. The single owner of the status rules; views show only these buttons."""
    actions = set()
    if event.status in EDITABLE:
        actions.add("edit")
    if event.status == "draft":
        actions.add("publish")
    if event.status == "published":
        actions.add("cancel")
    if event.status == "cancelled" or (event.status == "published" and has_ended(event, today)):
        actions.add("archive")
    return actions


def refusal(action: str) -> str:
    """Why ``action`` is not possible now (it is not in ``allowed_actions``): the one wording
    of each refusal, for the service's errors and the views' notices alike."""
    messages = {
        "edit": _("Abgesagte und archivierte Veranstaltungen können nicht mehr bearbeitet "
                  "werden."),
        "publish": _("Nur ein Entwurf kann veröffentlicht werden."),
        "cancel": _("Nur eine veröffentlichte Veranstaltung kann abgesagt werden."),
        "archive": _("Archiviert werden können nur abgesagte oder beendete Veranstaltungen."),
    }
    return messages[action]


def _refuse_unless(event: Event, action: str, today: date) -> None:
    if action not in allowed_actions(event, today):
        raise ValidationError({"action": refusal(action)})


# --- writing --------------------------------------------------------------------------------


AUDIT_VALUES_SHOWN = ("kind", "region_id", "starts_on", "ends_on", "at_companies",
                      "participation_opens_at", "participation_closes_at",
                      "registration_opens_at", "registration_closes_at", "retention_days",
                      "postcode")
"""Event fields whose values the audit log keeps (``services/audit.py``: no free text)."""


def _status_change(before: str, event: Event) -> dict:
    return {"fields": ["status"], "before": {"status": before},
            "after": {"status": event.status}}


def create_event(session: Session, data: EventInput, actor_user_id: int | None) -> Event:
    """A new draft: nobody sees it until it is published."""
    checked = validate_input(session, data)
    event = Event(status="draft", created_by_user_id=actor_user_id, **checked.values)
    session.add(event)
    session.flush()
    audit.record(session, "event.created", "event", event.id, actor_user_id=actor_user_id,
                 region_id=event.region_id, details={
                     "kind": event.kind,
                     **audit.changes({}, checked.values, shown=AUDIT_VALUES_SHOWN)})
    session.flush()
    return event


def update_event(session: Session, event_id: int, data: EventInput, actor_user_id: int | None,
                 today: date) -> Event:
    """Change a draft or a published event; the public pages show the change at once."""
    event = get_event(session, event_id)
    _refuse_unless(event, "edit", today)
    checked = validate_input(session, data, event)
    before = {key: getattr(event, key) for key in checked.values}
    for key, value in checked.values.items():
        setattr(event, key, value)
    audit.record(session, "event.updated", "event", event.id, actor_user_id=actor_user_id,
                 region_id=event.region_id,
                 details=audit.changes(before, checked.values, shown=AUDIT_VALUES_SHOWN))
    session.flush()
    return event


def publish_event(session: Session, event_id: int, actor_user_id: int | None,
                  today: date) -> Event:
    """Draft → published: the event appears on the public calendar (if its region shows
    events) and companies can take part within their window."""
    event = get_event(session, event_id)
    _refuse_unless(event, "publish", today)
    before = event.status
    event.status = "published"
    event.published_at = utcnow()
    audit.record(session, "event.published", "event", event.id, actor_user_id=actor_user_id,
                 region_id=event.region_id, details=_status_change(before, event))
    session.flush()
    return event


@dataclass(frozen=True)
class CancelResult:
    event: Event
    registrations_cancelled: int
    companies_mailed: int


def _active_registrations(session: Session, event_id: int) -> list[Registration]:
    return list(session.scalars(
        select(Registration)
        .join(Slot, Slot.id == Registration.slot_id)
        .join(EventParticipation, EventParticipation.id == Slot.participation_id)
        .where(EventParticipation.event_id == event_id,
               Registration.status.in_(ACTIVE_REGISTRATION_STATUSES))
        .order_by(Registration.id)
    ))


def _company_addresses(session: Session, event_id: int) -> list[str]:
    """One address per taking-part company: the profile's contact address, else the
    customer's address from the host; lower-cased and deduplicated, in a stable order."""
    rows = session.execute(
        select(EmployerProfile.contact_email, customer_table.c.email)
        .select_from(EventParticipation)
        .join(EmployerProfile, EmployerProfile.id == EventParticipation.profile_id)
        .join(customer_table, customer_table.c.id == EmployerProfile.customer_id, isouter=True)
        .where(EventParticipation.event_id == event_id,
               EventParticipation.status == TAKING_PART)
        .order_by(EventParticipation.id)
    ).all()
    return _distinct_addresses(contact or customer for contact, customer in rows)


def _distinct_addresses(addresses: Iterable[str | None]) -> list[str]:
    """Usable addresses, lower-cased, each once; anything that could reach a header is
    dropped (it came from elsewhere, the agency cannot fix it here)."""
    seen: dict[str, None] = {}
    for address in addresses:
        address = (address or "").strip().lower()
        if address and EMAIL_RE.match(address) and not _unsafe(address):
            seen.setdefault(address, None)
    return list(seen)


def _event_line(event: Event) -> str:
    days = event.starts_on.strftime("%d.%m.%Y")
    if event.ends_on != event.starts_on:
        days += " – " + event.ends_on.strftime("%d.%m.%Y")
    return _("„%(title)s“ (%(days)s)", title=event.title, days=days)


def _cancel_registrations(session: Session, registrations: list[Registration], reason: str,
                          links) -> int:
    from . import registrations as registrations_service  # only cancelling needs it

    return registrations_service.cancel_by_organiser(
        session, registrations, reason=reason, cause="event", links=links
    )


def _check_reason(reason: str | None) -> str:
    if _unsafe(reason, multiline=True):
        raise ValidationError({"reason": _unsafe_message()})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _(
            "Bitte geben Sie einen Grund an. Er steht in der Mail an alle Angemeldeten und "
            "Betriebe."
        )})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _(
            "Bitte kürzen Sie den Grund auf %(max)s Zeichen.", max=REASON_MAX
        )})
    return reason


def cancel_event(session: Session, event_id: int, reason: str, actor_user_id: int | None,
                 today: date, *, links=None) -> CancelResult:
    """Published → cancelled, in one transaction: every active registration is cancelled and
    mailed (by ``registrations.cancel_by_organiser``), every taking-part company gets a mail.

    Places freed here promote nobody: the whole event is off. ``links`` builds the URLs in
    the registrations' mails (``mails.Links``; required when anyone is registered).
    """
    event = get_event(session, event_id)
    _refuse_unless(event, "cancel", today)
    reason = _check_reason(reason)
    before = event.status
    event.status = "cancelled"
    event.cancelled_at = utcnow()
    session.flush()
    cancelled = _cancel_registrations(session, _active_registrations(session, event.id), reason,
                                      links)
    companies = _company_addresses(session, event.id)
    subject = _("Abgesagt: %(title)s", title=event.title)
    text = _(
        "Guten Tag,\n\ndie Veranstaltung %(event)s ist abgesagt.\n\nGrund: %(reason)s\n\n"
        "Ihre Besuchszeiten und Stände entfallen. Alle Angemeldeten wurden per E-Mail "
        "benachrichtigt; Sie müssen nichts weiter tun.\n\nMit freundlichen Grüßen\n"
        "Ihre Wirtschaftsförderung",
        event=_event_line(event), reason=reason,
    )
    for address in companies:
        outbox.queue(session, to=address, subject=subject, text=text,
                     kind="event.cancelled.company", region_id=event.region_id,
                     dedupe_key=f"event-cancelled:{event.id}:company:{address}"[:200])
    audit.record(session, "event.cancelled", "event", event.id, actor_user_id=actor_user_id,
                 region_id=event.region_id,
                 details={"registrations": cancelled, "companies": len(companies),
                          **_status_change(before, event)})
    session.flush()
    return CancelResult(event, cancelled, len(companies))


def archive_event(session: Session, event_id: int, actor_user_id: int | None,
                  today: date) -> Event:
    """Cancelled or ended → archived: off the lists, its page answers 410 (``event_pages``)."""
    event = get_event(session, event_id)
    _refuse_unless(event, "archive", today)
    before = event.status
    event.status = "archived"
    event.archived_at = utcnow()
    audit.record(session, "event.archived", "event", event.id, actor_user_id=actor_user_id,
                 region_id=event.region_id, details=_status_change(before, event))
    session.flush()
    return event


# --- the overview ---------------------------------------------------------------------------


@dataclass
class Figures:
    """Counts of people (party sizes summed), except ``registrations`` (rows)."""

    capacity: int = 0
    held: int = 0
    """Places taken: confirmed plus pending (waiting for a guardian)."""
    confirmed: int = 0
    pending: int = 0
    waitlisted: int = 0
    attended: int = 0
    """Checked in on the day."""
    registrations: int = 0
    """Registrations ever made, cancelled and expired ones included."""

    @property
    def free(self) -> int:
        return max(self.capacity - self.held, 0)

    @property
    def fill_rate(self) -> float | None:
        """Share of the capacity held, 0..1 (above 1 after a capacity was lowered)."""
        return self.held / self.capacity if self.capacity else None

    def add(self, other: Figures) -> None:
        for name in ("capacity", "held", "confirmed", "pending", "waitlisted", "attended",
                     "registrations"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class SlotLine:
    slot: Slot
    figures: Figures


@dataclass
class CompanyLine:
    participation: EventParticipation
    name: str
    slots: list[SlotLine]
    figures: Figures


@dataclass
class Overview:
    event: Event
    companies: list[CompanyLine]
    figures: Figures
    withdrawn: int
    """Companies that took part and withdrew (not in ``companies``)."""


def _slot_counts(session: Session, slot_ids: list[int]) -> dict[int, Figures]:
    """Per slot, the registrations counted by status in one grouped query."""
    if not slot_ids:
        return {}
    people = func.coalesce(Registration.party_size, 1)

    def people_when(condition):
        return func.coalesce(func.sum(case((condition, people), else_=0)), 0)

    rows = session.execute(
        select(
            Registration.slot_id,
            people_when(Registration.status == "confirmed"),
            people_when(Registration.status == "pending"),
            people_when(Registration.status == "waitlisted"),
            people_when(Registration.checked_in_at.is_not(None)),
            func.count(Registration.id),
        )
        .where(Registration.slot_id.in_(slot_ids))
        .group_by(Registration.slot_id)
    ).all()
    found = {}
    for slot_id, confirmed, pending, waitlisted, attended, total in rows:
        found[slot_id] = Figures(
            held=int(confirmed) + int(pending), confirmed=int(confirmed), pending=int(pending),
            waitlisted=int(waitlisted), attended=int(attended), registrations=int(total),
        )
    return found


def _sort_name(name: str) -> str:
    return name.casefold().translate(str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"}))


def overview(session: Session, event_id: int) -> Overview:
    """The taking-part companies by name (never by size), their slots and the figures.

    Held places are counted from the registrations themselves, not from
    ``Slot.confirmed_count``, so the agency sees the truth even if the two ever differ.
    Cancelled slots are listed but add no capacity.
    """
    event = get_event(session, event_id)
    participations = list(session.scalars(
        select(EventParticipation)
        .options(selectinload(EventParticipation.slots), selectinload(EventParticipation.profile))
        .where(EventParticipation.event_id == event.id)
    ))
    taking_part = [p for p in participations if p.status == TAKING_PART]
    counts = _slot_counts(session, [s.id for p in taking_part for s in p.slots])
    total = Figures()
    companies = []
    for participation in taking_part:
        company_figures = Figures()
        lines = []
        for slot in participation.slots:
            figures = counts.get(slot.id, Figures())
            figures.capacity = slot.capacity if slot.status == "open" else 0
            company_figures.add(figures)
            lines.append(SlotLine(slot, figures))
        total.add(company_figures)
        companies.append(CompanyLine(participation, participation.profile.display_name,
                                     lines, company_figures))
    companies.sort(key=lambda line: (_sort_name(line.name), line.participation.id))
    return Overview(event, companies, total, len(participations) - len(taking_part))


# --- messages -------------------------------------------------------------------------------


def recipients(session: Session, event_id: int, audience: str) -> list[str]:
    """The distinct addresses a message to ``audience`` goes to.

    ``registered``: everyone holding a place or waiting (pending, confirmed, waitlisted);
    ``companies``: every taking-part company (contact address of its profile, else the
    customer's address).
    """
    if audience == "registered":
        addresses = session.scalars(
            select(Registration.email)
            .join(Slot, Slot.id == Registration.slot_id)
            .join(EventParticipation, EventParticipation.id == Slot.participation_id)
            .where(EventParticipation.event_id == event_id,
                   Registration.status.in_(ACTIVE_REGISTRATION_STATUSES))
            .order_by(Registration.id)
        )
        return _distinct_addresses(addresses)
    if audience == "companies":
        return _company_addresses(session, event_id)
    raise NotFound(audience)


def send_message(session: Session, event_id: int, audience: str, subject: str | None,
                 text: str | None, actor_user_id: int | None) -> int:
    """Queue one mail per distinct address of ``audience``; return how many were queued.

    The text is the agency's own; the event's name and dates are added below it, so people
    know which event it is about. Cancelled and archived events take no messages (everyone
    was told already).
    """
    event = get_event(session, event_id)
    if audience not in AUDIENCES:
        raise NotFound(audience)
    errors: dict[str, str] = {}
    subject = _line(errors, "subject", subject, SUBJECT_MAX,
                    required=_("Bitte geben Sie einen Betreff ein."))
    if _unsafe(text, multiline=True):
        errors["text"] = _unsafe_message()
    else:
        text = (text or "").replace("\r\n", "\n").strip()
        if not text:
            errors["text"] = _("Bitte schreiben Sie eine Nachricht.")
        elif len(text) > MESSAGE_MAX:
            errors["text"] = _("Bitte kürzen Sie die Nachricht auf %(max)s Zeichen.",
                               max=MESSAGE_MAX)
    if event.status not in EDITABLE:
        errors["action"] = _("An abgesagte oder archivierte Veranstaltungen können keine "
                             "Nachrichten mehr gehen.")
    if errors:
        raise ValidationError(errors)
    body = _("%(text)s\n\n--\nDiese Nachricht betrifft die Veranstaltung %(event)s.",
             text=text, event=_event_line(event))
    addresses = recipients(session, event.id, audience)
    for address in addresses:
        outbox.queue(session, to=address, subject=subject, text=body,
                     kind=f"event.message.{audience}", region_id=event.region_id)
    audit.record(session, "event.message_sent", "event", event.id,
                 actor_user_id=actor_user_id, region_id=event.region_id,
                 details={"audience": audience, "count": len(addresses)})
    session.flush()
    return len(addresses)
