"""Blueprint factory shared by the plug-in's views: templates, headers and template globals."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint
from markupsafe import Markup, escape

from .. import i18n
from ..config import templates_path
from ..labels import review_rule_label, status_label
from . import access, context
from .assets import compress_html
from .request_input import refuse_hostile_route_values
from .security import apply_headers

ON_BEHALF_LAYOUT = "kwis_job/on_behalf/layout.html"


def _on_behalf() -> dict | None:
    """While an admin edits for a company: the company, its tabs and the host's admin layout,
    for the banner (``kwis_job/on_behalf/layout.html``)."""
    acted_for = context.acting_for()
    if acted_for is None:
        return None
    from ..plugin import kwis_selfservice_tabs
    from ..services import features

    region_id = access.current_region_id()
    tabs = [tab for tab in kwis_selfservice_tabs(acted_for, context.user())
            if features.is_enabled(context.db(), tab.feature, region_id)]
    return {"customer": acted_for, "tabs": tabs, "base_layout": context.host().admin_layout}


def _agency_changes() -> list:
    """The agency's changes for the page's company (``kwis_job/on_behalf/_agency_changes.html``),
    asked only by the company tabs that include it."""
    from ..services import on_behalf

    customer = context.customer()
    return on_behalf.changes_for_company(context.db(), customer.id) if customer else []


def _host_for_templates():
    """The host's context; while acting, both layouts are the banner layout, so every plug-in
    page shows "Bearbeiten für …" (the tabs inside the admin area, as the admin is no company
    user of the host)."""
    host = context.host()
    if context.acting_for() is None:
        return host
    return replace(host, selfservice_layout=ON_BEHALF_LAYOUT, admin_layout=ON_BEHALF_LAYOUT)


def _in_german(text) -> Markup:
    """Inline German text in a page of another language (``content_lang`` for an element)."""
    return Markup('<span lang="{}">{}</span>').format(i18n.DEFAULT_LOCALE, text)


def make_blueprint(name: str, import_name: str) -> Blueprint:
    bp = Blueprint(name, import_name, template_folder=templates_path())
    bp.before_request(refuse_hostile_route_values)
    bp.after_request(compress_html)  # registered first, so it runs last (after ETags)
    bp.after_request(apply_headers)

    @bp.context_processor
    def _globals():
        locale = i18n.get_locale()
        return {
            "_": i18n.gettext,
            "ngettext": i18n.ngettext,
            "kwis_locale": locale,
            "page_lang": locale,
            # Text the companies and the agency write is German: on a page in another language
            # it carries lang="de", so a screen reader reads it with German pronunciation.
            "content_lang": Markup("") if locale == i18n.DEFAULT_LOCALE
            else Markup(f' lang="{i18n.DEFAULT_LOCALE}"'),
            "in_german": _in_german if locale != i18n.DEFAULT_LOCALE else escape,
            "kwis_host": _host_for_templates(),
            "kwis_on_behalf": _on_behalf(),
            "kwis_agency_changes": _agency_changes,
            "status_label": status_label,
            "review_rule_label": review_rule_label,
        }

    return bp


def read_only_routes(bp: Blueprint, *rules: str, endpoint: str):
    """One read-only view under several rules (e.g. without and with a region): GET and HEAD,
    no automatic OPTIONS, one endpoint so ``url_for`` picks the rule by its arguments."""

    def decorator(view):
        for rule in rules:
            bp.add_url_rule(rule, endpoint=endpoint, view_func=view, methods=["GET"],
                            provide_automatic_options=False)
        return view

    return decorator
