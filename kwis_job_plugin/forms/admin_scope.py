"""The global admin's form for one host admin's scope: every region, or a set of regions.

The rules (at least one global admin remains; taking away one's own global scope needs the
confirmation) are ``services.admin_scope.assign``'s; this form only parses.
"""

from __future__ import annotations

from wtforms import BooleanField, RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, InputRequired

from ..i18n import lazy_gettext as _l
from .base import BaseForm
from .offer import INVALID_CHOICE, MultiCheckboxField

ALL, SOME = "all", "regions"


class AdminScopeForm(BaseForm):
    scope = RadioField(
        _l("Zuständigkeit"),
        choices=[SelectChoice(ALL, _l("Alle Regionen (globale Verwaltung)")),
                 SelectChoice(SOME, _l("Nur die gewählten Regionen"))],
        validators=[InputRequired(message=INVALID_CHOICE),
                    AnyOf((ALL, SOME), message=INVALID_CHOICE)],
        validate_choice=False,
    )
    regions = MultiCheckboxField(_l("Regionen"))
    confirm_own = BooleanField(_l("Ja, ich gebe meine Zuständigkeit für alle Regionen ab."))

    def set_choices(self, regions) -> None:
        self.regions.choices = [SelectChoice(region.id, region.name) for region in regions]

    @property
    def all_regions(self) -> bool:
        return self.scope.data == ALL
