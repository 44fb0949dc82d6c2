"""The input rule for route parameters, applied before every plug-in view.

Every plug-in blueprint runs ``refuse_hostile_route_values`` first (``make_blueprint`` registers
it), so no view, service or query sees a text route parameter (a slug, a token, a file name)
with a character ``has_forbidden_chars`` refuses (PostgreSQL refuses NUL in text: the region
look's ``/jobs/regionen/a%00b/stil.css`` was a 500) or of unbounded length: no page has such an
address, so the answer is 404. Integer parameters are bounded by their converters
(``<int(max=2147483647):x>``). Form fields have their rule with messages at the fields
(``forms.base``); query parameters are read by their views, which show a note for what they
cannot use (``services.search_query``, ``services.event_pages``).
"""

from __future__ import annotations

from flask import abort, request

from ..services.input_checks import has_forbidden_chars

ROUTE_VALUE_MAX = 200
"""The longest text route parameter (slugs, tokens, file names)."""


def refuse_hostile_route_values() -> None:
    for value in (request.view_args or {}).values():
        if isinstance(value, str) and (
            has_forbidden_chars(value) or len(value) > ROUTE_VALUE_MAX
        ):
            abort(404)
