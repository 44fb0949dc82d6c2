"""The admin's form for a region's look on the portal (colours, logo, logo text).

Only the shared input rule (``BaseForm``) is checked here; colours, contrast, the picture and
the logo text's length are checked by ``services.region_theme.update_theme``, whose error keys
are these field names.
"""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import StringField
from wtforms.validators import Length

from ..i18n import lazy_gettext as _l
from .base import BaseForm


class RegionThemeForm(BaseForm):
    theme_color = StringField(_l("Hauptfarbe"))
    theme_color_secondary = StringField(_l("Zweitfarbe"))
    logo = FileField()
    logo_alt = StringField(_l("Text zum Logo"))
    remove_logo = StringField()

    def field_errors(self) -> dict[str, str]:
        """The first message of each field, in the shape ``update_theme`` raises."""
        return {name: messages[0] for name, messages in self.errors.items() if messages}


class StalenessForm(BaseForm):
    """The region's staleness period; the range is ``services.staleness``' to check."""

    stale_after_days = StringField(_l("Tage ohne Änderung bis zur Erinnerung"),
                                   validators=[Length(max=5)])

    def field_errors(self) -> dict[str, str]:
        return {name: messages[0] for name, messages in self.errors.items() if messages}
