"""Access rules for every plug-in view: exactly one of ``public``, ``company`` or ``admin``.

A test walks the URL map and fails on a plug-in route without a rule, so a new view cannot be
exposed by accident. ``feature`` adds the per-request check of a region's feature switch.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, g, redirect, request, url_for

from ..services import features, regions
from . import context

ACCESS_ATTR = "kwis_access"


def _mark(view: Callable, rule: str) -> Callable:
    setattr(view, ACCESS_ATTR, rule)
    return view


def public(view: Callable) -> Callable:
    """Anyone, no login; the view must not reveal unpublished data."""
    return _mark(view, "public")


def _login_redirect():
    return redirect(url_for(context.host().login_endpoint, next=request.full_path.rstrip("?")))


def company(view: Callable) -> Callable:
    """A logged-in company user; the view sees only ``current_customer()``'s data."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        user = context.user()
        if user is None:
            return _login_redirect()
        if user.role != "company" or context.customer() is None:
            abort(403)
        return view(*args, **kwargs)

    return _mark(wrapper, "company")


def admin(view: Callable) -> Callable:
    """A logged-in admin of the agency."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        user = context.user()
        if user is None:
            return _login_redirect()
        if not user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return _mark(wrapper, "admin")


def current_region_id() -> int | None:
    """The current customer's region, looked up once per request."""
    if "kwis_job_region_id" not in g:
        customer = context.customer()
        region = regions.region_for_ags(context.db(), customer.ags) if customer else None
        g.kwis_job_region_id = region.id if region else None
    return g.kwis_job_region_id


def feature(key: str) -> Callable[[Callable], Callable]:
    """404 unless ``key`` is on for the current customer's region (checked on every request)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            if not features.is_enabled(context.db(), key, current_region_id()):
                abort(404)
            return view(*args, **kwargs)

        return wrapper

    return decorator
