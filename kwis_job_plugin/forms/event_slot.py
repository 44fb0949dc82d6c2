"""The company's events forms: a visit slot, a fair stand, cancelling a slot, check-in buttons.

The forms only parse (a date, a clock time, whole numbers, ids from the list) and say so at the
field when something cannot be read; every rule about the values (lengths, ranges, control
characters, the event's dates) lives in ``services.events.companies``, and the view shows both
kinds of message at the fields. No form has a status, count, company or event field, so such
input is never even read.
"""

from __future__ import annotations

import re
from datetime import time

from wtforms import HiddenField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from ..i18n import lazy_gettext as _l
from ..services.events.companies import SlotInput, StandInput
from .base import BaseForm
from .offer import LocalDateField, MultiCheckboxField, WholeNumberField

TIME_RE = re.compile(r"^(\d{1,2})[:.](\d{2})(?:\s*Uhr)?$", re.IGNORECASE)


class ClockTimeField(StringField):
    """A time of day typed as HH:MM (``9.30`` and ``9:30 Uhr`` are read too) in a text input,
    so a mistyped value stays visible next to its message."""

    def process_formdata(self, valuelist):
        self.data = None
        text = ((valuelist[0] if valuelist else "") or "").strip()
        if not text:
            return
        match = TIME_RE.match(text)
        if not match or int(match[1]) > 23 or int(match[2]) > 59:
            raise ValueError(_l("Bitte geben Sie die Uhrzeit im Format HH:MM an, z. B. 09:30."))
        self.data = time(int(match[1]), int(match[2]))

    def process_data(self, value):
        self.data = value

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return self.data.strftime("%H:%M") if self.data else ""


class NumberField(WholeNumberField):
    """A whole number; left empty it is ``None`` (the service says whether it is needed)."""

    def process_formdata(self, valuelist):
        if not valuelist or not (valuelist[0] or "").strip():
            self.data = None
            return
        super().process_formdata([valuelist[0].strip()])


class SlotForm(BaseForm):
    title = StringField(_l("Was passiert bei dem Termin?"))
    description = TextAreaField(_l("Beschreibung"))
    day = LocalDateField(_l("Datum"))
    start_time = ClockTimeField(_l("Beginn (Uhrzeit)"))
    end_time = ClockTimeField(_l("Ende (Uhrzeit)"))
    capacity = NumberField(_l("Plätze"))
    waitlist_capacity = NumberField(_l("Plätze auf der Warteliste"), default=0)
    min_age = NumberField(_l("Mindestalter (Jahre)"))
    min_grade = NumberField(_l("Ab Klassenstufe"))
    max_party_size = NumberField(_l("Größte Gruppe (Personen je Anmeldung)"), default=1)
    place = StringField(_l("Treffpunkt"))
    accessibility = TextAreaField(_l("Hinweise zur Barrierefreiheit"))
    field_ids = MultiCheckboxField(_l("Berufsfelder"))
    version = HiddenField()

    def set_choices(self, fields) -> None:
        self.field_ids.choices = [SelectChoice(f.id, f.name) for f in fields]

    def to_input(self) -> SlotInput:
        """The parsed values for the service (unreadable ones as ``None``)."""
        return SlotInput(
            title=self.title.data or "",
            description=self.description.data,
            day=self.day.data,
            start_time=self.start_time.data,
            end_time=self.end_time.data,
            capacity=self.capacity.data,
            waitlist_capacity=self.waitlist_capacity.data,
            min_age=self.min_age.data,
            min_grade=self.min_grade.data,
            max_party_size=self.max_party_size.data,
            place=self.place.data,
            accessibility=self.accessibility.data,
            field_ids=list(self.field_ids.data or []),
        )

    def expected_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None



def slot_values(slot) -> dict:
    """A saved slot as the form's values."""
    return {
        "title": slot.title,
        "description": slot.description or "",
        "day": slot.starts_at.date(),
        "start_time": slot.starts_at.time(),
        "end_time": slot.ends_at.time(),
        "capacity": slot.capacity,
        "waitlist_capacity": slot.waitlist_capacity,
        "min_age": slot.min_age,
        "min_grade": slot.min_grade,
        "max_party_size": slot.max_party_size,
        "place": slot.place or "",
        "accessibility": slot.accessibility or "",
        "field_ids": list(slot.field_ids or []),
        "version": str(slot.version),
    }


class StandForm(BaseForm):
    stand_info = TextAreaField(_l("Was zeigen Sie an Ihrem Stand?"))
    stand_people = StringField(_l("Wer ist am Stand?"))

    def to_input(self) -> StandInput:
        return StandInput(stand_info=self.stand_info.data, stand_people=self.stand_people.data)



class CancelSlotForm(BaseForm):
    reason = TextAreaField(_l("Grund der Absage (freiwillig)"))



class ButtonForm(BaseForm):
    """A button that changes one thing: only the CSRF token."""


class CheckInForm(BaseForm):
    """The "Ist da" / "Rückgängig" button of one registration."""

    present = HiddenField()
