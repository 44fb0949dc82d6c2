"""The public form for reporting accessibility barriers, with its signed, expiring form token.

Like the event registration form (``forms/registration.py``, whose ``FormExpired`` and limits
this reuses) it sets no cookie: a plain ``CheckedForm`` with the shared input rule and, instead
of a session CSRF token, ``form_token``: an itsdangerous signature (the app's ``SECRET_KEY``, a
salt of its own, so a registration token is no feedback token) over the region's id and a
random nonce, with the time it was made. The nonce makes a double submit one report
(``services.accessibility_feedback.submit``). The fields' domain rules are checked once, in the
service; its German messages are shown at these fields.
"""

from __future__ import annotations

import secrets

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer
from wtforms import EmailField, HiddenField, StringField, TextAreaField
from wtforms.validators import Length

from ..i18n import lazy_gettext as _l
from ..services.accessibility_feedback import (
    MESSAGE_MAX,
    NAME_MAX,
    WHERE_MAX,
    FeedbackInput,
)
from ..services.events.registrations import EMAIL_MAX
from .base import CheckedForm
from .registration import MAX_AGE_SECONDS, TOKEN_MAX, FormExpired

SALT = "kwis-job.accessibility-feedback-form"

__all__ = ["FeedbackForm", "FormExpired", "new_form_token", "read_form_token"]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def new_form_token(region_id: int) -> str:
    return _serializer().dumps({"r": region_id, "n": secrets.token_urlsafe(24)})


def read_form_token(token: str | None, region_id: int, *, max_age: int | None = None) -> str:
    """The nonce of a valid token for this region's form; ``FormExpired`` otherwise
    (missing, forged, for another region, older than ``MAX_AGE_SECONDS``)."""
    if not token or len(token) > TOKEN_MAX:
        raise FormExpired("no token")
    try:
        data = _serializer().loads(
            token, max_age=MAX_AGE_SECONDS if max_age is None else max_age)
    except BadSignature as exc:  # SignatureExpired is one
        raise FormExpired(str(exc)) from None
    if not isinstance(data, dict) or data.get("r") != region_id or not isinstance(
        data.get("n"), str
    ):
        raise FormExpired("not for this region")
    return data["n"]


class FeedbackForm(CheckedForm):
    form_token = HiddenField()
    where = StringField(
        _l("Wo ist die Barriere?"), validators=[Length(max=WHERE_MAX)],
        render_kw={"maxlength": WHERE_MAX, "required": True, "autocomplete": "off"})
    message = TextAreaField(
        _l("Was ist passiert, oder was möchten Sie wissen?"),
        validators=[Length(max=MESSAGE_MAX)],
        render_kw={"maxlength": MESSAGE_MAX, "required": True, "rows": 8})
    name = StringField(
        _l("Ihr Name (freiwillig)"), validators=[Length(max=NAME_MAX)],
        render_kw={"maxlength": NAME_MAX, "autocomplete": "name"})
    email = EmailField(
        _l("Ihre E-Mail-Adresse (freiwillig)"), validators=[Length(max=EMAIL_MAX)],
        render_kw={"maxlength": EMAIL_MAX, "autocomplete": "email", "spellcheck": "false"})

    def to_input(self) -> FeedbackInput:
        """What the service checks; raw text, so its messages are the only ones."""
        return FeedbackInput(
            where=self.where.data or "", message=self.message.data or "",
            name=self.name.data or "", email=self.email.data or "",
        )
