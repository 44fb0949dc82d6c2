"""The agency's event forms: parsing and field-level checks with German messages.

Every rule (dates in order, windows inside the event, known region and kind, no control
characters) lives in ``services.events.agency``; the form only parses, and the view shows the
service's messages at these fields. There is no ``status`` field, so a status is never read from
input.
"""

from __future__ import annotations

from datetime import datetime

from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError as FieldError
from wtforms.widgets import TextInput

from ..i18n import lazy_gettext as _l
from ..services.event_pages import KIND_LABELS
from ..services.events.agency import DATE_MAX, DATE_MIN, EventInput
from .base import BaseForm
from .offer import INVALID_CHOICE, LocalDateField, WholeNumberField

DATETIME_FORMATS = ("%d.%m.%Y %H:%M", "%d.%m.%Y, %H:%M", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M")


def _optional_int(value):
    if value in (None, ""):
        return None
    return int(value)


class LocalDateTimeField(StringField):
    """A moment typed as TT.MM.JJJJ HH:MM (ISO is accepted too) in a plain text input, for the
    same reason ``LocalDateField`` is one: a German date must land in German order."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        self.data = None
        text = " ".join(((valuelist[0] if valuelist else "") or "").split())
        if not text:
            return
        for fmt in DATETIME_FORMATS:
            try:
                self.data = datetime.strptime(text, fmt)
                return
            except ValueError:
                continue
        raise ValueError(_l("Bitte geben Sie Datum und Uhrzeit an, z. B. 01.03.2026 08:00."))

    def process_data(self, value):
        self.data = value

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%d.%m.%Y %H:%M") if self.data else ""

    def pre_validate(self, form):
        if self.data is not None and not DATE_MIN <= self.data.date() <= DATE_MAX:
            raise FieldError(_l("Bitte geben Sie einen Zeitpunkt zwischen 2000 und 2100 an."))


class EventForm(BaseForm):
    kind = SelectField(
        _l("Art der Veranstaltung"),
        invalid_choice_message=INVALID_CHOICE,
    )
    region_id = SelectField(
        _l("Region"),
        coerce=_optional_int,
        invalid_value_message=INVALID_CHOICE,
        invalid_choice_message=INVALID_CHOICE,
    )
    title = StringField(_l("Titel"))
    slug = StringField(_l("Adresse im Portal (freiwillig)"))
    starts_on = LocalDateField(_l("Erster Tag"))
    ends_on = LocalDateField(_l("Letzter Tag"))
    at_companies = BooleanField(
        _l("In den Betrieben (kein zentraler Ort: jeder Besuch hat seinen eigenen)")
    )
    venue = StringField(_l("Veranstaltungsort"))
    street = StringField(_l("Straße und Hausnummer"))
    postcode = StringField(_l("Postleitzahl"))
    city = StringField(_l("Ort"))
    participation_opens_at = LocalDateTimeField(_l("Betriebe können teilnehmen ab"))
    participation_closes_at = LocalDateTimeField(_l("Betriebe können teilnehmen bis"))
    registration_opens_at = LocalDateTimeField(_l("Anmeldung für Besucherinnen und Besucher ab"))
    registration_closes_at = LocalDateTimeField(
        _l("Anmeldung für Besucherinnen und Besucher bis")
    )
    description = TextAreaField(_l("Beschreibung"))
    retention_days = WholeNumberField(_l("Anmeldungen löschen nach (Tagen nach dem Ende)"))

    def set_choices(self, regions) -> None:
        self.kind.choices = [SelectChoice("", _l("Bitte wählen"))] + [
            SelectChoice(key, _l(label)) for key, label in KIND_LABELS.items()
        ]
        self.region_id.choices = [SelectChoice("", _l("Bitte wählen"))] + [
            SelectChoice(region.id, region.name) for region in regions
        ]

    def to_input(self) -> EventInput:
        """The parsed values for the service (unparsable ones as ``None``)."""
        return EventInput(
            kind=self.kind.data or "",
            region_id=self.region_id.data,
            title=self.title.data or "",
            slug=self.slug.data or "",
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            at_companies=bool(self.at_companies.data),
            venue=self.venue.data,
            street=self.street.data,
            postcode=self.postcode.data,
            city=self.city.data,
            participation_opens_at=self.participation_opens_at.data,
            participation_closes_at=self.participation_closes_at.data,
            registration_opens_at=self.registration_opens_at.data,
            registration_closes_at=self.registration_closes_at.data,
            description=self.description.data or "",
            retention_days=self.retention_days.data,
        )


class ConfirmForm(BaseForm):
    """Publish and archive: a button with the CSRF token, nothing else."""


class CancelForm(BaseForm):
    reason = TextAreaField(_l("Grund der Absage (steht in der Mail an alle Angemeldeten und "
                              "Betriebe)"))


class MessageForm(BaseForm):
    subject = StringField(_l("Betreff"))
    text = TextAreaField(_l("Nachricht"))

