"""What every form of the plug-in shares: the one input rule, and service errors at the fields.

The input rule (issue 9): every field of every form refuses what ``has_forbidden_chars`` refuses
(NUL and other control characters, bidirectional overrides; line breaks except in a text area)
and is bounded in length, with a German message at the field, before any view or service sees
the value. It is bound to every field by the forms' ``Meta`` (WTForms calls ``bind_field`` for
each field), so a new field cannot forget it: ``BaseForm`` for session-protected forms,
``CheckedForm`` for forms without session CSRF (the public registration form, sub-forms in a
``FieldList``).

Services check the domain rules and raise ``ValidationError`` keyed by field; ``add_errors``
puts those messages at their fields, so a form shows WTForms' and the service's messages in one
place and the same way.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import FieldList, Form, FormField, TextAreaField
from wtforms.validators import Length, StopValidation

from ..i18n import lazy_gettext as _l
from ..services.input_checks import has_forbidden_chars

NOT_A_FIELD = frozenset({"csrf_token", "version"})
"""Hidden bookkeeping fields: an error about them belongs to the form, not to a field."""

LINE_MAX = 2000
"""The longest value of a one-line field that declares no ``Length`` of its own."""
TEXT_MAX = 60000
"""The longest value of a text area that declares no ``Length`` of its own (rich text included);
services apply their own, smaller limits to the visible text."""

FORBIDDEN_IN_LINE = _l("„%(label)s“ darf keine Zeilenumbrüche, Steuerzeichen oder unsichtbaren "
                       "Richtungszeichen enthalten (sie kommen oft beim Kopieren mit).")
FORBIDDEN_IN_TEXT = _l("„%(label)s“ darf keine Steuerzeichen oder unsichtbaren Richtungszeichen "
                       "enthalten (sie kommen oft beim Kopieren mit).")
UNNAMED = _l("Diese Eingabe")
TOO_LONG = _l("Bitte kürzen Sie auf höchstens %(max)d Zeichen.")


class InputRule:
    """The plug-in's one input rule for a field's submitted values (``raw_data``): refused
    characters and an upper length stop validation with a German message at the field."""

    def __init__(self, *, multi_line: bool, max_length: int | None):
        self.multi_line = multi_line
        self.max_length = max_length

    def __call__(self, _form, field) -> None:
        for value in getattr(field, "raw_data", None) or ():
            if not isinstance(value, str):
                continue
            if has_forbidden_chars(value, multi_line=self.multi_line):
                message = FORBIDDEN_IN_TEXT if self.multi_line else FORBIDDEN_IN_LINE
                raise StopValidation(str(message) % {"label": _label(field)})
            if self.max_length is not None and len(value) > self.max_length:
                raise StopValidation(str(TOO_LONG) % {"max": self.max_length})


def _label(field) -> str:
    """The field's German label, or a neutral word for a field without one (hidden fields:
    WTForms makes an English label from the name)."""
    text = str(field.label.text or "")
    if not text or text == field.name.replace("_", " ").title():
        return str(UNNAMED)
    return text


def input_rule_for(field) -> InputRule | None:
    """The rule for one bound field; none for containers (their fields get their own) and
    uploads (checked by the media service)."""
    if isinstance(field, FormField | FieldList | FileField):
        return None
    multi_line = isinstance(field, TextAreaField)
    own = any(isinstance(v, Length) and v.max is not None and v.max >= 0
              for v in field.validators)
    return InputRule(multi_line=multi_line,
                     max_length=None if own else (TEXT_MAX if multi_line else LINE_MAX))


class InputRuleMeta:
    """WTForms meta mix-in: every bound field gets ``InputRule`` first in its validators."""

    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        rule = input_rule_for(field)
        if rule is not None:
            field.validators = [rule, *field.validators]
        return field


class _ErrorsAtFields:
    def check_input_rule(self) -> bool:
        """Only the input rule, for a view whose other checks are the service's (the public
        registration form): refused fields get the rule's message; ``False`` if any did."""
        ok = True
        for field in self:
            for validator in field.validators:
                if isinstance(validator, InputRule):
                    try:
                        validator(self, field)
                    except StopValidation as exc:
                        field.errors = [str(exc)]
                        ok = False
        return ok

    def add_errors(self, errors: dict[str, str]) -> list[str]:
        """Attach service errors to their fields (a field keeps its own first message);
        return the messages that belong to no field, for the error summary."""
        leftover = []
        for name, message in errors.items():
            if name in self._fields and name not in NOT_A_FIELD:
                field = self._fields[name]
                if not field.errors:
                    field.errors = [*field.errors, message]
            else:
                leftover.append(message)
        return leftover


class BaseForm(_ErrorsAtFields, FlaskForm):
    """A form with the session's CSRF token and the input rule."""

    class Meta(InputRuleMeta):
        pass


class CheckedForm(_ErrorsAtFields, Form):
    """A form without session CSRF (public pages, sub-forms), with the input rule."""

    class Meta(InputRuleMeta):
        pass
