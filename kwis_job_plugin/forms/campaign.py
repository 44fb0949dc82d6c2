"""The campaign forms: parsing only; the rules (filters, placeholders) are
``services.campaigns``', shown at these fields."""

from __future__ import annotations

from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from ..i18n import lazy_gettext as _l
from ..models.campaign import PRESENCE_CHOICES
from ..services.campaigns.campaigns import BODY_MAX, TITLE_MAX, CampaignInput
from .base import BaseForm
from .offer import INVALID_CHOICE

PRESENCE_LABELS = {
    "all": _l("Alle Betriebe"),
    "none": _l("Noch ohne Arbeitgeberprofil"),
    "profile": _l("Mit Arbeitgeberprofil"),
    "offers": _l("Mit Angeboten"),
}
SIZE_LABELS = {
    "micro": _l("Kleinstbetrieb"),
    "small": _l("Kleinbetrieb"),
    "medium": _l("Mittlerer Betrieb"),
    "large": _l("Großbetrieb"),
}


def _optional_int(value):
    if value in (None, ""):
        return None
    return int(value)


class NewCampaignForm(BaseForm):
    region_id = SelectField(_l("Region"), coerce=_optional_int,
                            invalid_value_message=INVALID_CHOICE,
                            invalid_choice_message=INVALID_CHOICE)
    title = StringField(_l("Name der Kampagne"), validators=[Length(max=TITLE_MAX)])

    def set_choices(self, regions) -> None:
        self.region_id.choices = [SelectChoice("", _l("Bitte wählen"))] + [
            SelectChoice(region.id, region.name) for region in regions]


class CampaignForm(BaseForm):
    title = StringField(_l("Name der Kampagne"), validators=[Length(max=TITLE_MAX)])
    filter_wz = StringField(_l("Wirtschaftszweig (WZ-Schlüssel oder sein Anfang)"),
                            validators=[Length(max=10)])
    filter_size = SelectField(_l("Größenklasse"), invalid_choice_message=INVALID_CHOICE)
    filter_postcode = StringField(_l("Postleitzahl oder ihr Anfang"),
                                  validators=[Length(max=5)])
    filter_presence = SelectField(
        _l("Im Portal"), invalid_choice_message=INVALID_CHOICE,
        choices=[SelectChoice(key, PRESENCE_LABELS[key]) for key in PRESENCE_CHOICES])
    subject = StringField(_l("Betreff"), validators=[Length(max=300)])
    body_text = TextAreaField(_l("Text der Einladung"), validators=[Length(max=BODY_MAX)])

    def set_choices(self, sizes: list[str]) -> None:
        self.filter_size.choices = [SelectChoice("", _l("Alle Größen"))] + [
            SelectChoice(size, SIZE_LABELS.get(size, size)) for size in sizes]

    def to_input(self) -> CampaignInput:
        return CampaignInput(
            title=self.title.data or "", filter_wz=self.filter_wz.data or "",
            filter_size=self.filter_size.data or "",
            filter_postcode=self.filter_postcode.data or "",
            filter_presence=self.filter_presence.data or "all",
            subject=self.subject.data or "", body_text=self.body_text.data or "")
