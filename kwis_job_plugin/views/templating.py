"""Blueprint factory shared by the plug-in's views: templates, headers and template globals."""

from __future__ import annotations

from flask import Blueprint

from ..config import templates_path
from ..labels import REVIEW_RULE_LABELS, status_label
from . import context
from .security import apply_headers


def make_blueprint(name: str, import_name: str) -> Blueprint:
    bp = Blueprint(name, import_name, template_folder=templates_path())
    bp.after_request(apply_headers)

    @bp.context_processor
    def _globals():
        return {
            "kwis_host": context.host(),
            "status_label": status_label,
            "review_rule_labels": REVIEW_RULE_LABELS,
        }

    return bp
