"""The portal's look: KERN UX if it was installed, and each region's colours and logo.

Registered on the portal blueprint by ``portal.py`` (``register(bp)``), so the URLs live under
``/jobs/`` and share its caching and headers. Templates get two globals:

- ``kern_installed``: whether the build put KERN into ``static/kern/`` (see ``assets_build``);
  without it ``base.html`` links only ``portal.css``, which stands alone.
- ``portal_theme(region=..., profile_id=..., offer_id=...)``: the ``services.region_theme.Theme``
  of a page or ``None`` (the neutral default), one small query.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from flask import Response, abort, request

from ..services import region_theme
from . import access, assets, context
from .media import image_response

LONG_MAX_AGE = 86_400
"""For URLs whose ``?v=`` names their content: a change gives a new URL."""
SHORT_MAX_AGE = 60


@cache
def kern_installed() -> bool:
    """Per installed copy, so computed once: the files come with the build, not at run time."""
    return (files("kwis_job_plugin") / "static" / "kern" / "kern.min.css").is_file()


def kern_portal_css() -> str | None:
    """The logical name of the build's trimmed KERN sheet, or ``None`` (then the full one)."""
    return assets.BUNDLE if assets.has_asset(assets.BUNDLE) else None


def portal_theme(region: str | None = None, profile_id: int | None = None,
                 offer_id: int | None = None) -> region_theme.Theme | None:
    session = context.db()
    if profile_id is not None:
        return region_theme.for_profile(session, profile_id)
    if offer_id is not None:
        return region_theme.for_offer(session, offer_id)
    return region_theme.for_region(session, region)


def _max_age(version: str) -> int:
    return LONG_MAX_AGE if request.args.get("v") == version else SHORT_MAX_AGE


def register(bp) -> None:
    @bp.context_processor
    def _theme_globals():
        return {"kern_installed": kern_installed(), "kern_portal_css": kern_portal_css(),
                "portal_theme": portal_theme}

    @bp.route("/regionen/<slug>/stil.css", methods=["GET"], provide_automatic_options=False)
    @access.public
    def region_stylesheet(slug: str):
        theme = region_theme.for_region(context.db(), slug[:60])
        if theme is None or not theme.has_colors:
            abort(404)
        response = Response(region_theme.stylesheet(theme), mimetype="text/css")
        response.headers["Cache-Control"] = f"public, max-age={_max_age(theme.version)}"
        return response

    @bp.route("/regionen/<slug>/logo", methods=["GET"], provide_automatic_options=False)
    @access.public
    def region_logo(slug: str):
        region = region_theme.logo_of(context.db(), slug[:60])
        if region is None:
            abort(404)
        item = _LogoItem(region.logo_data, region.logo_content_type, region.logo_sha256)
        return image_response(item, cache=f"public, max-age={_max_age(region.logo_sha256[:10])}")


class _LogoItem:
    """The three attributes ``image_response`` reads from a stored picture."""

    __slots__ = ("data", "content_type", "sha256")

    def __init__(self, data: bytes, content_type: str, sha256: str):
        self.data, self.content_type, self.sha256 = data, content_type, sha256
