"""The form of the tab "Arbeitgeberprofil".

It parses and checks lengths and choices; the domain rules (sanitising, allowed link hosts,
picture checks, limits) live in ``services.profile_input`` and ``services.media``, whose error keys
are these field names. There is deliberately no field for status, customer, region or slug.
"""

from __future__ import annotations

from typing import Any

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    EmailField,
    FieldList,
    FormField,
    HiddenField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
    URLField,
)
from wtforms.validators import InputRequired, Length, Regexp
from wtforms.validators import ValidationError as FieldError
from wtforms.widgets import CheckboxInput, ListWidget

from ..i18n import lazy_gettext as _l
from ..services import media as media_service
from ..services import profile_input as service
from .base import BaseForm, CheckedForm

NOT_IN_LIST = _l("Bitte wählen Sie nur Einträge aus der Liste.")
TOO_LONG = _l("Bitte kürzen Sie auf höchstens %(max)d Zeichen.")
RELOAD = _l("Das Formular ist unvollständig. Bitte laden Sie die Seite neu.")

SOCIAL_LABELS = {
    "website": _l("Karriereseite (Link)"),
    "instagram": _l("Instagram (Link)"),
    "facebook": _l("Facebook (Link)"),
    "linkedin": _l("LinkedIn (Link)"),
    "xing": _l("XING (Link)"),
    "tiktok": _l("TikTok (Link)"),
    "youtube": _l("YouTube-Kanal (Link)"),
    "mastodon": _l("Mastodon (Link)"),
}


class MultiCheckboxField(SelectMultipleField):
    """A multi-select shown as checkboxes (usable by keyboard without JavaScript)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def process_formdata(self, valuelist):
        try:
            self.data = [self.coerce(x) for x in valuelist]
        except (ValueError, TypeError):
            self.data = []
            raise ValueError(str(NOT_IN_LIST)) from None

    def pre_validate(self, form):
        allowed = {value for value, _label in self.choices or []}
        if any(value not in allowed for value in self.data or []):
            raise FieldError(str(NOT_IN_LIST))


def _length(limit: int) -> Length:
    return Length(max=limit, message=TOO_LONG)


class ExistingPhotoForm(CheckedForm):
    """One photo already uploaded: its description, or its removal."""

    media_id = HiddenField(validators=[InputRequired(RELOAD), Regexp(r"^\d{1,12}$",
                                                                      message=RELOAD)])
    alt_text = StringField(_l("Bildbeschreibung"),
                           validators=[_length(media_service.MAX_ALT_LENGTH)])
    remove = BooleanField(_l("Dieses Foto entfernen"))


class ProfileForm(BaseForm):
    version = HiddenField(validators=[InputRequired(RELOAD), Regexp(r"^\d{1,9}$",
                                                                     message=RELOAD)])
    philosophy = TextAreaField(
        _l("So ist es, bei uns zu arbeiten"),
        validators=[_length(service.PHILOSOPHY_MAX_INPUT)],
    )
    occupational_fields = MultiCheckboxField(_l("Berufsfelder"), coerce=int)
    occupations = MultiCheckboxField(_l("Ausbildungsberufe"), coerce=int)
    benefits = MultiCheckboxField(_l("Vorteile"), coerce=int)
    custom_benefit_1 = StringField(_l("Eigener Vorteil 1"),
                                   validators=[_length(service.CUSTOM_BENEFIT_MAX)])
    custom_benefit_2 = StringField(_l("Eigener Vorteil 2"),
                                   validators=[_length(service.CUSTOM_BENEFIT_MAX)])
    custom_benefit_3 = StringField(_l("Eigener Vorteil 3"),
                                   validators=[_length(service.CUSTOM_BENEFIT_MAX)])
    contact_name = StringField(_l("Name"), validators=[_length(service.NAME_MAX)])
    contact_role = StringField(_l("Funktion"), validators=[_length(service.ROLE_MAX)])
    contact_email = EmailField(_l("E-Mail-Adresse"), validators=[_length(service.EMAIL_MAX)])
    contact_phone = TelField(_l("Telefon"), validators=[_length(service.PHONE_MAX)])
    video_url = URLField(_l("Link zu einem Video"), validators=[_length(service.URL_MAX)])
    social_website = URLField(SOCIAL_LABELS["website"], validators=[_length(service.URL_MAX)])
    social_instagram = URLField(SOCIAL_LABELS["instagram"],
                                validators=[_length(service.URL_MAX)])
    social_facebook = URLField(SOCIAL_LABELS["facebook"], validators=[_length(service.URL_MAX)])
    social_linkedin = URLField(SOCIAL_LABELS["linkedin"], validators=[_length(service.URL_MAX)])
    social_xing = URLField(SOCIAL_LABELS["xing"], validators=[_length(service.URL_MAX)])
    social_tiktok = URLField(SOCIAL_LABELS["tiktok"], validators=[_length(service.URL_MAX)])
    social_youtube = URLField(SOCIAL_LABELS["youtube"], validators=[_length(service.URL_MAX)])
    social_mastodon = URLField(SOCIAL_LABELS["mastodon"], validators=[_length(service.URL_MAX)])
    logo = FileField(_l("Neues Logo hochladen"))
    remove_logo = BooleanField(_l("Logo entfernen"))
    photos = FieldList(FormField(ExistingPhotoForm), max_entries=media_service.MAX_PHOTOS)
    new_photo_1 = FileField(_l("Foto hinzufügen"))
    new_photo_1_alt = StringField(_l("Bildbeschreibung"),
                                  validators=[_length(media_service.MAX_ALT_LENGTH)])
    new_photo_2 = FileField(_l("Foto hinzufügen"))
    new_photo_2_alt = StringField(_l("Bildbeschreibung"),
                                  validators=[_length(media_service.MAX_ALT_LENGTH)])
    new_photo_3 = FileField(_l("Foto hinzufügen"))
    new_photo_3_alt = StringField(_l("Bildbeschreibung"),
                                  validators=[_length(media_service.MAX_ALT_LENGTH)])
    new_photo_4 = FileField(_l("Foto hinzufügen"))
    new_photo_4_alt = StringField(_l("Bildbeschreibung"),
                                  validators=[_length(media_service.MAX_ALT_LENGTH)])

    SOCIAL_KEYS = tuple(service.SOCIAL_NETWORKS)
    NEW_PHOTO_SLOTS = media_service.MAX_PHOTOS

    def set_choices(self, fields, occupations, benefits) -> None:
        self.occupational_fields.choices = [(t.id, t.name) for t in fields]
        self.occupations.choices = [
            (t.id, t.name) for t in sorted(occupations, key=lambda t: t.name.casefold())
        ]
        self.benefits.choices = [(t.id, t.name) for t in benefits]

    def social_fields(self) -> list[Any]:
        return [self[f"social_{key}"] for key in self.SOCIAL_KEYS]

    def new_photo_slots(self, free: int) -> list[tuple[Any, Any]]:
        return [
            (self[f"new_photo_{n}"], self[f"new_photo_{n}_alt"])
            for n in range(1, min(free, self.NEW_PHOTO_SLOTS) + 1)
        ]

    def fill_from(self, profile, prefill: dict[str, str]) -> None:
        """Values of the saved working copy (or the prefill before the first save)."""
        self.version.data = str(profile.version if profile is not None else 0)
        if profile is None:
            self.contact_email.data = prefill.get("contact_email", "")
            self.contact_phone.data = prefill.get("contact_phone", "")
            return
        self.philosophy.data = service.html_to_editable(profile.philosophy_html)
        self.occupational_fields.data = [t.id for t in profile.fields]
        self.occupations.data = [t.id for t in profile.occupations]
        self.benefits.data = [t.id for t in profile.benefits]
        custom = list(profile.custom_benefits or [])
        for n in range(1, service.MAX_CUSTOM_BENEFITS + 1):
            self[f"custom_benefit_{n}"].data = custom[n - 1] if len(custom) >= n else ""
        self.contact_name.data = profile.contact_name or ""
        self.contact_role.data = profile.contact_role or ""
        self.contact_email.data = profile.contact_email or ""
        self.contact_phone.data = profile.contact_phone or ""
        self.video_url.data = profile.video_url or ""
        links = profile.social_links or {}
        for key in self.SOCIAL_KEYS:
            self[f"social_{key}"].data = links.get(key, "")
        while self.photos.entries:
            self.photos.pop_entry()
        for photo in media_service.photos_of(profile):
            self.photos.append_entry({"media_id": str(photo.id), "alt_text": photo.alt_text,
                                      "remove": False})

    def to_input(self, read_file) -> service.ProfileInput:
        """The service's input; ``read_file(field)`` returns an upload's bytes or ``None``."""
        photos = []
        for entry in self.photos.entries:
            photos.append(service.PhotoChange(
                media_id=int(entry.form.media_id.data),
                alt_text=entry.form.alt_text.data or "",
                remove=bool(entry.form.remove.data),
            ))
        return service.ProfileInput(
            philosophy=self.philosophy.data or "",
            field_ids=list(self.occupational_fields.data or []),
            occupation_ids=list(self.occupations.data or []),
            benefit_ids=list(self.benefits.data or []),
            custom_benefits=[self[f"custom_benefit_{n}"].data or ""
                             for n in range(1, service.MAX_CUSTOM_BENEFITS + 1)],
            contact_name=self.contact_name.data or "",
            contact_role=self.contact_role.data or "",
            contact_email=self.contact_email.data or "",
            contact_phone=self.contact_phone.data or "",
            video_url=self.video_url.data or "",
            social_links={key: self[f"social_{key}"].data or "" for key in self.SOCIAL_KEYS},
            logo=read_file(self.logo),
            remove_logo=bool(self.remove_logo.data),
            photos=photos,
            new_photos=[
                service.NewPhoto(read_file(self[f"new_photo_{n}"]),
                                 self[f"new_photo_{n}_alt"].data or "")
                for n in range(1, self.NEW_PHOTO_SLOTS + 1)
            ],
        )

    def all_fields(self) -> dict[str, Any]:
        """Every field by its HTML name, sub-forms included (for service error keys)."""
        found: dict[str, Any] = {}
        for f in self:
            if f.type == "FieldList":
                for entry in f.entries:
                    for sub in entry.form:
                        found[sub.name] = sub
            else:
                found[f.name] = f
        return found


class ConfirmCurrentForm(BaseForm):
    """"My profile is still correct" (staleness reminder)."""

    version = HiddenField(validators=[InputRequired(RELOAD), Regexp(r"^\d{1,9}$",
                                                                     message=RELOAD)])
