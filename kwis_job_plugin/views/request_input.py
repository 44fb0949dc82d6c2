"""The input rule for route and query parameters, applied before every plug-in view.

Every plug-in blueprint runs ``refuse_hostile_route_values`` first (``make_blueprint`` registers
it), so no view, service or query sees a route or query parameter with a character
``has_forbidden_chars`` refuses (NUL, which PostgreSQL refuses in text: the region look's
``/jobs/regionen/a%00b/stil.css`` was a 500; other control characters, CR/LF included;
bidirectional overrides) or of unbounded length.

- A text route parameter (a slug, a token, a file name) breaking the rule is a 404: no page has
  such an address. Integer parameters are bounded by their converters
  (``<int(max=2147483647):x>``).
- A query parameter (name or value) breaking the rule is a 400 (a German page: the host's, or
  the portal's through ``kwis_error_page``), except on the portal's search, whose rule is "a
  note, never an error" (as for unknown filters, ``services.search_query``): there the parameter
  is dropped before the view reads ``request.args`` and ``query_notes`` says so on the page.

Form fields have their rule with messages at the fields (``forms.base``).
"""

from __future__ import annotations

from flask import abort, g, request
from werkzeug.datastructures import ImmutableMultiDict

from ..i18n import gettext as _
from ..services.input_checks import has_forbidden_chars
from ..services.search_query import PARAMS, filter_labels

ROUTE_VALUE_MAX = 200
"""The longest text route parameter (slugs, tokens, file names)."""
QUERY_VALUE_MAX = 4000
"""The longest query value: a ``zurueck`` link carries a whole search's query string; the
search text itself is cut at ``search_query.MAX_TEXT_LENGTH`` with a note."""
QUERY_NAME_MAX = 40
NOTED_ENDPOINTS = frozenset({
    "kwis_job_portal.index", "kwis_job_portal.search", "kwis_job_portal.events",
    "kwis_job_portal.event",
})
"""The portal's pages with filters (search, calendar, an event's slot list): a refused query
parameter is dropped with a note, not a 400."""
_NOTES_KEY = "kwis_job_query_notes"


def refuse_hostile_route_values() -> None:
    """The rule for route parameters (404) and query parameters (400, or a note on the
    search). Registered on every plug-in blueprint by ``make_blueprint``."""
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and (
            has_forbidden_chars(value) or len(value) > ROUTE_VALUE_MAX
        ):
            abort(404)
    check_query_parameters()


def refused_query_parameter(name: str, value: str) -> str | None:
    """Why a query parameter breaks the rule (``"chars"`` or ``"length"``), else ``None``."""
    if has_forbidden_chars(name) or has_forbidden_chars(value):
        return "chars"
    if len(name) > QUERY_NAME_MAX or len(value) > QUERY_VALUE_MAX:
        return "length"
    return None


def check_query_parameters() -> None:
    """Refuse the request (400) if a query parameter breaks the rule; on the portal's search,
    drop such parameters from ``request.args`` and keep a note for ``query_notes``."""
    refused: dict[str, str] = {}
    kept = []
    for name, value in request.args.items(multi=True):
        reason = refused_query_parameter(name, value)
        if reason is None:
            kept.append((name, value))
        else:
            refused.setdefault(name, reason)
    if not refused:
        return
    if request.endpoint not in NOTED_ENDPOINTS:
        abort(400)
    # Werkzeug caches ``args`` on the request; replacing it means no view or service of this
    # request can read the refused values.
    request.args = ImmutableMultiDict(kept)
    setattr(g, _NOTES_KEY, [_note(name, reason) for name, reason in refused.items()])


def query_notes() -> list[str]:
    """German notes on the query parameters this request dropped (for the search page)."""
    return list(g.get(_NOTES_KEY) or ())


def _note(name: str, reason: str) -> str:
    label = _label(name)
    if reason == "chars":
        if label is None:
            return _("Ein Teil der Adresse enthielt Steuerzeichen oder unsichtbare "
                     "Richtungszeichen und wurde ignoriert.")
        return _("„%(label)s“ enthielt Steuerzeichen oder unsichtbare Richtungszeichen und "
                 "wurde ignoriert.", label=label)
    if label is None:
        return _("Ein Teil der Adresse war zu lang und wurde ignoriert.")
    return _("„%(label)s“ war länger als %(max)s Zeichen und wurde ignoriert.", label=label,
             max=QUERY_VALUE_MAX)


SEARCH_ENDPOINTS = frozenset({"kwis_job_portal.index", "kwis_job_portal.search"})


def _label(name: str) -> str | None:
    """The filter's German name for a search parameter, the name itself for another harmless
    one, ``None`` for a name that must not be shown (it broke the rule itself).

    The calendar and an event's slot list reuse some names (``art``, ``feld``) with another
    meaning, so only the search pages translate them."""
    if has_forbidden_chars(name) or len(name) > QUERY_NAME_MAX:
        return None
    if request.endpoint not in SEARCH_ENDPOINTS:
        return name
    labels = {
        **{PARAMS[attr]: label for attr, label in filter_labels().items()},
        PARAMS["text"]: _("Suchtext"),
        PARAMS["place"]: _("Ort"),
        PARAMS["radius_km"]: _("Umkreis"),
        PARAMS["places_left"]: _("Nur mit freien Plätzen"),
        PARAMS["page"]: _("Seitenzahl"),
    }
    return labels.get(name, name)
