"""A company's offers: create, edit, publish, pause, archive, copy, delete, and what to show.

Plain functions over a session: they flush, never commit, and raise ``ValidationError`` (German
messages keyed by form field) before they change anything. Ownership is always the join from
the offer to the customer's profile; ``status``, the customer and the region never come from
input. The row is the working copy; the public version is ``published_snapshot``, written only
by ``services.publication``. Pausing, resuming and archiving change the public visibility, so
they refresh the search index in the same transaction (``services.search_index``).
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from markupsafe import escape
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..i18n import N_
from ..i18n import gettext as _
from ..models import (
    DailyCounter,
    EmployerProfile,
    OccupationalField,
    Offer,
    OfferType,
    Region,
    TargetGroup,
)
from ..models.base import utcnow
from ..models.host import get_customer
from ..models.offer import PLACE_MODES
from . import audit, geocoding, profiles, publication, recurrence, sanitize, search_index
from .errors import EditConflict, NotFound, ValidationError
from .recurrence import TIME_MODES, Period, Window
from .slugs import slugify
from .snapshots import offer_snapshot

TITLE_MAX = 120
DESCRIPTION_MAX = 5000
DESCRIPTION_INPUT_MAX = 50000
"""Raw input, markup included; beyond this it is not even cleaned."""
PLACES_RANGE = (1, 999)
AGE_RANGE = (13, 99)
GRADE_RANGE = (5, 13)
FIXED_DATES_MAX = 20
HOLIDAY_WORK_DAYS_MAX = 20
"""§ 5 Abs. 4 JArbSchG: pupils may do holiday work for at most four weeks a calendar year."""
CHILD_AGE = 15
PUPILS = "schueler"
HOLIDAY_JOB = "ferienjob"
TRAINING_TYPES = frozenset({"ausbildungsplatz", "duales-studium"})
"""Training contracts fall under other JArbSchG rules than holiday work; no 20-day hint."""
VIEW_METRIC = "offer_view"
DB_INT_MAX = 2**31 - 1
EMAIL_RE = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[A-Za-z]{2,}$")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s<>\"]*$", re.IGNORECASE)
TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
DATE_MIN, DATE_MAX = date(2000, 1, 1), date(2100, 12, 31)


# --- input ------------------------------------------------------------------------------------


@dataclass
class OfferInput:
    """What a company may set on an offer. No status, customer, region or id: never input."""

    offer_type_id: int | None = None
    title: str = ""
    description: str = ""
    """As typed: plain text (paragraphs by blank lines) or simple HTML; sanitised on save."""
    target_group_ids: list[int] = field(default_factory=list)
    field_ids: list[int] = field(default_factory=list)
    min_age: int | None = None
    min_grade: int | None = None
    places: int | None = None
    time_mode: str = "by_arrangement"
    start_date: date | None = None
    end_date: date | None = None
    fixed_dates: list[date] = field(default_factory=list)
    recurrence: Window | None = None
    valid_until: date | None = None
    place_mode: str = "company"
    street: str | None = None
    postcode: str | None = None
    city: str | None = None
    apply_contact: str | None = None
    apply_url: str | None = None
    apply_email: str | None = None
    accessible_workplace: bool = False


@dataclass
class _Resolved:
    offer_type: OfferType
    target_groups: list[TargetGroup]
    fields: list[OccupationalField]
    description_html: str


def _text(value: str | None) -> str:
    """Text without control characters (PostgreSQL refuses NUL; none belongs in an offer)."""
    return CONTROL_RE.sub("", value or "")


def _clean(value: str | None) -> str | None:
    value = _text(value).strip()
    return value or None


def _db_ids(ids: Iterable[int | None]) -> list[int]:
    """Ids that can exist in an INTEGER column; anything else cannot match a row."""
    return sorted({i for i in ids if isinstance(i, int) and 0 < i <= DB_INT_MAX})


def description_to_html(text: str | None) -> str:
    """Plain text becomes paragraphs; HTML is kept. Either way nh3 cleans the result."""
    text = _text(text).replace("\r\n", "\n").strip()
    if not text:
        return ""
    if TAG_RE.search(text):
        return sanitize.clean_html(text)
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    html = "".join(
        "<p>" + "<br>".join(str(escape(line.strip())) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )
    return sanitize.clean_html(html)


def description_for_editing(html: str | None) -> str:
    """The stored HTML as the company typed it: plain text again if it came from plain text."""
    html = html or ""
    paragraphs = re.findall(r"<p>(.*?)</p>", html, re.S)
    if paragraphs and "".join(f"<p>{p}</p>" for p in paragraphs) == html:
        text = "\n\n".join(html_lib.unescape(p.replace("<br>", "\n")) for p in paragraphs)
        if description_to_html(text) == html:
            return text
    return html


def validate_input(session: Session, data: OfferInput) -> _Resolved:
    """Check everything a company entered; raise one ``ValidationError`` with all problems."""
    errors: dict[str, str] = {}

    offer_type = None
    type_ids = _db_ids([data.offer_type_id])
    if type_ids:
        offer_type = session.scalar(
            select(OfferType).where(OfferType.id == type_ids[0], OfferType.active.is_(True))
        )
    if offer_type is None:
        errors["offer_type"] = _("Bitte wählen Sie die Art des Angebots.")

    title = _text(data.title).strip()
    if not title:
        errors["title"] = _("Bitte geben Sie einen Titel ein.")
    elif len(title) > TITLE_MAX:
        errors["title"] = _("Der Titel darf höchstens %(max)s Zeichen lang sein.", max=TITLE_MAX)

    too_long = len(data.description or "") > DESCRIPTION_INPUT_MAX
    description_html = "" if too_long else description_to_html(data.description)
    length = sanitize.text_length(description_html) if description_html else 0
    if too_long:
        errors["description"] = _("Die Beschreibung ist zu lang. Bitte kürzen Sie sie.")
    elif length == 0:
        errors["description"] = _("Bitte beschreiben Sie das Angebot in ein paar Sätzen.")
    elif length > DESCRIPTION_MAX:
        errors["description"] = _(
            "Die Beschreibung darf höchstens %(max)s Zeichen Text enthalten (jetzt: %(count)s).",
            max=DESCRIPTION_MAX,
            count=length,
        )

    wanted_groups = _db_ids(data.target_group_ids)
    groups = list(
        session.scalars(
            select(TargetGroup)
            .where(TargetGroup.id.in_(wanted_groups), TargetGroup.active.is_(True))
            .order_by(TargetGroup.sort_order)
        )
    ) if wanted_groups else []
    if not data.target_group_ids:
        errors["target_groups"] = _("Bitte wählen Sie mindestens eine Zielgruppe.")
    elif len(groups) != len(set(data.target_group_ids)):
        errors["target_groups"] = _("Bitte wählen Sie nur Zielgruppen aus der Liste.")

    wanted_fields = _db_ids(data.field_ids)
    fields = list(
        session.scalars(
            select(OccupationalField)
            .where(OccupationalField.id.in_(wanted_fields), OccupationalField.active.is_(True))
            .order_by(OccupationalField.sort_order)
        )
    ) if wanted_fields else []
    if len(fields) != len(set(data.field_ids)):
        errors["fields"] = _("Bitte wählen Sie nur Berufsfelder aus der Liste.")

    for name, value, (low, high), message in (
        ("min_age", data.min_age, AGE_RANGE,
         _("Bitte geben Sie ein Mindestalter zwischen 13 und 99 Jahren an.")),
        ("min_grade", data.min_grade, GRADE_RANGE,
         _("Bitte geben Sie eine Klassenstufe zwischen 5 und 13 an.")),
        ("places", data.places, PLACES_RANGE,
         _("Bitte geben Sie zwischen 1 und 999 Plätze an.")),
    ):
        if value is not None and not low <= value <= high:
            errors[name] = message

    errors.update(_time_errors(data))
    errors.update(_place_errors(data))
    errors.update(_apply_errors(data))

    if errors:
        raise ValidationError(errors)
    return _Resolved(offer_type, groups, fields, description_html)


def _time_errors(data: OfferInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, values in (("start_date", [data.start_date]), ("end_date", [data.end_date]),
                         ("fixed_dates", data.fixed_dates), ("valid_until", [data.valid_until])):
        if any(v is not None and not DATE_MIN <= v <= DATE_MAX for v in values):
            errors[name] = _("Bitte geben Sie ein Datum zwischen 2000 und 2100 an.")
    if errors:
        return errors
    if data.time_mode not in TIME_MODES:
        errors["time_mode"] = _("Bitte wählen Sie, wann das Angebot stattfindet.")
    elif data.time_mode == "range":
        if data.start_date is None:
            errors["start_date"] = _("Bitte geben Sie an, ab wann das Angebot läuft.")
        if data.end_date is None:
            errors["end_date"] = _("Bitte geben Sie an, bis wann das Angebot läuft.")
        if data.start_date and data.end_date and data.end_date < data.start_date:
            errors["end_date"] = _("Das Ende darf nicht vor dem Beginn liegen.")
    elif data.time_mode == "fixed":
        if not data.fixed_dates:
            errors["fixed_dates"] = _("Bitte geben Sie mindestens einen Termin an.")
        elif len(set(data.fixed_dates)) > FIXED_DATES_MAX:
            errors["fixed_dates"] = _(
                "Bitte geben Sie höchstens %(max)s Termine an.", max=FIXED_DATES_MAX
            )
    elif data.time_mode == "yearly":
        window = data.recurrence
        if window is None:
            errors["recur_start"] = _(
                "Bitte geben Sie an, von wann bis wann das Angebot jedes Jahr stattfindet."
            )
        else:
            if not recurrence.is_valid_month_day(window.start_month, window.start_day):
                errors["recur_start"] = _("Diesen Tag gibt es nicht. Bitte prüfen Sie das Datum.")
            if not recurrence.is_valid_month_day(window.end_month, window.end_day):
                errors["recur_end"] = _("Diesen Tag gibt es nicht. Bitte prüfen Sie das Datum.")
    return errors


def _place_errors(data: OfferInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    if data.place_mode not in PLACE_MODES:
        errors["place_mode"] = _("Bitte wählen Sie, wo das Angebot stattfindet.")
    elif data.place_mode == "other":
        if not geocoding.is_postcode(data.postcode):
            errors["postcode"] = _("Bitte geben Sie eine fünfstellige Postleitzahl an.")
        if not _clean(data.city):
            errors["city"] = _("Bitte geben Sie den Ort an.")
    for name, value, limit in (("street", data.street, 200), ("city", data.city, 120)):
        if value and len(value.strip()) > limit and name not in errors:
            errors[name] = _("Bitte kürzen Sie die Angabe auf %(max)s Zeichen.", max=limit)
    return errors


def _apply_errors(data: OfferInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    contact, url, email = _clean(data.apply_contact), _clean(data.apply_url), _clean(
        data.apply_email
    )
    if contact and len(contact) > 200:
        errors["apply_contact"] = _("Bitte kürzen Sie die Angabe auf %(max)s Zeichen.", max=200)
    if url and (len(url) > 500 or not URL_RE.match(url)):
        errors["apply_url"] = _(
            "Bitte geben Sie einen vollständigen Link an, der mit https:// oder http:// beginnt."
        )
    if email and (len(email) > 254 or not EMAIL_RE.match(email)):
        errors["apply_email"] = _(
            "Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. bewerbung@betrieb.de."
        )
    if not (contact or url or email):
        errors["apply_contact"] = _(
            "Bitte geben Sie an, wie man sich bewirbt: Ansprechperson, Link oder E-Mail-Adresse."
        )
    return errors


# --- reading ----------------------------------------------------------------------------------


def get_profile(session: Session, customer_id: int) -> EmployerProfile:
    profile = profiles.profile_for_customer(session, customer_id)
    if profile is None:
        raise NotFound("no profile")
    return profile


def get_offer(session: Session, customer_id: int, offer_id: int) -> Offer:
    """The customer's own offer; another company's id is ``NotFound``, like a missing one."""
    if not _db_ids([offer_id]):
        raise NotFound(offer_id)
    offer = session.scalar(
        select(Offer)
        .join(EmployerProfile, Offer.profile_id == EmployerProfile.id)
        .where(Offer.id == offer_id, EmployerProfile.customer_id == customer_id)
    )
    if offer is None:
        raise NotFound(offer_id)
    return offer


def region_of(session: Session, profile: EmployerProfile) -> Region | None:
    return session.get(Region, profile.region_id) if profile.region_id else None


def needs_review(session: Session, offer: Offer) -> bool:
    """Whether submitting this offer waits for the region's review."""
    return publication.needs_review(offer, region_of(session, offer.profile))


def prefill(session: Session, customer_id: int) -> dict[str, Any]:
    """Form values for a new offer, from the profile and the host's customer record."""
    profile = get_profile(session, customer_id)
    customer = get_customer(session, customer_id)
    contact = ", ".join(
        part for part in (profile.contact_name, profile.contact_phone) if part
    )
    return {
        "place_mode": "company",
        "time_mode": "by_arrangement",
        "apply_contact": contact or None,
        "apply_email": profile.contact_email or (customer.email if customer else None),
    }


def form_values(offer: Offer) -> dict[str, Any]:
    """An offer's working copy as form values."""
    window = _window(offer)
    in_range, elsewhere = offer.time_mode == "range", offer.place_mode == "other"
    return {
        "offer_type": offer.offer_type_id,
        "title": offer.title,
        "description": description_for_editing(offer.description_html),
        "target_groups": [g.id for g in offer.target_groups],
        "fields": [f.id for f in offer.fields],
        "min_age": offer.min_age,
        "min_grade": offer.min_grade,
        "places": offer.places,
        "time_mode": offer.time_mode,
        "start_date": offer.start_date if in_range else None,
        "end_date": offer.end_date if in_range else None,
        "fixed_dates": recurrence.parse_iso_dates(offer.fixed_dates or []),
        "recur_start": (window.start_month, window.start_day) if window else None,
        "recur_end": (window.end_month, window.end_day) if window else None,
        "valid_until": offer.valid_until,
        "place_mode": offer.place_mode,
        "street": offer.street if elsewhere else None,
        "postcode": offer.postcode if elsewhere else None,
        "city": offer.city if elsewhere else None,
        "apply_contact": offer.apply_contact,
        "apply_url": offer.apply_url,
        "apply_email": offer.apply_email,
        "accessible_workplace": offer.accessible_workplace,
        "version": offer.version,
    }


def _window(offer: Offer) -> Window | None:
    parts = (offer.recur_start_month, offer.recur_start_day, offer.recur_end_month,
             offer.recur_end_day)
    if offer.time_mode != "yearly" or any(p is None for p in parts):
        return None
    return Window(*parts)


def view_counts(session: Session, offer_ids: Sequence[int]) -> dict[int, int]:
    """Views per offer from the indicator counters (metric ``offer_view``, ``offer:<id>``)."""
    if not offer_ids:
        return {}
    subjects = {f"offer:{i}": i for i in offer_ids}
    rows = session.execute(
        select(DailyCounter.subject, func.sum(DailyCounter.value))
        .where(DailyCounter.metric == VIEW_METRIC, DailyCounter.subject.in_(list(subjects)))
        .group_by(DailyCounter.subject)
    ).all()
    return {subjects[subject]: int(total or 0) for subject, total in rows}


# --- time -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    time_mode: str
    start: date | None
    end: date | None
    fixed_dates: list[date]
    window: Window | None
    valid_until: date | None

    @classmethod
    def of_offer(cls, offer: Offer) -> Timing:
        return cls(
            offer.time_mode, offer.start_date, offer.end_date,
            recurrence.parse_iso_dates(offer.fixed_dates or []), _window(offer),
            offer.valid_until,
        )

    @classmethod
    def of_snapshot(cls, snapshot: dict[str, Any]) -> Timing:
        parts = snapshot.get("recurrence")
        return cls(
            snapshot.get("time_mode") or "by_arrangement",
            _iso(snapshot.get("start_date")),
            _iso(snapshot.get("end_date")),
            recurrence.parse_iso_dates(snapshot.get("fixed_dates") or []),
            Window(*parts) if parts and None not in parts else None,
            _iso(snapshot.get("valid_until")),
        )

    def next(self, today: date) -> Period | None:
        return recurrence.next_period(
            self.time_mode, today, start=self.start, end=self.end,
            fixed_dates=self.fixed_dates, window=self.window, valid_until=self.valid_until,
        )

    def is_past(self, today: date) -> bool:
        return recurrence.is_past(self.time_mode, today, end=self.end,
                                  fixed_dates=self.fixed_dates)

    def is_expired(self, today: date) -> bool:
        return self.valid_until is not None and self.valid_until < today

    def planned_working_days(self, today: date) -> int:
        """Working days of the entered period (the next occurrence for a yearly window)."""
        if self.time_mode == "range" and self.start and self.end:
            return recurrence.working_days(self.start, self.end)
        if self.time_mode == "fixed":
            return sum(1 for d in self.fixed_dates if d.weekday() < 5)
        if self.time_mode == "yearly" and self.window:
            period = recurrence.next_occurrence(self.window, today)
            return recurrence.working_days(period.start, period.end)
        return 0


def _iso(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _d(value: date) -> str:
    return value.strftime("%d.%m.%Y")


def _md(month: int, day: int) -> str:
    return f"{day:02d}.{month:02d}."


def time_text(timing: Timing) -> str:
    """When, in words: "nach Absprache", a range, dates, or the yearly window."""
    if timing.time_mode == "yearly" and timing.window:
        w = timing.window
        return _(
            "jedes Jahr vom %(start)s bis %(end)s",
            start=_md(w.start_month, w.start_day), end=_md(w.end_month, w.end_day),
        )
    if timing.time_mode == "range" and timing.start and timing.end:
        return _("%(start)s bis %(end)s", start=_d(timing.start), end=_d(timing.end))
    if timing.time_mode == "fixed" and timing.fixed_dates:
        return ", ".join(_d(d) for d in timing.fixed_dates)
    return _("nach Absprache")


def next_text(period: Period | None, today: date) -> str | None:
    if period is None:
        return None
    if period.is_ongoing(today):
        return _("Läuft gerade, bis %(end)s", end=_d(period.end))
    if period.start == period.end:
        return _("Nächster Termin: %(date)s", date=_d(period.start))
    return _("Nächster Termin: %(start)s bis %(end)s", start=_d(period.start), end=_d(period.end))


# --- writing ----------------------------------------------------------------------------------


def _slug(title: str) -> str:
    return slugify(title)[:160].strip("-") or "angebot"


def _apply(session: Session, offer: Offer, profile: EmployerProfile, data: OfferInput,
           resolved: _Resolved) -> None:
    offer.offer_type = resolved.offer_type
    offer.title = _text(data.title).strip()
    offer.slug = _slug(offer.title)
    offer.description_html = resolved.description_html
    offer.target_groups = resolved.target_groups
    offer.fields = resolved.fields
    offer.min_age, offer.min_grade, offer.places = data.min_age, data.min_grade, data.places

    mode = data.time_mode
    offer.time_mode = mode
    offer.start_date = data.start_date if mode == "range" else None
    offer.end_date = data.end_date if mode == "range" else None
    dates = sorted(set(data.fixed_dates)) if mode == "fixed" else []
    offer.fixed_dates = [d.isoformat() for d in dates]
    if mode == "fixed":
        offer.start_date, offer.end_date = dates[0], dates[-1]
    window = data.recurrence if mode == "yearly" else None
    offer.recur_start_month = window.start_month if window else None
    offer.recur_start_day = window.start_day if window else None
    offer.recur_end_month = window.end_month if window else None
    offer.recur_end_day = window.end_day if window else None
    offer.valid_until = data.valid_until

    _apply_place(session, offer, profile, data)
    offer.apply_contact = _clean(data.apply_contact)
    offer.apply_url = _clean(data.apply_url)
    offer.apply_email = _clean(data.apply_email)
    offer.accessible_workplace = bool(data.accessible_workplace)


def _apply_place(session: Session, offer: Offer, profile: EmployerProfile,
                 data: OfferInput) -> None:
    """Company address (and "mehrere Standorte", placed at the company) or another address."""
    offer.place_mode = data.place_mode
    if data.place_mode == "other":
        street, postcode, city = _clean(data.street), _clean(data.postcode), _clean(data.city)
        lat = lon = None
    else:
        customer = get_customer(session, profile.customer_id)
        street, postcode, city = customer.street, customer.postcode, customer.city
        lat, lon = customer.lat, customer.lon
    if lat is None or lon is None:
        location = geocoding.locate(session, postcode, city, street)
        lat, lon = (location.lat, location.lon) if location else (None, None)
    offer.street, offer.postcode, offer.city, offer.lat, offer.lon = (
        street, postcode, city, lat, lon
    )


def _record(session: Session, action: str, offer: Offer, actor_user_id: int | None,
            **details: Any) -> None:
    audit.record(
        session, f"offer.{action}", "offer", offer.id, actor_user_id=actor_user_id,
        region_id=offer.profile.region_id if offer.profile else None, details=details or None,
    )


def _flush(session: Session) -> None:
    """Flush; a concurrent save (version mismatch in the UPDATE) is an ``EditConflict``."""
    try:
        session.flush()
    except StaleDataError as exc:
        raise EditConflict(str(exc)) from exc


def create_offer(session: Session, customer_id: int, data: OfferInput,
                 actor_user_id: int | None = None) -> Offer:
    """A new draft of the customer's profile."""
    profile = get_profile(session, customer_id)
    resolved = validate_input(session, data)
    offer = Offer(profile=profile, profile_id=profile.id, status="draft",
                  updated_by_user_id=actor_user_id)
    _apply(session, offer, profile, data, resolved)
    session.add(offer)
    session.flush()
    _record(session, "created", offer, actor_user_id)
    session.flush()
    return offer


def update_offer(session: Session, customer_id: int, offer_id: int, data: OfferInput,
                 expected_version: int | None, actor_user_id: int | None = None) -> Offer:
    """Save the working copy. A change to a published or submitted offer makes it a draft
    again ("changes pending"); the published snapshot stays public until the next release."""
    offer = get_offer(session, customer_id, offer_id)
    _require(offer, "edit")
    if expected_version is None or expected_version != offer.version:
        raise EditConflict(f"offer {offer.id}: version {expected_version} != {offer.version}")
    resolved = validate_input(session, data)
    before = offer_snapshot(offer)
    with session.no_autoflush:
        _apply(session, offer, offer.profile, data, resolved)
    if offer_snapshot(offer) != before:
        if offer.status in ("published", "in_review"):
            offer.status = "draft"
        offer.updated_by_user_id = actor_user_id
        _record(session, "updated", offer, actor_user_id)
    _flush(session)
    return offer


# --- status -----------------------------------------------------------------------------------


def has_pending_changes(offer: Offer) -> bool:
    """A released offer whose working copy differs from what the public sees."""
    return offer.published_snapshot is not None and offer_snapshot(offer) != (
        offer.published_snapshot
    )


def allowed_actions(offer: Offer) -> frozenset[str]:
    actions = {"duplicate"}
    if offer.status != "archived":
        actions |= {"edit", "archive"}
    if offer.status == "draft":
        actions.add("submit")
    if publication.is_public(offer):
        actions.add("pause")
    if offer.status == "paused":
        actions.add("resume")
    if offer.status == "draft" and offer.published_snapshot is None and offer.published_at is None:
        actions.add("delete")
    if offer.time_mode in ("range", "fixed") and offer.status != "archived":
        actions.add("make_yearly")
    return frozenset(actions)


_REFUSALS = {
    "edit": N_(
        "Archivierte Angebote können nicht mehr bearbeitet werden. Legen Sie eine Kopie an."
    ),
    "submit": N_("Nur Entwürfe und geänderte Angebote können eingereicht werden."),
    "pause": N_("Nur veröffentlichte Angebote können pausiert werden."),
    "resume": N_("Nur pausierte Angebote können fortgesetzt werden."),
    "archive": N_("Das Angebot ist bereits archiviert."),
    "delete": N_(
        "Nur Entwürfe, die nie veröffentlicht waren, können gelöscht werden. "
        "Archivieren Sie das Angebot stattdessen."
    ),
    "make_yearly": N_(
        "Nur Angebote mit festen Terminen oder einem Zeitraum können jährlich wiederkehren."
    ),
}


def _require(offer: Offer, action: str) -> None:
    if action not in allowed_actions(offer):
        raise ValidationError({"status": _(_REFUSALS[action])})


def submit_offer(session: Session, customer_id: int, offer_id: int,
                 actor_user_id: int | None = None) -> str:
    """Submit under the review rule of the profile's region; return the new status."""
    offer = get_offer(session, customer_id, offer_id)
    _require(offer, "submit")
    status = publication.submit(
        session, offer, region_of(session, offer.profile), offer_snapshot, actor_user_id
    )
    _flush(session)
    return status


def pause_offer(session: Session, customer_id: int, offer_id: int,
                actor_user_id: int | None = None) -> Offer:
    offer = get_offer(session, customer_id, offer_id)
    _require(offer, "pause")
    offer.status = "paused"
    _record(session, "paused", offer, actor_user_id)
    _flush(session)
    search_index.refresh_offer(session, offer)
    return offer


def resume_offer(session: Session, customer_id: int, offer_id: int,
                 actor_user_id: int | None = None) -> Offer:
    """Back online with the published version; pending changes stay a draft to submit."""
    offer = get_offer(session, customer_id, offer_id)
    _require(offer, "resume")
    offer.status = "draft" if has_pending_changes(offer) else "published"
    _record(session, "resumed", offer, actor_user_id)
    _flush(session)
    search_index.refresh_offer(session, offer)
    return offer


def archive_offer(session: Session, customer_id: int, offer_id: int,
                  actor_user_id: int | None = None) -> Offer:
    offer = get_offer(session, customer_id, offer_id)
    _require(offer, "archive")
    offer.status = "archived"
    _record(session, "archived", offer, actor_user_id)
    _flush(session)
    search_index.refresh_offer(session, offer)
    return offer


def delete_offer(session: Session, customer_id: int, offer_id: int,
                 actor_user_id: int | None = None) -> None:
    """Delete a draft that was never published; everything else is archived instead."""
    offer = get_offer(session, customer_id, offer_id)
    _require(offer, "delete")
    _record(session, "deleted", offer, actor_user_id)
    search_index.remove_offer(session, offer.id)
    session.delete(offer)
    _flush(session)


def duplicate_offer(session: Session, customer_id: int, offer_id: int,
                    actor_user_id: int | None = None) -> Offer:
    """A new draft with the same content, titled "Kopie von …"; never published."""
    source = get_offer(session, customer_id, offer_id)
    title = _("Kopie von %(title)s", title=source.title)
    if len(title) > TITLE_MAX:
        title = title[: TITLE_MAX - 1].rstrip() + "…"
    copy = Offer(
        profile_id=source.profile_id,
        profile=source.profile,
        offer_type=source.offer_type,
        status="draft",
        title=title,
        slug=_slug(title),
        updated_by_user_id=actor_user_id,
    )
    for name in ("description_html", "min_age", "min_grade", "places", "time_mode",
                 "start_date", "end_date", "recur_start_month", "recur_start_day",
                 "recur_end_month", "recur_end_day", "valid_until", "place_mode", "street",
                 "postcode", "city", "lat", "lon", "apply_contact", "apply_url", "apply_email",
                 "accessible_workplace"):
        setattr(copy, name, getattr(source, name))
    copy.fixed_dates = list(source.fixed_dates or [])
    copy.fields = list(source.fields)
    copy.target_groups = list(source.target_groups)
    session.add(copy)
    session.flush()
    _record(session, "duplicated", copy, actor_user_id, source=source.id)
    session.flush()
    return copy


def make_yearly(session: Session, customer_id: int, offer_id: int,
                actor_user_id: int | None = None, today: date | None = None) -> Offer:
    """Turn a one-off period into the same yearly window (a past summer job recurs)."""
    offer = get_offer(session, customer_id, offer_id)
    _require(offer, "make_yearly")
    timing = Timing.of_offer(offer)
    first = timing.start if offer.time_mode == "range" else min(timing.fixed_dates, default=None)
    last = recurrence.last_date(offer.time_mode, end=timing.end, fixed_dates=timing.fixed_dates)
    window = recurrence.window_from_period(first, last) if first and last else None
    if window is None:
        raise ValidationError({"time_mode": _(
            "Dieser Zeitraum ist ein Jahr oder länger und kann sich nicht jährlich wiederholen. "
            "Bitte passen Sie die Zeit im Formular an."
        )})
    offer.time_mode = "yearly"
    offer.start_date = offer.end_date = None
    offer.fixed_dates = []
    (offer.recur_start_month, offer.recur_start_day, offer.recur_end_month,
     offer.recur_end_day) = (window.start_month, window.start_day, window.end_month,
                             window.end_day)
    offer.valid_until = None if timing.is_expired(today or date.today()) else offer.valid_until
    if offer.status in ("published", "in_review"):
        offer.status = "draft"
    offer.updated_by_user_id = actor_user_id
    _record(session, "made_yearly", offer, actor_user_id)
    _flush(session)
    return offer


def confirm_current(session: Session, customer_id: int, offer_id: int,
                    actor_user_id: int | None = None) -> Offer:
    """The company says a stale offer is still right: it counts as touched today."""
    offer = get_offer(session, customer_id, offer_id)
    offer.updated_at = utcnow()
    offer.stale_notified_at = None
    offer.updated_by_user_id = actor_user_id
    _record(session, "confirmed", offer, actor_user_id)
    _flush(session)
    return offer


# --- what the company sees --------------------------------------------------------------------


def is_stale(offer: Offer, now: datetime, stale_after_days: int) -> bool:
    return offer.status != "archived" and offer.updated_at is not None and (
        offer.updated_at < now - timedelta(days=stale_after_days)
    )


def is_visible(offer: Offer, profile: EmployerProfile) -> bool:
    """Public only while its own release and its profile's release are both public."""
    return publication.is_public(offer) and publication.is_public(profile)


@dataclass
class Hint:
    code: str
    message: str


def hints(offer: Offer, profile: EmployerProfile, today: date) -> list[Hint]:
    """Helpful rules, never walls: shown after saving, none of them blocks anything."""
    found: list[Hint] = []
    timing = Timing.of_offer(offer)
    type_key = offer.offer_type.key if offer.offer_type else None
    pupils = any(g.key == PUPILS for g in offer.target_groups)
    if type_key == HOLIDAY_JOB and offer.min_age is not None and offer.min_age < CHILD_AGE:
        found.append(Hint("jarbschg_child", _(
            "Jugendarbeitsschutz: Kinder unter 15 Jahren dürfen nur mit Einwilligung der "
            "Personensorgeberechtigten und nur mit leichten, für sie geeigneten Tätigkeiten "
            "beschäftigt werden, höchstens zwei Stunden täglich und nicht zwischen 18 und 8 Uhr "
            "(§ 5 JArbSchG). Schülerinnen und Schüler ab 15 Jahren dürfen in den Schulferien "
            "höchstens vier Wochen (20 Arbeitstage) im Kalenderjahr arbeiten "
            "(§ 5 Abs. 4 JArbSchG)."
        )))
    days = timing.planned_working_days(today)
    if pupils and type_key not in TRAINING_TYPES and days > HOLIDAY_WORK_DAYS_MAX:
        found.append(Hint("jarbschg_days", _(
            "Jugendarbeitsschutz: Der angegebene Zeitraum umfasst %(days)s Arbeitstage. "
            "Schülerinnen und Schüler dürfen in den Schulferien höchstens vier Wochen "
            "(20 Arbeitstage) im Kalenderjahr arbeiten (§ 5 Abs. 4 JArbSchG). Bitte planen Sie "
            "den Einsatz entsprechend.", days=days,
        )))
    if offer.status != "archived" and timing.is_past(today):
        found.append(Hint("past", _(
            "Der Termin dieses Angebots liegt in der Vergangenheit. Soll es jedes Jahr "
            "wiederkehren, oder möchten Sie es archivieren?"
        )))
    if offer.status != "archived" and timing.is_expired(today):
        found.append(Hint("expired", _(
            "Das Angebot war nur bis %(date)s gültig. Ändern Sie das Datum „Gültig bis“ oder "
            "archivieren Sie das Angebot.", date=_d(timing.valid_until),
        )))
    if offer.lat is None or offer.lon is None:
        found.append(Hint("locate_later", _(
            "Den Ort konnten wir noch nicht auf der Karte finden. Er wird später verortet; "
            "bis dahin erscheint das Angebot nicht in der Umkreissuche."
        )))
    if not publication.is_public(profile):
        found.append(Hint("profile_unpublished", _(
            "Ihr Arbeitgeberprofil ist noch nicht veröffentlicht. Angebote werden erst sichtbar, "
            "wenn auch das Profil veröffentlicht ist."
        )))
    return found


@dataclass
class OfferRow:
    offer: Offer
    views: int | None
    time_text: str
    next_text: str | None
    notes: list[str]
    actions: frozenset[str]
    stale: bool
    past: bool
    needs_review: bool


@dataclass
class Overview:
    profile: EmployerProfile | None
    rows: list[OfferRow]
    profile_public: bool = False


def overview(session: Session, customer_id: int, today: date, now: datetime,
             stale_after_days: int) -> Overview:
    """The list of the tab: every offer with its period, views, notes and possible actions."""
    profile = profiles.profile_for_customer(session, customer_id)
    if profile is None:
        return Overview(None, [])
    offers = profiles.offers_for_customer(session, customer_id)
    counts = view_counts(session, [o.id for o in offers])
    profile_public = publication.is_public(profile)
    region = region_of(session, profile)
    rows = []
    for offer in offers:
        timing = Timing.of_offer(offer)
        notes = []
        pending = offer.status == "draft" and offer.published_snapshot is not None
        if pending:
            notes.append(_("Öffentlich ist die zuletzt freigegebene Fassung; Ihre Änderungen "
                           "sind noch nicht eingereicht."))
        if offer.status == "in_review" and offer.published_snapshot is not None:
            notes.append(_("Öffentlich ist die zuletzt freigegebene Fassung, bis die Prüfung "
                           "abgeschlossen ist."))
        if (offer.status in ("published", "in_review") or pending) and not profile_public:
            notes.append(_("Wird sichtbar, sobald Ihr Arbeitgeberprofil veröffentlicht ist."))
        if offer.status == "draft" and offer.review_comment:
            notes.append(_("Hinweis aus der Prüfung: %(comment)s", comment=offer.review_comment))
        stale = is_stale(offer, now, stale_after_days)
        if stale:
            notes.append(_("Seit über %(days)s Tagen nicht geändert. Ist das Angebot noch "
                           "aktuell?", days=stale_after_days))
        past = offer.status != "archived" and timing.is_past(today)
        if past:
            notes.append(_("Der Termin liegt in der Vergangenheit."))
        elif offer.status != "archived" and timing.is_expired(today):
            notes.append(_("Die Gültigkeit ist abgelaufen."))
        released = offer.published_snapshot is not None
        rows.append(OfferRow(
            offer=offer,
            views=counts.get(offer.id, 0) if released else None,
            time_text=time_text(timing),
            next_text=next_text(timing.next(today), today) if timing.time_mode == "yearly"
            else None,
            notes=notes,
            actions=allowed_actions(offer) | ({"confirm"} if stale else frozenset()),
            stale=stale,
            past=past,
            needs_review=publication.needs_review(offer, region),
        ))
    return Overview(profile, rows, profile_public)


def public_view(session: Session, snapshot: dict[str, Any], today: date) -> dict[str, Any]:
    """What ``_offer_body.html`` renders: a snapshot with taxonomy names and the next time."""
    type_name = session.scalar(select(OfferType.name).where(OfferType.key == snapshot.get("type")))
    group_keys, field_keys = snapshot.get("target_groups") or [], snapshot.get("fields") or []
    groups = dict(session.execute(
        select(TargetGroup.key, TargetGroup.name).where(TargetGroup.key.in_(group_keys))
    ).all()) if group_keys else {}
    fields = dict(session.execute(
        select(OccupationalField.key, OccupationalField.name)
        .where(OccupationalField.key.in_(field_keys))
    ).all()) if field_keys else {}
    timing = Timing.of_snapshot(snapshot)
    period = timing.next(today)
    url = (snapshot.get("apply") or {}).get("url")
    return {
        **snapshot,
        "description_html": sanitize.clean_html(snapshot.get("description_html")),
        "apply": snapshot.get("apply") or {},
        "place": snapshot.get("place") or {},
        "apply_url": url if url and URL_RE.match(url) else None,
        "type_name": type_name or "",
        "target_group_names": [groups[k] for k in group_keys if k in groups],
        "field_names": [fields[k] for k in field_keys if k in fields],
        "time_text": time_text(timing),
        "next_period": period,
        "next_text": next_text(period, today),
        "valid_until_text": _d(timing.valid_until) if timing.valid_until else None,
    }
