"""Settings defaults and the features the plug-in declares to the host."""

from __future__ import annotations

from importlib.resources import files

from kwis_hooks.types import Feature, MigrationLocation

from .i18n import lazy_gettext as _l
from .models.base import TABLE_PREFIX

FEATURES: tuple[Feature, ...] = (
    Feature("profile", _l("Arbeitgeberprofil"), _l("Tab „Arbeitgeberprofil“ im Selbstservice")),
    Feature("offers", _l("Angebote"), _l("Tab „Angebote“ im Selbstservice")),
    Feature(
        "portal", _l("Öffentliches Portal"), _l("Suche, Betriebs- und Angebotsseiten unter /jobs/")
    ),
    Feature(
        "events", _l("Veranstaltungen"), _l("Messen, Tage der offenen Betriebe, Besuchstermine")
    ),
    Feature("alerts", _l("Benachrichtigungen"), _l("E-Mail-Benachrichtigungen über neue Angebote")),
    Feature("api", _l("API und Feeds"), _l("JSON-API, RSS/Atom und Kalender")),
    Feature("embed", _l("Einbettung"), _l("Widget für Schulen und Partner")),
)
FEATURE_KEYS = frozenset(f.key for f in FEATURES)

VIDEO_HOSTS = ("youtube.com", "www.youtube.com", "youtu.be", "vimeo.com", "player.vimeo.com")
"""Hosts a profile's video link may point to (https only; shown as a link, never embedded)."""

SETTINGS_DEFAULTS = {
    "KWIS_JOB_PUBLIC_PREFIX": "/jobs",
    "KWIS_JOB_SELFSERVICE_PREFIX": "/selfservice/job",
    "KWIS_JOB_ADMIN_PREFIX": "/admin/job",
    "KWIS_JOB_MAIL_FROM": "KWIS.job <noreply@localhost>",
    # The HTTP geocoder (Nominatim-compatible), asked for places no company is in; None: off.
    "KWIS_JOB_GEOCODER_URL": None,
    # None: "KWIS.job/<version> (+<contact>)", the contact being KWIS_JOB_GEOCODER_CONTACT or
    # else the address in KWIS_JOB_MAIL_FROM.
    "KWIS_JOB_GEOCODER_USER_AGENT": None,
    "KWIS_JOB_GEOCODER_CONTACT": None,
    "KWIS_JOB_GEOCODER_TIMEOUT": 3.0,
    "KWIS_JOB_STALE_AFTER_DAYS": 365,
    "KWIS_JOB_VIDEO_HOSTS": VIDEO_HOSTS,
}

VERSION_TABLE = "kwis_job_alembic_version"


def migration_location() -> MigrationLocation:
    return MigrationLocation(
        name="kwis_job",
        script_location=files("kwis_job_plugin.migrations"),
        version_table=VERSION_TABLE,
        table_prefix=TABLE_PREFIX,
    )


def templates_path() -> str:
    return str(files("kwis_job_plugin.templates"))
