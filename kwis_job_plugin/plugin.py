"""KWIS.job's side of the host contract: the only module that implements host hooks.

Each function answers one hook of ``kwis_hooks.hookspecs`` with plain data; nothing here patches a
host object.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from kwis_hooks import hookimpl
from kwis_hooks.types import (
    AdminMenuEntry,
    BlueprintSpec,
    ErrorPage,
    Feature,
    HostContext,
    HostCustomer,
    HostUser,
    MigrationLocation,
    SelfServiceTab,
)
from markupsafe import escape

from . import config, i18n
from .i18n import gettext as _
from .services import admin_scope, features, host_sync, regions
from .views.context import EXTENSION_KEY, PluginState, request_locale


@hookimpl
def kwis_settings_defaults() -> dict[str, Any]:
    return dict(config.SETTINGS_DEFAULTS)


@hookimpl
def kwis_configure(app, host: HostContext) -> None:
    app.extensions[EXTENSION_KEY] = PluginState(host=host)
    i18n.use_locale_provider(request_locale)
    _configure_registration(app)


def _configure_registration(app) -> None:
    """The public registration blueprint's rate limits (its form sets no cookie and carries a
    signed token instead of the session CSRF token: ``csrf_exempt`` in ``kwis_blueprints``).
    Mail links and the test-only ``KWIS_JOB_TEST_UNLOCKED_SLOTS`` are passed by the views per
    call, not installed here: several apps in one process must not affect each other."""
    from .views import accessibility_feedback, ratelimit, still_current
    from .views import alerts as alerts_views
    from .views import api as api_views
    from .views import registration as registration_views

    ratelimit.init_app(app, registration_views.bp, accessibility_feedback.bp, still_current.bp,
                       alerts_views.bp, reads=(api_views.bp,))


@hookimpl
def kwis_blueprints(app, host: HostContext) -> list[BlueprintSpec]:
    from .views import (
        accessibility,
        accessibility_feedback,
        admin,
        admin_admins,
        admin_alerts,
        admin_audit,
        admin_campaigns,
        admin_events,
        admin_indicators,
        admin_legal,
        admin_mail,
        admin_on_behalf,
        admin_review,
        alerts,
        api,
        embed,
        events_tab,
        invitation,
        legal_pages,
        media,
        offers_tab,
        portal,
        profile_tab,
        registration,
        still_current,
    )

    settings = app.config
    return [
        BlueprintSpec(profile_tab.bp, settings["KWIS_JOB_SELFSERVICE_PREFIX"]),
        BlueprintSpec(offers_tab.bp, settings["KWIS_JOB_SELFSERVICE_PREFIX"]),
        BlueprintSpec(events_tab.bp, settings["KWIS_JOB_SELFSERVICE_PREFIX"]),
        BlueprintSpec(invitation.bp, settings["KWIS_JOB_SELFSERVICE_PREFIX"]),
        BlueprintSpec(admin.bp, settings["KWIS_JOB_ADMIN_PREFIX"]),
        BlueprintSpec(admin_events.bp, settings["KWIS_JOB_ADMIN_PREFIX"]),
        BlueprintSpec(admin_mail.bp, settings["KWIS_JOB_ADMIN_PREFIX"]),
        BlueprintSpec(admin_review.bp, settings["KWIS_JOB_ADMIN_PREFIX"]),
        BlueprintSpec(admin_legal.bp, settings["KWIS_JOB_ADMIN_PREFIX"]),
        BlueprintSpec(admin_admins.bp, settings["KWIS_JOB_ADMIN_PREFIX"]),
        BlueprintSpec(admin_audit.bp, settings["KWIS_JOB_ADMIN_PREFIX"]),
        BlueprintSpec(admin_on_behalf.bp, settings["KWIS_JOB_ADMIN_PREFIX"]),
        BlueprintSpec(admin_indicators.bp, settings["KWIS_JOB_ADMIN_PREFIX"]),
        BlueprintSpec(admin_campaigns.bp, settings["KWIS_JOB_ADMIN_PREFIX"]),
        BlueprintSpec(admin_alerts.bp, settings["KWIS_JOB_ADMIN_PREFIX"]),
        BlueprintSpec(portal.bp, settings["KWIS_JOB_PUBLIC_PREFIX"]),
        BlueprintSpec(media.bp, settings["KWIS_JOB_PUBLIC_PREFIX"]),
        BlueprintSpec(registration.bp, settings["KWIS_JOB_PUBLIC_PREFIX"], csrf_exempt=True),
        BlueprintSpec(accessibility.bp, settings["KWIS_JOB_PUBLIC_PREFIX"]),
        BlueprintSpec(legal_pages.bp, settings["KWIS_JOB_PUBLIC_PREFIX"]),
        BlueprintSpec(
            accessibility_feedback.bp, settings["KWIS_JOB_PUBLIC_PREFIX"], csrf_exempt=True
        ),
        # The reminder's one-click link: no login, no cookie; the signed token protects it.
        BlueprintSpec(still_current.bp, settings["KWIS_JOB_PUBLIC_PREFIX"], csrf_exempt=True),
        # The read-only JSON API (/jobs/api/v1/): GET only, no cookie, CORS *.
        BlueprintSpec(api.bp, settings["KWIS_JOB_PUBLIC_PREFIX"]),
        # The widget, its configurator and the school button: GET only, no cookie; the
        # widget alone may be framed by other sites (views/security.py ``allow_framing``).
        BlueprintSpec(embed.bp, settings["KWIS_JOB_PUBLIC_PREFIX"]),
        # Alerts and "Zurück in der Region": public writes with a signed form token, no cookie.
        BlueprintSpec(alerts.bp, settings["KWIS_JOB_PUBLIC_PREFIX"], csrf_exempt=True),
    ]


@hookimpl
def kwis_cli_commands() -> list[Any]:
    from .cli import job

    return [job]


@hookimpl
def kwis_features() -> list[Feature]:
    return list(config.FEATURES)


@hookimpl
def kwis_feature_enabled(feature: str, customer: HostCustomer | None) -> bool | None:
    if feature not in config.FEATURE_KEYS:
        return None
    session = current_app.extensions[EXTENSION_KEY].host.get_session()
    region = regions.region_for_ags(session, customer.ags) if customer else None
    return features.is_enabled(session, feature, region.id if region else None)


@hookimpl
def kwis_selfservice_tabs(customer: HostCustomer, user: HostUser) -> list[SelfServiceTab]:
    return [
        SelfServiceTab(
            "kwis_job_profile",
            _("Arbeitgeberprofil"),
            "kwis_job_profile.edit",
            20,
            "profile",
        ),
        SelfServiceTab(
            "kwis_job_offers", _("Angebote"), "kwis_job_offers.index", 30, "offers"
        ),
        SelfServiceTab(
            "kwis_job_events", _("Veranstaltungen"), "kwis_job_events_tab.index", 40, "events"
        ),
    ]


@hookimpl
def kwis_admin_menu(user: HostUser) -> list[AdminMenuEntry]:
    return [
        AdminMenuEntry(
            "kwis_job_regions",
            _("KWIS.job: Regionen und Funktionen"),
            "kwis_job_admin.region_list",
            50,
        ),
        AdminMenuEntry(
            "kwis_job_review", _("KWIS.job: Prüfung"), "kwis_job_admin_review.review_queue", 51
        ),
        AdminMenuEntry(
            "kwis_job_events",
            _("KWIS.job: Veranstaltungen"),
            "kwis_job_admin_events.index",
            52,
        ),
        AdminMenuEntry(
            "kwis_job_mail", _("KWIS.job: E-Mail-Versand"), "kwis_job_admin_mail.index", 53
        ),
        AdminMenuEntry(
            "kwis_job_campaigns", _("KWIS.job: Kampagnen"), "kwis_job_admin_campaigns.index", 54
        ),
        AdminMenuEntry(
            "kwis_job_indicators", _("KWIS.job: Kennzahlen"), "kwis_job_admin_indicators.index", 55
        ),
        AdminMenuEntry(
            "kwis_job_audit", _("KWIS.job: Änderungsprotokoll"), "kwis_job_admin_audit.index", 58
        ),
        AdminMenuEntry(
            "kwis_job_on_behalf", _("KWIS.job: Für einen Betrieb bearbeiten"),
            "kwis_job_admin_on_behalf.index", 59,
        ),
        *_global_admin_menu(user),
    ]


def _global_admin_menu(user: HostUser) -> list[AdminMenuEntry]:
    """Entries only global admins see (region admins get 404 on these pages anyway)."""
    session = current_app.extensions[EXTENSION_KEY].host.get_session()
    if admin_scope.manageable_region_ids(session, user.id) is not None:
        return []
    return [AdminMenuEntry(
        "kwis_job_admins", _("KWIS.job: Zuständigkeiten"), "kwis_job_admin_admins.index", 59
    )]


STYLESHEETS = ("selfservice.css", "kj-profile.css", "kj-offers.css", "kj-events-tab.css",
               "kj-indicators.css", "kj-on-behalf.css", "kj-campaigns.css")


@hookimpl
def kwis_template_insertion(point: str, context: dict[str, Any]) -> str | None:
    """Our stylesheet in the host's <head>, so plug-in pages need no host CSS classes."""
    if point != "head":
        return None
    return "".join(
        f'<link rel="stylesheet" href="{escape(url_for("kwis_job_portal.asset", filename=name))}">'
        for name in STYLESHEETS
    )


@hookimpl
def kwis_error_page(status: int, path: str) -> ErrorPage | None:
    """The portal's error pages (in its KERN look, German or English); the host draws the
    rest."""
    from .views import portal

    found = portal.error_page(status, path)
    return ErrorPage(*found) if found is not None else None


@hookimpl
def kwis_robots_txt() -> list[str]:
    """The portal's sitemap, for the host's ``/robots.txt``."""
    from .views import portal

    return portal.robots_lines()


@hookimpl
def kwis_customer_changed(session, customer_id: int, changed: frozenset[str]) -> None:
    host_sync.customer_changed(session, customer_id, changed)


@hookimpl
def kwis_customer_deleted(session, customer_id: int) -> None:
    host_sync.delete_customer_data(session, customer_id)


@hookimpl
def kwis_user_deleted(session, user_id: int) -> None:
    host_sync.forget_user(session, user_id)


@hookimpl
def kwis_migration_locations() -> list[MigrationLocation]:
    return [config.migration_location()]
