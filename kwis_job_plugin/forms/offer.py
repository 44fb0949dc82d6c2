"""The offer form: parsing and field-level checks with German messages.

Domain rules (which taxonomy terms exist, which time fields a mode needs, where a place lies)
live in ``services.offer_input``; the view shows both kinds of error at the fields. The form has no
``status``, ``customer_id`` or ``region_id`` field, so such input is never even read.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp
from wtforms.validators import ValidationError as FieldError
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from ..i18n import lazy_gettext as _l
from ..services import recurrence, sanitize
from ..services.input_checks import POSTCODE_RE
from ..services.offer_input import (
    AGE_RANGE,
    DATE_MAX,
    DATE_MIN,
    DESCRIPTION_INPUT_MAX,
    DESCRIPTION_MAX,
    EMAIL_RE,
    FIXED_DATES_MAX,
    GRADE_RANGE,
    PLACES_RANGE,
    TITLE_MAX,
    URL_RE,
    OfferInput,
    description_to_html,
)
from ..services.recurrence import Window
from .base import BaseForm

DATE_FORMATS = ["%d.%m.%Y", "%Y-%m-%d"]
INVALID_NUMBER = _l("Bitte geben Sie eine ganze Zahl ein.")
INVALID_DATE = _l("Bitte geben Sie ein gültiges Datum an, z. B. 01.07.2026.")
INVALID_CHOICE = _l("Bitte wählen Sie einen Eintrag aus der Liste.")


def _optional_int(value):
    if value in (None, ""):
        return None
    return int(value)


class WholeNumberField(IntegerField):
    """An integer in a text input (``inputmode=numeric``): a mistyped value stays visible next
    to its message instead of being blanked by the browser's number input."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        render_kw = {"inputmode": "numeric", **kwargs.pop("render_kw", {})}
        super().__init__(label, validators, invalid_value_message=INVALID_NUMBER,
                         render_kw=render_kw, **kwargs)


class MultiCheckboxField(SelectMultipleField):
    """A multi-select of ids shown as checkboxes (rendered by the ``checkbox_group`` macro)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(
            label, validators, coerce=int, invalid_value_message=INVALID_CHOICE,
            # a callable: WTForms calls it with the number of bad values (a lazy string is
            # callable too, so it must be wrapped)
            invalid_choice_message=lambda _count: INVALID_CHOICE, **kwargs,
        )


class LocalDateField(DateField):
    """A date typed as TT.MM.JJJJ (ISO is accepted too) in a plain text input.

    A text input rather than ``type=date``: the browser's date field orders day and month by
    its own UI language, so typed German dates would land in the wrong segments.
    """

    widget = TextInput()

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(
            label, validators, format=DATE_FORMATS, invalid_value_message=INVALID_DATE, **kwargs
        )

    def process_formdata(self, valuelist):
        if not valuelist or not (valuelist[0] or "").strip():
            self.data = None
            return
        super().process_formdata([valuelist[0].strip()])

    def pre_validate(self, form):
        if self.data is not None and not DATE_MIN <= self.data <= DATE_MAX:
            raise FieldError(_l("Bitte geben Sie ein Datum zwischen 2000 und 2100 an."))


def _parse_date(text: str) -> date:
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


class DateListField(StringField):
    """Several dates in one text field, separated by commas, semicolons or line breaks."""

    def process_formdata(self, valuelist):
        self.data = []
        text = (valuelist[0] if valuelist else "") or ""
        parts = [p.strip() for p in re.split(r"[,;\n]+", text) if p.strip()]
        try:
            self.data = sorted({_parse_date(p) for p in parts})
        except ValueError as exc:
            raise ValueError(
                _l("Bitte geben Sie die Termine im Format TT.MM.JJJJ an, mehrere durch Komma "
                   "getrennt, z. B. 12.03.2026, 19.03.2026.")
            ) from exc

    def process_data(self, value):
        self.data = list(value or [])

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return ", ".join(d.strftime("%d.%m.%Y") for d in self.data or [])

    def pre_validate(self, form):
        if any(not DATE_MIN <= d <= DATE_MAX for d in self.data or []):
            raise FieldError(_l("Bitte geben Sie Termine zwischen 2000 und 2100 an."))
        if len(self.data or []) > FIXED_DATES_MAX:
            raise FieldError(_l("Bitte geben Sie höchstens 20 Termine an."))


class MonthDayField(StringField):
    """A day of the year as TT.MM. (e.g. 01.07.), stored as (month, day)."""

    def process_formdata(self, valuelist):
        self.data = None
        text = ((valuelist[0] if valuelist else "") or "").strip()
        if not text:
            return
        match = re.fullmatch(r"(\d{1,2})\.\s*(\d{1,2})\.?", text)
        if not match or not recurrence.is_valid_month_day(int(match[2]), int(match[1])):
            raise ValueError(
                _l("Bitte geben Sie Tag und Monat im Format TT.MM. an, z. B. 01.07.")
            )
        self.data = (int(match[2]), int(match[1]))

    def process_data(self, value):
        self.data = tuple(value) if value else None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return f"{self.data[1]:02d}.{self.data[0]:02d}." if self.data else ""


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _description_length(form, field):
    if len(field.data or "") > DESCRIPTION_INPUT_MAX:
        raise FieldError(_l("Die Beschreibung ist zu lang. Bitte kürzen Sie sie."))
    html = description_to_html(field.data)
    if html and sanitize.text_length(html) > DESCRIPTION_MAX:
        raise FieldError(_l("Die Beschreibung darf höchstens 5000 Zeichen Text enthalten."))


def _http_link(form, field):
    if field.data and not URL_RE.match(field.data):
        raise FieldError(
            _l("Bitte geben Sie einen vollständigen Link an, der mit https:// oder http:// "
               "beginnt.")
        )


def _email(form, field):
    if field.data and not EMAIL_RE.match(field.data):
        raise FieldError(
            _l("Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. bewerbung@betrieb.de.")
        )


def _at_least_one(message):
    def check(form, field):
        if not field.data:
            raise FieldError(message)

    return check


def _needed_for(mode: str, message):
    """Required only when the time mode ``mode`` is chosen."""

    def check(form, field):
        if form.time_mode.data == mode and not field.errors and not field.data:
            raise FieldError(message)

    return check


class OfferForm(BaseForm):
    offer_type = SelectField(
        _l("Art des Angebots"),
        coerce=_optional_int,
        validators=[DataRequired(_l("Bitte wählen Sie die Art des Angebots."))],
        invalid_value_message=INVALID_CHOICE,
        invalid_choice_message=INVALID_CHOICE,
    )
    title = StringField(
        _l("Titel"),
        filters=[_strip],
        validators=[
            DataRequired(_l("Bitte geben Sie einen Titel ein.")),
            Length(max=TITLE_MAX, message=_l("Der Titel darf höchstens 120 Zeichen lang sein.")),
        ],
    )
    description = TextAreaField(
        _l("Beschreibung"),
        validators=[
            DataRequired(_l("Bitte beschreiben Sie das Angebot in ein paar Sätzen.")),
            _description_length,
        ],
    )
    target_groups = MultiCheckboxField(
        _l("Zielgruppen"),
        validators=[_at_least_one(_l("Bitte wählen Sie mindestens eine Zielgruppe."))],
    )
    fields = MultiCheckboxField(_l("Berufsfelder"))
    min_age = WholeNumberField(
        _l("Mindestalter (Jahre)"),
        validators=[
            Optional(),
            NumberRange(*AGE_RANGE, message=_l(
                "Bitte geben Sie ein Mindestalter zwischen 13 und 99 Jahren an."
            )),
        ],
    )
    min_grade = WholeNumberField(
        _l("Ab Klassenstufe"),
        validators=[
            Optional(),
            NumberRange(*GRADE_RANGE, message=_l(
                "Bitte geben Sie eine Klassenstufe zwischen 5 und 13 an."
            )),
        ],
    )
    places = WholeNumberField(
        _l("Anzahl der Plätze"),
        validators=[
            Optional(),
            NumberRange(*PLACES_RANGE, message=_l("Bitte geben Sie zwischen 1 und 999 Plätze an.")),
        ],
    )
    time_mode = RadioField(
        _l("Wann findet das Angebot statt?"),
        choices=[
            SelectChoice("by_arrangement", _l("Nach Absprache")),
            SelectChoice("range", _l("In einem Zeitraum")),
            SelectChoice("fixed", _l("An festen Terminen")),
            SelectChoice("yearly", _l("Jedes Jahr wieder (z. B. in den Sommerferien)")),
        ],
        default="by_arrangement",
        invalid_choice_message=_l("Bitte wählen Sie, wann das Angebot stattfindet."),
    )
    start_date = LocalDateField(
        _l("Beginn"),
        validators=[_needed_for(
            "range", _l("Bitte geben Sie an, ab wann das Angebot läuft."))],
    )
    end_date = LocalDateField(
        _l("Ende"),
        validators=[_needed_for(
            "range", _l("Bitte geben Sie an, bis wann das Angebot läuft."))],
    )
    fixed_dates = DateListField(
        _l("Termine"),
        validators=[_needed_for("fixed", _l("Bitte geben Sie mindestens einen Termin an."))],
    )
    recur_start = MonthDayField(
        _l("Jedes Jahr ab (TT.MM.)"),
        validators=[_needed_for(
            "yearly", _l("Bitte geben Sie an, ab welchem Tag das Angebot jedes Jahr beginnt."))],
    )
    recur_end = MonthDayField(
        _l("Jedes Jahr bis (TT.MM.)"),
        validators=[_needed_for(
            "yearly", _l("Bitte geben Sie an, an welchem Tag das Angebot jedes Jahr endet."))],
    )
    valid_until = LocalDateField(_l("Gültig bis (freiwillig)"))
    place_mode = RadioField(
        _l("Wo findet das Angebot statt?"),
        default="company",
        invalid_choice_message=_l("Bitte wählen Sie, wo das Angebot stattfindet."),
    )
    street = StringField(
        _l("Straße und Hausnummer"),
        filters=[_strip],
        validators=[Length(max=200, message=_l("Bitte kürzen Sie die Angabe auf 200 Zeichen."))],
    )
    postcode = StringField(
        _l("Postleitzahl"),
        filters=[_strip],
        validators=[
            Optional(),
            Regexp(POSTCODE_RE, message=_l("Bitte geben Sie eine fünfstellige Postleitzahl an.")),
        ],
    )
    city = StringField(
        _l("Ort"),
        filters=[_strip],
        validators=[Length(max=120, message=_l("Bitte kürzen Sie die Angabe auf 120 Zeichen."))],
    )
    apply_contact = StringField(
        _l("Ansprechperson"),
        filters=[_strip],
        validators=[Length(max=200, message=_l("Bitte kürzen Sie die Angabe auf 200 Zeichen."))],
    )
    apply_url = URLField(
        _l("Link zur Bewerbung"),
        filters=[_strip],
        validators=[
            Length(max=500, message=_l("Der Link darf höchstens 500 Zeichen lang sein.")),
            _http_link,
        ],
    )
    apply_email = EmailField(
        _l("E-Mail-Adresse für Bewerbungen"),
        filters=[_strip],
        validators=[
            Length(max=254, message=_l("Die E-Mail-Adresse ist zu lang.")),
            _email,
        ],
    )
    accessible_workplace = BooleanField(_l("Der Arbeitsplatz ist barrierefrei."))
    version = HiddenField()

    def set_choices(self, offer_types, target_groups, fields, company_address: str) -> None:
        self.offer_type.choices = [SelectChoice("", _l("Bitte wählen"))] + [
            SelectChoice(t.id, t.name) for t in offer_types
        ]
        self.target_groups.choices = [SelectChoice(g.id, g.name) for g in target_groups]
        self.fields.choices = [SelectChoice(f.id, f.name) for f in fields]
        self.place_mode.choices = [
            SelectChoice("company", _l("An unserer Betriebsadresse: %(address)s",
                                       address=company_address)),
            SelectChoice("other", _l("An einer anderen Adresse")),
            SelectChoice("multiple", _l("An mehreren Standorten")),
        ]

    def to_input(self) -> OfferInput:
        """The parsed values for the service (invalid ones as ``None``)."""
        start, end = self.recur_start.data, self.recur_end.data
        return OfferInput(
            offer_type_id=self.offer_type.data,
            title=self.title.data or "",
            description=self.description.data or "",
            target_group_ids=list(self.target_groups.data or []),
            field_ids=list(self.fields.data or []),
            min_age=self.min_age.data,
            min_grade=self.min_grade.data,
            places=self.places.data,
            time_mode=self.time_mode.data or "",
            start_date=self.start_date.data,
            end_date=self.end_date.data,
            fixed_dates=list(self.fixed_dates.data or []),
            recurrence=Window(start[0], start[1], end[0], end[1]) if start and end else None,
            valid_until=self.valid_until.data,
            place_mode=self.place_mode.data or "",
            street=self.street.data,
            postcode=self.postcode.data,
            city=self.city.data,
            apply_contact=self.apply_contact.data,
            apply_url=self.apply_url.data,
            apply_email=self.apply_email.data,
            accessible_workplace=bool(self.accessible_workplace.data),
        )

    def expected_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None



class ActionForm(BaseForm):
    """The buttons next to an offer: only the CSRF token and where to go back to."""

    back = HiddenField()
