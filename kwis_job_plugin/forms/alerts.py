"""The public alert forms (subscription, "Zurück in der Region"), without a cookie.

Like the registration and feedback forms: a plain ``CheckedForm`` with the shared input rule
and a signed, timestamped ``form_token`` (the app's ``SECRET_KEY``, a salt per form, the
region's id and a random nonce) instead of the session CSRF token. Choices are checked by the
services (``services/alerts``), whose German messages are shown at the fields.
"""

from __future__ import annotations

import secrets

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from ..i18n import lazy_gettext as _l
from ..services.alerts.returnees import LOOKING_FOR_MAX, NAME_MAX, ReturneeInput
from ..services.alerts.subscriptions import SOURCE_MAX, SubscriptionInput
from ..services.events.registrations import EMAIL_MAX
from .base import CheckedForm
from .registration import MAX_AGE_SECONDS, TOKEN_MAX, FormExpired

SUBSCRIBE_SALT = "kwis-job.alert-subscribe-form"
RETURNEE_SALT = "kwis-job.returnee-form"
FREQUENCY_CHOICES = (
    SelectChoice("monthly", _l("Einmal im Monat")),
    SelectChoice("quarterly", _l("Alle drei Monate")),
    SelectChoice("halfyearly", _l("Zweimal im Jahr")),
    SelectChoice("yearly", _l("Einmal im Jahr")),
)

__all__ = ["FormExpired", "ReturneeForm", "SubscribeForm", "new_form_token", "read_form_token"]


def new_form_token(salt: str, region_id: int) -> str:
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)
    return serializer.dumps({"r": region_id, "n": secrets.token_urlsafe(24)})


def read_form_token(salt: str, token: str | None, region_id: int) -> str:
    """The nonce of a valid token for this region's form; ``FormExpired`` otherwise."""
    if not token or len(token) > TOKEN_MAX:
        raise FormExpired("no token")
    serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)
    try:
        data = serializer.loads(token, max_age=MAX_AGE_SECONDS)
    except BadSignature as exc:
        raise FormExpired(str(exc)) from None
    if not isinstance(data, dict) or data.get("r") != region_id or not isinstance(
        data.get("n"), str
    ):
        raise FormExpired("not for this region")
    return data["n"]


class _Choices(SelectMultipleField):
    """Checkboxes drawn by the template; the service checks the values."""

    def pre_validate(self, form) -> None:
        pass


class SubscribeForm(CheckedForm):
    form_token = HiddenField()
    source = HiddenField(validators=[Length(max=SOURCE_MAX)])
    email = EmailField(
        _l("Ihre E-Mail-Adresse"), validators=[Length(max=EMAIL_MAX)],
        render_kw={"maxlength": EMAIL_MAX, "autocomplete": "email", "spellcheck": "false",
                   "required": True})
    regions = _Choices(_l("Regionen"), validators=[Length(max=20)])
    types = _Choices(_l("Angebotsarten"), validators=[Length(max=80)])
    fields = _Choices(_l("Berufsfelder"), validators=[Length(max=80)])
    events = BooleanField(_l("Auch Veranstaltungen (Messen, Tage der offenen Betriebe, ...)"))
    frequency = RadioField(_l("Wie oft?"), choices=FREQUENCY_CHOICES, default="quarterly",
                           validate_choice=False, validators=[Length(max=20)])
    return_month = SelectField(_l("Ich komme vielleicht zurück in …"), validate_choice=False,
                               validators=[Length(max=20)])
    consent = BooleanField(_l("Ich bin einverstanden."))

    def to_input(self) -> SubscriptionInput:
        regions = []
        for value in self.regions.data or ():
            if value.isdigit() and len(value) < 10:
                regions.append(int(value))
            else:
                regions.append(-1)  # refused by the service
        return SubscriptionInput(
            email=self.email.data or "", regions=regions, types=list(self.types.data or ()),
            fields=list(self.fields.data or ()), events=bool(self.events.data),
            frequency=self.frequency.data or "", return_month=self.return_month.data or "",
            consent=bool(self.consent.data), source=self.source.data or "")


class ReturneeForm(CheckedForm):
    form_token = HiddenField()
    looking_for = TextAreaField(
        _l("Was suchen Sie?"), validators=[Length(max=LOOKING_FOR_MAX)],
        render_kw={"maxlength": LOOKING_FOR_MAX, "required": True, "rows": 6})
    email = EmailField(
        _l("Ihre E-Mail-Adresse"), validators=[Length(max=EMAIL_MAX)],
        render_kw={"maxlength": EMAIL_MAX, "autocomplete": "email", "spellcheck": "false",
                   "required": True})
    name = StringField(_l("Ihr Name (freiwillig)"), validators=[Length(max=NAME_MAX)],
                       render_kw={"maxlength": NAME_MAX, "autocomplete": "name"})
    consent = BooleanField(_l("Ich bin einverstanden."))

    def to_input(self) -> ReturneeInput:
        return ReturneeInput(looking_for=self.looking_for.data or "",
                             email=self.email.data or "", name=self.name.data or "",
                             consent=bool(self.consent.data))
