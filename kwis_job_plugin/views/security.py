"""Security headers for plug-in pages, set even when a host sets none of its own."""

from __future__ import annotations

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)
FRAMEABLE_CSP = CSP.replace("frame-ancestors 'self'", "frame-ancestors *")
"""The widget's pages only (views/embed.py ``allow_framing``): any site may frame them. A
host's ``X-Frame-Options: SAMEORIGIN`` does not stop that: browsers ignore X-Frame-Options
when the CSP names ``frame-ancestors`` (CSP Level 2, § 7.7.1)."""
_FRAMEABLE = "kwis_job_frameable"


def allow_framing(response):
    """Mark ``response`` as one any site may put in a frame."""
    setattr(response, _FRAMEABLE, True)
    return response


def apply_headers(response):
    framed = getattr(response, _FRAMEABLE, False)
    response.headers["Content-Security-Policy"] = FRAMEABLE_CSP if framed else CSP
    if framed:
        response.headers.pop("X-Frame-Options", None)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    return response


def private_page(response):
    """For the public pages that carry a token or a fresh form (registration, alerts, the
    still-current link, feedback): never cached, never indexed, and the token never sent on as
    referrer. Registered with ``bp.after_request(private_page)`` by each such blueprint."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response
