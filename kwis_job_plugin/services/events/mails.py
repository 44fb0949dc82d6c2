"""The texts of every events mail, written to the outbox in the caller's transaction.

One function a mail. They take the URLs the mail links to as arguments: services build no URLs;
the links for a registration come from a ``Links`` object that the caller passes explicitly:
the views (``views/registration.links()``, the blueprint is the one place that spells its URLs)
and the command line (the same, or ``offline_links`` without a host app). Nothing is installed
in the process: a service that must mail a link and got none raises ``MissingLinks``.

Nothing typed by a visitor reaches a header: the recipient address was checked at the field
(``registrations.check_input``) and again by ``outbox.queue``; subjects are built from our own
words and titles the agency or a company typed, and ``queue`` flattens those to one line.
Texts are plain German (the visitor's locale when one is set), neutral forms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

import icalendar
from babel.dates import format_date as babel_format_date
from babel.dates import format_time as babel_format_time
from sqlalchemy.orm import Session

from ... import i18n
from ...i18n import gettext as _
from ...models import Event, OutboxMail, Registration, Slot
from ..event_ics import PRODID, slot_uid
from ..mail import outbox

BERLIN = ZoneInfo("Europe/Berlin")
SIGNATURE = "—\nKWIS.job"


class Links(Protocol):
    """Absolute URLs for links in mails (built by ``views/registration.py``)."""

    def cancel(self, token: str) -> str: ...

    def guardian(self, token: str) -> str: ...

    def event(self, event_id: int, slug: str) -> str: ...


class MissingLinks(RuntimeError):
    """A service had to mail a link but the caller passed no ``links``."""


def required(links: Links | None) -> Links:
    """``links``, or ``MissingLinks`` naming the fix: there is no default to fall back on."""
    if links is None:
        raise MissingLinks(
            "This call mails links to registrations but got links=None: pass links= "
            "(views.registration.links() in a request or app context, "
            "views.registration.offline_links(base_url, prefix) without one)."
        )
    return links


# --- what the mails say about a slot -----------------------------------------------------------


@dataclass(frozen=True)
class SlotFacts:
    event_id: int
    event_slug: str
    event_title: str
    company: str
    slot_id: int
    title: str
    starts_at: datetime
    ends_at: datetime
    place: str | None
    region_id: int

    @property
    def when(self) -> str:
        locale = i18n.get_locale()
        return _(
            "%(date)s, %(start)s–%(end)s Uhr",
            date=babel_format_date(self.starts_at.date(), format="full", locale=locale),
            start=babel_format_time(self.starts_at, format="HH:mm", locale=locale),
            end=babel_format_time(self.ends_at, format="HH:mm", locale=locale),
        )

    def lines(self) -> str:
        rows = [
            _("Veranstaltung: %(title)s", title=self.event_title),
            _("Betrieb: %(name)s", name=self.company),
            _("Termin: %(title)s", title=self.title),
            _("Wann: %(when)s", when=self.when),
        ]
        if self.place:
            rows.append(_("Treffpunkt: %(place)s", place=self.place))
        return "\n".join(rows)


def company_name(public_name: str | None, display_name: str) -> str:
    """The company as the public sees it: the published name, else the working one."""
    return public_name or display_name


def slot_facts(slot: Slot) -> SlotFacts:
    participation = slot.participation
    event: Event = participation.event
    profile = participation.profile
    company = company_name((profile.published_snapshot or {}).get("display_name"),
                           profile.display_name)
    return SlotFacts(
        event_id=event.id, event_slug=event.slug, event_title=event.title, company=company,
        slot_id=slot.id, title=slot.title, starts_at=slot.starts_at, ends_at=slot.ends_at,
        place=slot.place, region_id=event.region_id,
    )


@lru_cache(maxsize=8)
def _berlin_timezone(year: int) -> icalendar.Timezone:
    """Europe/Berlin as a VTIMEZONE from the year before ``year`` to the year after.

    The same for every mail about a visit in ``year``, and building it is most of the cost of
    an .ics (a registration makes one under the slot's lock), so it is built once per process.
    A pure function of the time-zone data: nothing here depends on an app or a request."""
    cal = icalendar.Calendar()
    probe = icalendar.Event()
    probe.add("dtstart", datetime(year, 1, 1, tzinfo=BERLIN))
    cal.add_component(probe)
    cal.add_missing_timezones(date(year - 1, 1, 1), date(year + 2, 1, 1))
    [timezone] = cal.walk("VTIMEZONE")
    return timezone


def slot_ics(facts: SlotFacts, *, domain: str, url: str) -> str:
    """The visit as an iCalendar entry in Europe/Berlin time, attached to confirmations."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add_component(_berlin_timezone(facts.starts_at.year))
    entry = icalendar.Event()
    entry.add("uid", slot_uid(facts.slot_id, domain))
    entry.add("dtstamp", datetime.now(UTC))
    entry.add("summary", f"{facts.title} – {facts.company}")
    entry.add("dtstart", facts.starts_at.replace(tzinfo=BERLIN))
    entry.add("dtend", facts.ends_at.replace(tzinfo=BERLIN))
    entry.add("status", "CONFIRMED")
    entry.add("location", ", ".join(p for p in (facts.place, facts.company) if p))
    entry.add("description", "\n\n".join((facts.lines(), url)))
    entry.add("url", url)
    cal.add_component(entry)
    return cal.to_ical().decode("utf-8")


def _domain(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or "localhost"


def _salutation(registration: Registration) -> str:
    return _("Hallo %(first)s %(last)s,", first=registration.first_name,
             last=registration.last_name)


def _party(registration: Registration) -> str:
    if registration.party_size > 1:
        return "\n" + _("Angemeldet sind %(num)s Personen.", num=registration.party_size)
    return ""


def _body(*parts: str) -> str:
    return "\n\n".join(part for part in (*parts, SIGNATURE) if part)


def _queue(session: Session, facts: SlotFacts, *, to: str, subject: str, text: str, kind: str,
           ics: str | None = None, dedupe_key: str | None = None) -> OutboxMail:
    return outbox.queue(session, to=to, subject=subject, text=text, kind=kind,
                        region_id=facts.region_id, ics=ics, dedupe_key=dedupe_key)


# --- the visitor's mails -----------------------------------------------------------------------


def confirmed(session: Session, registration: Registration, *, cancel_url: str,
              event_url: str, facts: SlotFacts | None = None) -> OutboxMail:
    """The place is confirmed (at once, or after a guardian's confirmation); with the .ics.

    ``facts`` (here and in the other mails): the slot's, when the caller has read them
    already; otherwise they are loaded from ``registration.slot``."""
    facts = facts or slot_facts(registration.slot)
    return _queue(
        session, facts, to=registration.email,
        subject=_("Anmeldung bestätigt: %(title)s", title=facts.title),
        text=_body(
            _salutation(registration),
            _("Ihre Anmeldung ist bestätigt. Wir freuen uns auf Ihren Besuch.") + _party(
                registration),
            facts.lines(),
            _("Den Termin für Ihren Kalender finden Sie im Anhang."),
            _("Falls Sie nicht kommen können, melden Sie sich bitte ab, damit jemand anderes "
              "den Platz bekommt:\n%(url)s", url=cancel_url),
            _("Alles zur Veranstaltung: %(url)s", url=event_url),
        ),
        kind="registration.confirmed",
        ics=slot_ics(facts, domain=_domain(event_url), url=event_url),
    )


def guardian_request(session: Session, registration: Registration, *, confirm_url: str,
                     event_url: str, hold_until: datetime | None,
                     facts: SlotFacts | None = None) -> OutboxMail:
    """To the guardian of someone under 16: please confirm through the link.

    ``hold_until`` (naive UTC) is when a held place is released; ``None`` while the person
    waits on the waiting list.
    """
    facts = facts or slot_facts(registration.slot)
    if hold_until is not None:
        hold = hold_until.replace(tzinfo=UTC).astimezone(BERLIN)
        status = _(
            "Der Platz ist bis %(date)s, %(time)s Uhr für %(first)s reserviert. Ohne Ihre "
            "Bestätigung wird er danach wieder frei.",
            date=babel_format_date(hold.date(), format="medium", locale=i18n.get_locale()),
            time=babel_format_time(hold, format="HH:mm", locale=i18n.get_locale()),
            first=registration.first_name,
        )
    else:
        status = _("Der Termin ist zurzeit ausgebucht; %(first)s steht auf der Warteliste. "
                   "Mit Ihrer Bestätigung rückt %(first)s automatisch nach, sobald ein Platz "
                   "frei wird.", first=registration.first_name)
    return _queue(
        session, facts, to=registration.guardian_email or "",
        subject=_("Bitte bestätigen: Anmeldung von %(first)s %(last)s",
                  first=registration.first_name, last=registration.last_name),
        text=_body(
            _("Guten Tag,"),
            _("%(first)s %(last)s hat sich zu einem Besuchstermin angemeldet und Ihre "
              "E-Mail-Adresse als erziehungsberechtigte Person angegeben. Weil %(first)s "
              "jünger als 16 Jahre ist, gilt die Anmeldung erst mit Ihrer Bestätigung.",
              first=registration.first_name, last=registration.last_name) + _party(
                registration),
            facts.lines(),
            status,
            _("Anmeldung bestätigen:\n%(url)s", url=confirm_url),
            _("Wenn Sie nicht einverstanden sind oder die Anmeldung nicht kennen, müssen Sie "
              "nichts tun."),
            _("Alles zur Veranstaltung: %(url)s", url=event_url),
        ),
        kind="registration.guardian_request",
    )


def waitlisted(session: Session, registration: Registration, *, cancel_url: str,
               event_url: str, facts: SlotFacts | None = None) -> OutboxMail:
    facts = facts or slot_facts(registration.slot)
    return _queue(
        session, facts, to=registration.email,
        subject=_("Warteliste: %(title)s", title=facts.title),
        text=_body(
            _salutation(registration),
            _("Der Termin ist zurzeit ausgebucht. Sie stehen auf der Warteliste. Sobald ein "
              "Platz frei wird, rücken Sie in der Reihenfolge der Anmeldungen automatisch nach "
              "und bekommen eine E-Mail.") + _party(registration),
            facts.lines(),
            _("Wenn Sie nicht mehr warten möchten, tragen Sie sich hier aus:\n%(url)s",
              url=cancel_url),
            _("Alles zur Veranstaltung: %(url)s", url=event_url),
        ),
        kind="registration.waitlisted",
    )


def promoted(session: Session, registration: Registration, *, cancel_url: str,
             event_url: str) -> OutboxMail:
    """A place became free and the waiting person has it now; with the .ics."""
    facts = slot_facts(registration.slot)
    return _queue(
        session, facts, to=registration.email,
        subject=_("Platz frei geworden: %(title)s", title=facts.title),
        text=_body(
            _salutation(registration),
            _("Gute Nachricht: Ein Platz ist frei geworden. Sie sind von der Warteliste "
              "nachgerückt und Ihre Anmeldung ist jetzt bestätigt.") + _party(registration),
            facts.lines(),
            _("Den Termin für Ihren Kalender finden Sie im Anhang."),
            _("Falls Sie nicht kommen können, melden Sie sich bitte ab:\n%(url)s",
              url=cancel_url),
            _("Alles zur Veranstaltung: %(url)s", url=event_url),
        ),
        kind="registration.promoted",
        ics=slot_ics(facts, domain=_domain(event_url), url=event_url),
    )


def cancelled_by_visitor(session: Session, registration: Registration, *,
                         event_url: str) -> OutboxMail:
    facts = slot_facts(registration.slot)
    return _queue(
        session, facts, to=registration.email,
        subject=_("Abmeldung bestätigt: %(title)s", title=facts.title),
        text=_body(
            _salutation(registration),
            _("Sie haben sich von diesem Termin abgemeldet. Ihr Platz ist wieder frei."),
            facts.lines(),
            _("Andere Termine der Veranstaltung: %(url)s", url=event_url),
        ),
        kind="registration.cancelled",
    )


def cancelled_by_organiser(session: Session, registration: Registration, *, reason: str,
                           cause: str, event_url: str) -> OutboxMail:
    """The agency cancelled the event (``cause="event"``) or the company the slot (``"slot"``)."""
    facts = slot_facts(registration.slot)
    if cause == "event":
        subject = _("Veranstaltung abgesagt: %(title)s", title=facts.event_title)
        what = _("Leider wurde die Veranstaltung „%(title)s“ abgesagt. Ihre Anmeldung ist "
                 "damit aufgehoben.", title=facts.event_title)
        more = ""
    else:
        subject = _("Termin abgesagt: %(title)s", title=facts.title)
        what = _("Leider hat %(name)s diesen Termin abgesagt. Ihre Anmeldung ist damit "
                 "aufgehoben.", name=facts.company)
        more = _("Andere Termine der Veranstaltung: %(url)s", url=event_url)
    return _queue(
        session, facts, to=registration.email, subject=subject,
        text=_body(
            _salutation(registration),
            what,
            facts.lines(),
            _("Begründung: %(reason)s", reason=reason) if reason.strip() else "",
            _("Sie müssen nichts weiter tun."),
            more,
        ),
        kind=f"registration.cancelled_{cause}",
    )


def reminder(session: Session, registration: Registration, *, cancel_url: str,
             event_url: str) -> OutboxMail:
    """48 hours before: once per registration (the dedupe key makes sure of it)."""
    facts = slot_facts(registration.slot)
    return _queue(
        session, facts, to=registration.email,
        subject=_("Erinnerung: %(title)s", title=facts.title),
        text=_body(
            _salutation(registration),
            _("in zwei Tagen ist es so weit. Zur Erinnerung an Ihren Besuch:") + _party(
                registration),
            facts.lines(),
            _("Falls Sie nicht kommen können, melden Sie sich bitte ab, damit jemand von der "
              "Warteliste nachrücken kann:\n%(url)s", url=cancel_url),
        ),
        kind="registration.reminder",
        ics=slot_ics(facts, domain=_domain(event_url), url=event_url),
        dedupe_key=f"registration.reminder:{registration.id}",
    )


def already_registered(session: Session, registration: Registration, *,
                       event_url: str, facts: SlotFacts | None = None) -> OutboxMail:
    """A second registration with the same address: the page answered as for a new one, and
    only the owner of the address learns that it was already registered."""
    facts = facts or slot_facts(registration.slot)
    return _queue(
        session, facts, to=registration.email,
        subject=_("Sie sind bereits angemeldet: %(title)s", title=facts.title),
        text=_body(
            _("Guten Tag,"),
            _("für diesen Termin ist Ihre E-Mail-Adresse bereits angemeldet; eine zweite "
              "Anmeldung haben wir deshalb nicht angelegt. Den Link zum Abmelden finden Sie in "
              "der ersten E-Mail, die Sie zu diesem Termin von uns bekommen haben."),
            facts.lines(),
            _("Wenn Sie sich nicht angemeldet haben, müssen Sie nichts tun."),
            _("Alles zur Veranstaltung: %(url)s", url=event_url),
        ),
        kind="registration.duplicate",
    )


def pending_expired(session: Session, registration: Registration, *,
                    event_url: str) -> OutboxMail:
    """No guardian confirmed in time: the held place is free again."""
    facts = slot_facts(registration.slot)
    return _queue(
        session, facts, to=registration.email,
        subject=_("Anmeldung nicht bestätigt: %(title)s", title=facts.title),
        text=_body(
            _salutation(registration),
            _("Ihre Anmeldung wurde nicht rechtzeitig von einer erziehungsberechtigten Person "
              "bestätigt. Der reservierte Platz ist deshalb wieder frei. Sie können sich gern "
              "noch einmal anmelden, solange Plätze frei sind."),
            facts.lines(),
            _("Alles zur Veranstaltung: %(url)s", url=event_url),
        ),
        kind="registration.expired",
    )


def slot_changed(session: Session, registration: Registration, *, changes: list[str],
                 cancel_url: str, event_url: str) -> OutboxMail:
    """The company changed a slot someone is registered for (``changes``: German lines)."""
    facts = slot_facts(registration.slot)
    return _queue(
        session, facts, to=registration.email,
        subject=_("Termin geändert: %(title)s", title=facts.title),
        text=_body(
            _salutation(registration),
            _("%(name)s hat den Termin geändert, zu dem Sie angemeldet sind:",
              name=facts.company),
            "\n".join(f"– {line}" for line in changes),
            facts.lines(),
            _("Falls der neue Termin nicht passt, melden Sie sich bitte ab:\n%(url)s",
              url=cancel_url),
        ),
        kind="registration.slot_changed",
        ics=slot_ics(facts, domain=_domain(event_url), url=event_url),
    )


# --- the agency's and the companies' mails -----------------------------------------------------


def event_cancelled_for_company(session: Session, event: Event, *, to: str, company: str,
                                reason: str) -> OutboxMail:
    """To every company taking part when the agency cancels the event."""
    return outbox.queue(
        session, to=to, region_id=event.region_id, kind="event.cancelled_company",
        subject=_("Veranstaltung abgesagt: %(title)s", title=event.title),
        text=_body(
            _("Guten Tag,"),
            _("die Veranstaltung „%(title)s“, an der %(name)s teilnimmt, wurde abgesagt. "
              "Alle angemeldeten Besucherinnen und Besucher Ihrer Termine haben eine "
              "Nachricht bekommen; Sie müssen sie nicht selbst informieren.",
              title=event.title, name=company),
            _("Begründung: %(reason)s", reason=reason) if reason.strip() else "",
        ),
    )


def message(session: Session, *, to: str, subject: str, text: str, region_id: int | None,
            sender: str, kind: str = "event.message") -> OutboxMail:
    """A message the agency writes to everyone registered or every company of an event;
    ``sender`` (e.g. the region's agency) is named at the end."""
    return outbox.queue(
        session, to=to, region_id=region_id, kind=kind, subject=subject,
        text=_body(text.strip(), _("Diese Nachricht kommt von %(sender)s.", sender=sender)),
    )
