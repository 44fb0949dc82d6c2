"""Access rules for every plug-in view: exactly one of ``public``, ``company`` or ``admin``.

A test walks the URL map and fails on a plug-in route without a rule, so a new view cannot be
exposed by accident. ``feature`` adds the per-request check of a region's feature switch.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, g, redirect, request, url_for

from ..services import admin_scope, features, regions
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
    """A logged-in company user, or an admin editing on behalf of a company in one of their
    regions (``context.acting_for``); the view sees only ``context.customer()``'s data."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        user = context.user()
        if user is None:
            return _login_redirect()
        acting = user.is_admin and context.acting_for() is not None
        if not acting and (user.role != "company" or context.customer() is None):
            abort(403)
        context.mark_acting(context.db(), company_page=True)
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
        context.mark_acting(context.db(), company_page=False)
        return view(*args, **kwargs)

    return _mark(wrapper, "admin")


def admin_region_ids() -> frozenset[int] | None:
    """The regions the current admin may manage: ``None`` for a global admin, else their ids.

    Looked up once per request and kept on ``g``. Anyone who is not a host admin gets the empty
    set, so a view that forgot ``access.admin`` still shows nothing. List views pass the value
    to their service (``services.admin_scope.narrow``); views of one object call
    ``require_region``.
    """
    if "kwis_job_admin_regions" not in g:
        user = context.user()
        g.kwis_job_admin_regions = admin_scope.manageable_region_ids(
            context.db(), user.id if user is not None and user.is_admin else None
        )
    return g.kwis_job_admin_regions


def is_global_admin() -> bool:
    """Whether the current admin manages every region (and objects without a region)."""
    return admin_region_ids() is None


def require_region(region_id: int | None) -> None:
    """``abort(404)`` unless the current admin may manage ``region_id``.

    404, not 403, so a region admin cannot confirm that an id of another region exists.
    ``None`` is an object without a region (a company outside every region, a mail without
    region): only global admins may manage it; a region admin gets 404.
    """
    if not admin_scope.allows(admin_region_ids(), region_id):
        abort(404)


def require_global_admin() -> None:
    """``abort(404)`` unless the current admin is global (pages about all regions or admins)."""
    if not is_global_admin():
        abort(404)


GLOBAL_ATTR = "kwis_global_admin"


def global_admin(view: Callable) -> Callable:
    """Only a global admin (put under ``admin``): region admins get 404, as for another
    region's object. Marked so the URL-map test knows the route is not per region."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any):
        require_global_admin()
        return view(*args, **kwargs)

    setattr(wrapper, GLOBAL_ATTR, True)
    return wrapper


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
