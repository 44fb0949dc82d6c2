"""The public registration form and its signed, timestamped form token.

Public pages set no cookie, so this form carries no session-based CSRF token (it is a plain
``wtforms.Form`` with the shared input rule, ``forms.base.CheckedForm``, not Flask-WTF's
``FlaskForm``). Instead it carries ``form_token``: an
itsdangerous signature (the app's ``SECRET_KEY``, a salt of its own) over the slot's id and a
random nonce, with the time it was made. It proves that the form came from this site for this
slot a short while ago, and its nonce makes a double submit one registration
(``Registration.form_nonce``). The fields are parsed here; the rules (lengths, line breaks,
addresses, age and grade) are checked once, in ``services.events.registrations.check_input``,
and its German messages are shown at these fields.
"""

from __future__ import annotations

import secrets

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    IntegerField,
    RadioField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from ..i18n import lazy_gettext as _l
from ..services.events.registrations import (
    EMAIL_MAX,
    NAME_MAX,
    SCHOOL_MAX,
    RegistrationInput,
)
from .base import CheckedForm

SALT = "kwis-job.registration-form"
MAX_AGE_SECONDS = 4 * 3600
"""A form older than this is refused with a German message (and shown again, still filled)."""
TOKEN_MAX = 300


class FormExpired(ValueError):
    """The form token is missing, forged, for another slot or too old."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def new_form_token(slot_id: int) -> str:
    return _serializer().dumps({"s": slot_id, "n": secrets.token_urlsafe(24)})


def read_form_token(token: str | None, slot_id: int, *, max_age: int | None = None) -> str:
    """The nonce of a valid token for this slot; ``FormExpired`` otherwise."""
    if not token or len(token) > TOKEN_MAX:
        raise FormExpired("no token")
    try:
        data = _serializer().loads(
            token, max_age=MAX_AGE_SECONDS if max_age is None else max_age)
    except BadSignature as exc:  # SignatureExpired is one
        raise FormExpired(str(exc)) from None
    if not isinstance(data, dict) or data.get("s") != slot_id or not isinstance(
        data.get("n"), str
    ):
        raise FormExpired("not for this slot")
    return data["n"]


def _yes_no(value):
    return {"ja": True, "nein": False}.get(value)


class RegistrationForm(CheckedForm):
    form_token = HiddenField()
    first_name = StringField(_l("Vorname"), render_kw={
        "autocomplete": "given-name", "maxlength": NAME_MAX, "required": True})
    last_name = StringField(_l("Nachname"), render_kw={
        "autocomplete": "family-name", "maxlength": NAME_MAX, "required": True})
    email = EmailField(_l("E-Mail-Adresse"), render_kw={
        "autocomplete": "email", "maxlength": EMAIL_MAX, "required": True,
        "spellcheck": "false"})
    school = StringField(_l("Schule (freiwillig)"), render_kw={"maxlength": SCHOOL_MAX})
    grade = StringField(_l("Klassenstufe (freiwillig)"), render_kw={
        "inputmode": "numeric", "maxlength": 2, "pattern": "[0-9]*"})
    over_16 = RadioField(
        _l("Sind Sie 16 Jahre oder älter?"),
        choices=[SelectChoice("ja", _l("Ja, ich bin 16 oder älter")),
                 SelectChoice("nein", _l("Nein, ich bin jünger als 16"))],
        validate_choice=False,
    )
    guardian_email = EmailField(
        _l("E-Mail-Adresse einer erziehungsberechtigten Person"),
        render_kw={"autocomplete": "off", "maxlength": EMAIL_MAX, "spellcheck": "false"},
    )
    party_size = IntegerField(_l("Anzahl der Personen"), validators=[Optional()],
                              render_kw={"min": 1, "inputmode": "numeric"})
    meets_min_age = BooleanField(_l("Mindestalter"))

    def to_input(self) -> RegistrationInput:
        """What the service checks; raw text, so its messages are the only ones."""
        raw = self.party_size.raw_data[0] if self.party_size.raw_data else None
        return RegistrationInput(
            first_name=self.first_name.data or "",
            last_name=self.last_name.data or "",
            email=self.email.data or "",
            school=self.school.data or "",
            grade=self.grade.data or None,
            over_16=_yes_no(self.over_16.data),
            guardian_email=self.guardian_email.data or "",
            party_size=raw or 1,
            meets_min_age=bool(self.meets_min_age.data),
        )

    def show_errors(self, errors: dict[str, str]) -> list[str]:
        """Put the service's messages at their fields; returns those without a field."""
        rest = []
        for name, message in errors.items():
            if name in self._fields and name != "form_token":
                self._fields[name].errors = [message]
            else:
                rest.append(message)
        return rest
