"""What a company enters for an offer, and how it is checked before anything is written.

``validate_input`` raises one ``ValidationError`` with every problem (German messages keyed by
form field) and returns the input's taxonomy terms and cleaned description for the writer in
``services.offers``. ``form_values`` turns a saved offer back into the form's values.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from ..i18n import gettext as _
from ..models import OccupationalField, Offer, OfferType, TargetGroup
from ..models.offer import PLACE_MODES
from . import recurrence, sanitize, taxonomy
from .errors import ValidationError
from .input_checks import db_ids, is_postcode, stripped_or_none, without_control_chars
from .offer_timing import window_of
from .recurrence import TIME_MODES, Window

TITLE_MAX = 120
DESCRIPTION_MAX = 5000
DESCRIPTION_INPUT_MAX = 50000
"""Raw input, markup included; beyond this it is not even cleaned."""
PLACES_RANGE = (1, 999)
AGE_RANGE = (13, 99)
GRADE_RANGE = (5, 13)
FIXED_DATES_MAX = 20
EMAIL_RE = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[A-Za-z]{2,}$")
URL_RE = re.compile(r"^https?://[^\s/$.?#][^\s<>\"]*$", re.IGNORECASE)
TAG_RE = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
DATE_MIN, DATE_MAX = date(2000, 1, 1), date(2100, 12, 31)


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
class ResolvedInput:
    """The checked input's terms as rows, and its description as clean HTML."""

    offer_type: OfferType
    target_groups: list[TargetGroup]
    fields: list[OccupationalField]
    description_html: str


def description_to_html(text: str | None) -> str:
    """Plain text becomes paragraphs; HTML is kept. Either way nh3 cleans the result."""
    text = without_control_chars(text).replace("\r\n", "\n").strip()
    if not text:
        return ""
    if TAG_RE.search(text):
        return sanitize.clean_html(text)
    return sanitize.paragraphs_to_html(text)


def description_for_editing(html: str | None) -> str:
    """The stored HTML as the company typed it: plain text again if it came from plain text."""
    return sanitize.as_typed(html, description_to_html)


def validate_input(session: Session, data: OfferInput) -> ResolvedInput:
    """Check everything a company entered; raise one ``ValidationError`` with all problems."""
    errors: dict[str, str] = {}

    types = taxonomy.active_terms(session, OfferType, ids=db_ids([data.offer_type_id]))
    offer_type = types[0] if types else None
    if offer_type is None:
        errors["offer_type"] = _("Bitte wählen Sie die Art des Angebots.")

    title = without_control_chars(data.title).strip()
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

    groups = taxonomy.active_terms(session, TargetGroup, ids=db_ids(data.target_group_ids))
    if not data.target_group_ids:
        errors["target_groups"] = _("Bitte wählen Sie mindestens eine Zielgruppe.")
    elif len(groups) != len(set(data.target_group_ids)):
        errors["target_groups"] = _("Bitte wählen Sie nur Zielgruppen aus der Liste.")

    fields = taxonomy.active_terms(session, OccupationalField, ids=db_ids(data.field_ids))
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
    return ResolvedInput(offer_type, groups, fields, description_html)


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
        if not is_postcode(data.postcode):
            errors["postcode"] = _("Bitte geben Sie eine fünfstellige Postleitzahl an.")
        if not stripped_or_none(data.city):
            errors["city"] = _("Bitte geben Sie den Ort an.")
    for name, value, limit in (("street", data.street, 200), ("city", data.city, 120)):
        if value and len(value.strip()) > limit and name not in errors:
            errors[name] = _("Bitte kürzen Sie die Angabe auf %(max)s Zeichen.", max=limit)
    return errors


def _apply_errors(data: OfferInput) -> dict[str, str]:
    errors: dict[str, str] = {}
    contact, url, email = (stripped_or_none(data.apply_contact), stripped_or_none(data.apply_url),
                           stripped_or_none(data.apply_email))
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


def form_values(offer: Offer) -> dict[str, Any]:
    """An offer's working copy as form values."""
    window = window_of(offer)
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
