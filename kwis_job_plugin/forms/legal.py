"""The admin's form for a region's legal data (imprint, privacy contacts, accessibility).

Its fields are made from ``services.legal.FIELDS``, so the form, the service's checks and the
columns cannot drift apart: each field's ``Length`` is its column's, the shared input rule
(``BaseForm``) refuses control characters and line breaks in one-line fields, and the service's
``clean`` checks e-mail addresses, telephone numbers and ``https://`` links, whose messages
``add_errors`` puts at the same fields.
"""

from __future__ import annotations

from wtforms import StringField, TextAreaField
from wtforms.validators import Length

from ..services.legal import FIELDS
from .base import TOO_LONG, BaseForm


def _field(spec):
    length = Length(max=spec.max_length, message=TOO_LONG)
    if spec.multi_line:
        return TextAreaField(spec.label, validators=[length])
    return StringField(spec.label, validators=[length])


class RegionLegalForm(BaseForm):
    """One field per ``services.legal.FIELDS`` entry, same names."""

    def field_errors(self) -> dict[str, str]:
        """The first message of each field, keyed as ``services.legal.clean`` keys them."""
        return {name: messages[0] for name, messages in self.errors.items() if messages}


for _spec in FIELDS:
    setattr(RegionLegalForm, _spec.name, _field(_spec))
del _spec
