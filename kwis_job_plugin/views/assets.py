"""Serving the built assets: hashed names cached for a year, pre-compressed files negotiated.

The build (``assets_optimize.py``) writes ``static/built/`` with ``manifest.json`` (logical name
-> hashed name). Here:

- ``url_for('kwis_job_portal.asset', filename='portal.css')`` gives the hashed URL
  (``/jobs/assets/portal.c42a95b40e.css``) wherever it is called, through the blueprint's
  ``url_defaults`` (``register``): templates keep naming assets by their logical name, and a new
  ``<link>`` is hashed without anyone remembering to.
- A hashed URL is answered with ``Cache-Control: public, max-age=31536000, immutable``: its
  content can never change, so a repeat visit asks for nothing but the HTML.
- A plain (logical) URL, as pages cached before a deployment still name them, keeps working with
  a short cache: the current file of that name.
- The body is the ``.br`` or ``.gz`` file the build wrote when the request's
  ``Accept-Encoding`` allows it, else the plain file; always with ``Vary: Accept-Encoding``.
- HTML of the plug-in's pages is gzipped in the app when the client asks (``compress_html``),
  unless ``KWIS_JOB_COMPRESS_HTML`` is false because a reverse proxy does it (INSTALL.md).

An editable install whose own stylesheet was edited after the build notices it here: such an
entry's source digest no longer matches, so its logical name is used (short cache) until the
next build. Without a manifest (a tree built before this existed) everything is served as
before.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import mimetypes
from functools import cache
from importlib.resources import files
from pathlib import Path

from flask import Response, abort, current_app, request, send_from_directory
from werkzeug.security import safe_join

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT_MAX_AGE = 3600
BUILT = "built"
MANIFEST = "manifest.json"
BUNDLE = "kern/kern-portal.css"
"""The trimmed KERN sheet's logical name (``assets_optimize.BUNDLE``)."""
SUFFIX_OF = {"br": ".br", "gzip": ".gz"}
PREFERENCE = ("br", "gzip")
"""Brotli is ~15 % smaller than gzip on the stylesheets; both are read from disk, no CPU."""
COMPRESS_MIN_BYTES = 1024
"""Below about one TCP packet gzip saves no round trip and costs its header."""
COMPRESS_LEVEL = 5
"""zlib level 5 is within ~3 % of level 9 on the portal's HTML at about half the time."""
COMPRESSED_TYPES = ("text/html", "application/xml", "text/xml", "application/json",
                    "application/ld+json", "text/plain", "text/calendar")


def static_root() -> Path:
    return Path(str(files("kwis_job_plugin") / "static"))


@cache
def manifest() -> dict[str, dict]:
    """Logical name -> entry, without the entries whose source changed since the build."""
    root = static_root()
    try:
        data = json.loads((root / BUILT / MANIFEST).read_text(encoding="utf-8"))
        assets = dict(data["assets"])
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    for logical, entry in list(assets.items()):
        source = entry.get("source_sha256")
        if source is None:
            continue
        try:
            current = hashlib.sha256((root / logical).read_bytes()).hexdigest()
        except OSError:
            current = None
        if current != source:
            del assets[logical]
    return assets


@cache
def hashed_names() -> dict[str, dict]:
    return {entry["path"]: entry for entry in manifest().values()}


def asset_path(logical: str) -> str:
    """The hashed name of ``logical``, or ``logical`` itself when the build has none."""
    entry = manifest().get(logical)
    return entry["path"] if entry else logical


def has_asset(logical: str) -> bool:
    return logical in manifest()


def _accepted(encoding: str) -> bool:
    return request.accept_encodings[encoding] > 0


def serve(filename: str):
    entry = hashed_names().get(filename)
    cache_control = IMMUTABLE
    if entry is None:
        entry = manifest().get(filename)
        cache_control = f"public, max-age={SHORT_MAX_AGE}"
    if entry is None:
        return send_from_directory(str(static_root()), filename, max_age=SHORT_MAX_AGE)
    built = static_root() / BUILT
    encoding = next((e for e in PREFERENCE if e in entry["encodings"] and _accepted(e)), None)
    name = entry["path"] + (SUFFIX_OF[encoding] if encoding else "")
    path = safe_join(str(built), name)
    try:
        body = Path(path).read_bytes() if path else None
    except OSError:
        body = None
    if body is None:
        abort(404)
    mimetype = mimetypes.guess_type(entry["path"])[0] or "application/octet-stream"
    response = Response(body, mimetype=mimetype)
    if encoding:
        response.headers["Content-Encoding"] = encoding
    response.vary.add("Accept-Encoding")
    response.headers["Cache-Control"] = cache_control
    response.set_etag(entry["path"].rsplit(".", 2)[-2] + (f"-{encoding}" if encoding else ""))
    response.make_conditional(request)
    return response


def compress_html(response):
    """Gzip a text response when the client accepts it and it is worth it."""
    if (
        request.method == "HEAD"
        or response.status_code < 200
        or response.status_code in (204, 304)
        or response.direct_passthrough
        or response.is_streamed
        or "Content-Encoding" in response.headers
        or response.mimetype not in COMPRESSED_TYPES
        or not current_app.config.get("KWIS_JOB_COMPRESS_HTML", True)
    ):
        return response
    response.vary.add("Accept-Encoding")
    if not _accepted("gzip"):
        return response
    body = response.get_data()
    if len(body) < COMPRESS_MIN_BYTES:
        return response
    response.set_data(gzip.compress(body, compresslevel=COMPRESS_LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag and not weak:
        response.set_etag(etag, weak=True)  # the bytes differ from the identity representation
    return response


def register(bp) -> None:
    @bp.url_defaults
    def _hashed_asset(endpoint, values):
        if endpoint == f"{bp.name}.asset" and "filename" in values:
            values["filename"] = asset_path(values["filename"])

    @bp.app_template_global("asset_preloads")
    def _asset_preloads(*logicals: str) -> list[str]:
        """The hashed names of those ``logicals`` the build made (for ``<link rel=preload>``)."""
        return [asset_path(name) for name in logicals if has_asset(name)]
