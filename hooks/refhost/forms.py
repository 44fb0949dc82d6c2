"""The reference host's login form: what may be typed, checked before anything is looked up.

The host stands on its own (it runs without the plug-in), so it keeps its own small rules instead
of importing the plug-in's. A refused value gets a German message at its field and the form is
answered with 422; nothing reaches the database (PostgreSQL refuses NUL in a query parameter).
"""

from __future__ import annotations

import unicodedata

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length, ValidationError

EMAIL_MAX = 254
"""The longest address SMTP allows, and the column's length."""
PASSWORD_MAX = 1024
"""Far beyond any password manager's output; bounds the work of one hash check."""


def _printable_only(message: str):
    """Refuse any character that is not printable: control characters (NUL, line breaks, tabs),
    bidirectional overrides and isolates (U+202E), zero-width and other format characters."""

    def check(_form, field) -> None:
        if field.data and not field.data.isprintable():
            raise ValidationError(message)

    return check


def _no_control_or_bidi(message: str):
    """Refuse control characters (category Cc: NUL, line breaks, tabs) and bidirectional
    formatting (U+202A-U+202E, U+2066-U+2069); a password may otherwise hold any character."""

    def check(_form, field) -> None:
        for char in field.data or "":
            if unicodedata.category(char) == "Cc" or unicodedata.bidirectional(char) in (
                "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI",
            ):
                raise ValidationError(message)

    return check


class LoginForm(FlaskForm):
    email = EmailField(
        "E-Mail-Adresse",
        validators=[
            DataRequired("Bitte geben Sie Ihre E-Mail-Adresse ein."),
            Length(max=EMAIL_MAX,
                   message=f"Die E-Mail-Adresse darf höchstens {EMAIL_MAX} Zeichen lang sein."),
            _printable_only("Die E-Mail-Adresse darf keine Steuer- oder Sonderzeichen wie "
                            "Zeilenumbrüche oder Richtungszeichen enthalten."),
        ],
    )
    password = PasswordField(
        "Passwort",
        validators=[
            DataRequired("Bitte geben Sie Ihr Passwort ein."),
            Length(max=PASSWORD_MAX,
                   message=f"Das Passwort darf höchstens {PASSWORD_MAX:,} Zeichen lang sein."
                   .replace(",", ".")),
            _no_control_or_bidi("Das Passwort darf keine Steuerzeichen wie Zeilenumbrüche oder "
                                "Richtungszeichen enthalten."),
        ],
    )
