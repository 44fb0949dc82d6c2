"""The target form of the indicators dashboard (the range check is the service's)."""

from __future__ import annotations

from wtforms.validators import InputRequired

from ..i18n import lazy_gettext as _l
from .base import BaseForm
from .offer import INVALID_NUMBER, WholeNumberField


class TargetForm(BaseForm):
    target = WholeNumberField(
        _l("Ziel: veröffentlichte Arbeitgeberprofile mit mindestens einem Angebot"),
        validators=[InputRequired(message=INVALID_NUMBER)],
    )
