"""Public pictures of published employer profiles: ``/jobs/medien/<id>``.

GET and HEAD only, no login, no cookies. A picture is served only while the company page that
shows it exists and its published version lists it (``services.public_pages.public_media``, the
same rule as the page); everything else (drafts, new uploads, a region with the portal off) is
the same 404 as an unused id.
"""

from __future__ import annotations

from flask import Response, abort, request

from ..services import public_pages
from ..services.errors import NotFound
from . import access, context
from .templating import make_blueprint

bp = make_blueprint("kwis_job_media", __name__)
PUBLIC_MAX_AGE = 300
MEDIA_ID = "<int(max=2147483647):media_id>"  # beyond a 32-bit id is a 404, not a database error


@bp.route(f"/medien/{MEDIA_ID}", methods=["GET"], provide_automatic_options=False)
@access.public
def show(media_id: int):
    try:
        item = public_pages.public_media(context.db(), media_id)
    except NotFound:
        abort(404)
    return image_response(item, cache=f"public, max-age={PUBLIC_MAX_AGE}")


def image_response(item, cache: str) -> Response:
    """A stored picture; its SHA-256 is the ETag, so an unchanged picture costs a 304."""
    if request.if_none_match and item.sha256 in request.if_none_match:
        response = Response(status=304)
    else:
        response = Response(item.data, mimetype=item.content_type)
    response.set_etag(item.sha256)
    response.headers["Cache-Control"] = cache
    response.headers["Content-Disposition"] = "inline"
    return response
