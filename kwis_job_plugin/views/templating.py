"""Blueprint factory shared by the plug-in's views: templates, headers and template globals."""

from __future__ import annotations

from flask import Blueprint

from .. import i18n
from ..config import templates_path
from ..labels import review_rule_label, status_label
from . import context
from .request_input import refuse_hostile_route_values
from .security import apply_headers


def make_blueprint(name: str, import_name: str) -> Blueprint:
    bp = Blueprint(name, import_name, template_folder=templates_path())
    bp.before_request(refuse_hostile_route_values)
    bp.after_request(apply_headers)

    @bp.context_processor
    def _globals():
        locale = i18n.get_locale()
        return {
            "_": i18n.gettext,
            "ngettext": i18n.ngettext,
            "kwis_locale": locale,
            "page_lang": locale,
            "kwis_host": context.host(),
            "status_label": status_label,
            "review_rule_label": review_rule_label,
        }

    return bp
